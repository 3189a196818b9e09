/**
 * The floor any framework pays: a minimal Node `http` server answering with bytes held in memory.
 * The benchmark fills it with the exact bodies (and content types) the site served, so the
 * framework-vs-static ratio compares like with like.
 */
import http from 'node:http'

export interface StaticPage {
  body: Buffer
  contentType: string
}

export interface StaticFloor {
  url: string
  close(): Promise<void>
}

export function startStaticFloor(pages: Map<string, StaticPage>, port: number): Promise<StaticFloor> {
  const server = http.createServer((req, res) => {
    const page = pages.get(req.url ?? '')
    if (!page) {
      res.writeHead(404, {'content-type': 'text/plain'})
      res.end('not found')
      return
    }
    res.writeHead(200, {'content-type': page.contentType, 'content-length': page.body.length})
    res.end(page.body)
  })
  server.keepAliveTimeout = 65_000
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      }),
    )
  })
}
