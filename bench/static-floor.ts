/**
 * The floor any framework pays: a minimal Node `http` server answering with bytes held in memory.
 * The benchmark fills it with the exact bodies (and content types) the site served, so the
 * framework-vs-static ratio compares like with like. It runs in its own process, as the site
 * servers do, so it does not share an event loop with the load generator.
 *
 * Run as a script: `tsx bench/static-floor.ts <pages.json> <port>`; pages.json maps a path to
 * `{contentType, base64}`.
 */
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {DATA_DIR, REPO_ROOT} from './paths'
import {startProcess, waitForUrl} from './processes'

export interface StaticPage {
  body: Buffer
  contentType: string
}

export interface StaticFloor {
  url: string
  close(): Promise<void>
}

export function createStaticServer(pages: Map<string, StaticPage>): http.Server {
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
  return server
}

const HEALTH_PATH = '/__static-floor-health'

/** Starts the floor in a child process serving `pages` on `port`. */
export async function startStaticFloor(pages: Map<string, StaticPage>, port: number): Promise<StaticFloor> {
  const file = path.join(DATA_DIR, 'static-floor-pages.json')
  const serialised = Object.fromEntries([...pages].map(([route, page]) => [route, {contentType: page.contentType, base64: page.body.toString('base64')}]))
  fs.writeFileSync(file, JSON.stringify(serialised))
  const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx')
  const child = startProcess('static-floor', tsx, [fileURLToPath(import.meta.url), file, String(port)], {})
  const url = `http://127.0.0.1:${port}`
  await waitForUrl(url + HEALTH_PATH, 30_000, child)
  return {url, close: () => child.stop()}
}

function main(file: string, port: number) {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, {contentType: string; base64: string}>
  const pages = new Map(Object.entries(raw).map(([route, page]) => [route, {contentType: page.contentType, body: Buffer.from(page.base64, 'base64')}]))
  pages.set(HEALTH_PATH, {contentType: 'text/plain', body: Buffer.from('ok')})
  const server = createStaticServer(pages)
  server.listen(port, '127.0.0.1')
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv[2], Number(process.argv[3]))
}
