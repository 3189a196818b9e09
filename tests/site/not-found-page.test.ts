/**
 * #16.9: a route calling notFound() during an on-demand render gets Next's empty error shell; the
 * production server swaps it for the prerendered not-found page. Driven over real HTTP with a
 * stand-in for Next's handler that answers the way Next does.
 */
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import zlib from 'node:zlib'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {UNMATCHED_PATH, withCompleteNotFoundPages} from '@/lib/http/not-found-page'

const SHELL = '<!DOCTYPE html><html id="__next_error__"><head></head><body><script>self.__next_f=[]</script></body></html>'
const FULL_404 = '<!DOCTYPE html><html lang="en"><body><h1>Page not found</h1></body></html>'

const fakeNext = (req: http.IncomingMessage, res: http.ServerResponse): void => {
  const html = (status: number, body: string, gzip = false) => {
    res.statusCode = status
    res.setHeader('content-type', 'text/html; charset=utf-8')
    if (gzip) res.setHeader('content-encoding', 'gzip')
    const bytes = gzip ? zlib.gzipSync(body) : Buffer.from(body)
    // Next sends the head first when it streams.
    res.flushHeaders()
    // Streamed in two writes, as Next does.
    res.write(bytes.subarray(0, 10))
    res.end(bytes.subarray(10))
  }
  if (req.url === UNMATCHED_PATH) return html(404, FULL_404)
  if (req.url === '/posts/missing') return html(404, SHELL)
  if (req.url === '/posts/missing-gzip') return html(404, SHELL, true)
  if (req.url === '/own-404') return html(404, '<html lang="en"><body>custom</body></html>')
  if (req.url === '/api/missing') {
    res.statusCode = 404
    res.setHeader('content-type', 'application/json')
    res.end('{"error":"nope"}')
    return
  }
  return html(200, '<html lang="en"><body>a post</body></html>')
}

let server: http.Server
let base = ''
beforeAll(async () => {
  const handler = withCompleteNotFoundPages(fakeNext)
  server = http.createServer((req, res) => void handler(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('complete 404 pages', () => {
  it('replaces the empty error shell with the prerendered not-found page, keeping 404', async () => {
    for (const path of ['/posts/missing', '/posts/missing-gzip']) {
      const response = await fetch(base + path)
      expect(response.status).toBe(404)
      expect(await response.text()).toBe(FULL_404)
    }
  })
  it('passes other answers through untouched', async () => {
    const own = await fetch(`${base}/own-404`)
    expect([own.status, await own.text()]).toEqual([404, '<html lang="en"><body>custom</body></html>'])
    const api = await fetch(`${base}/api/missing`)
    expect([api.status, await api.text()]).toEqual([404, '{"error":"nope"}'])
    const ok = await fetch(`${base}/posts/here`)
    expect([ok.status, await ok.text()]).toEqual([200, '<html lang="en"><body>a post</body></html>'])
  })
})

describe('complete 404 pages under a catch-all route', () => {
  // With app/(site)/[...rest] every URL matches a route, so asking Next again for an unmatched
  // path renders the shell again: the prerendered page from the build is sent instead.
  const PRERENDERED = '<!DOCTYPE html><html lang="en"><body><h1>Page not found</h1><nav>Main</nav></body></html>'
  const catchAllNext = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.statusCode = req.url === '/posts/here' ? 200 : 404
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.flushHeaders()
    res.end(req.url === '/posts/here' ? '<html lang="en"><body>a post</body></html>' : SHELL)
  }
  let catchAll: http.Server
  let origin = ''
  beforeAll(async () => {
    const handler = withCompleteNotFoundPages(catchAllNext, () => Buffer.from(PRERENDERED))
    catchAll = http.createServer((req, res) => void handler(req, res))
    await new Promise<void>((resolve) => catchAll.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(catchAll.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => catchAll.close(() => resolve())))

  it('sends the prerendered not-found page with 404', async () => {
    for (const path of ['/no-such-page', '/_dispatch/not-found']) {
      const response = await fetch(origin + path)
      expect(response.status).toBe(404)
      expect(await response.text()).toBe(PRERENDERED)
    }
    const ok = await fetch(`${origin}/posts/here`)
    expect([ok.status, await ok.text()]).toEqual([200, '<html lang="en"><body>a post</body></html>'])
  })
})
