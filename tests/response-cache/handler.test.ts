import http from 'node:http'
import type {AddressInfo} from 'node:net'
import zlib from 'node:zlib'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {withResponseCache} from '@/lib/response-cache/handler'
import {noteCacheTags} from '@/lib/response-cache/request-tags'
import {ResponseCache} from '@/lib/response-cache/response-cache'
import {purgeTags, recordCacheEntry} from '@/lib/response-cache/tag-registry.cjs'

/**
 * The cache in front of a stand-in for Next's handler that behaves like Next does for a
 * prerendered page: it answers with `x-nextjs-cache` and its cache handler records the tags.
 */
let renders = 0
let body = 'first version'
/** The Accept-Encoding each path reached "Next" with. */
const acceptEncodingSeen = new Map<string, string | undefined>()
function fakeNext(req: http.IncomingMessage, res: http.ServerResponse) {
  renders++
  acceptEncodingSeen.set((req.url ?? '/').split('?')[0], req.headers['accept-encoding'] as string | undefined)
  const pathname = (req.url ?? '/').split('?')[0]
  if (pathname.startsWith('/category/') || pathname === '/contact') return fakeDynamicRender(pathname, res)
  if (pathname.startsWith('/posts/odd-')) return void fakeOddAnswer(pathname, res)
  recordCacheEntry(`/route-cache/APP_PAGE/abc/$${pathname}`, {
    kind: 'APP_PAGE',
    headers: {'x-next-cache-tags': `post,post:${pathname.split('/').pop()},_N_T_${pathname}`},
  })
  const draft = (req.headers.cookie ?? '').includes('__prerender_bypass')
  res.setHeader('content-type', 'text/html; charset=utf-8')
  res.setHeader('x-nextjs-cache', 'HIT')
  res.setHeader('cache-control', draft ? 'private, no-cache, no-store, max-age=0, must-revalidate' : 's-maxage=31536000')
  res.write('<html><p>')
  res.end(`${draft ? 'DRAFT ' : ''}${body}</p></html>`)
}

/** Like Next rendering a dynamic route on demand: no ISR entry, `private, no-store`, tags noted by the fetches. */
function fakeDynamicRender(pathname: string, res: http.ServerResponse) {
  // The content is read when the render starts, and written when it ends.
  const content = body
  setTimeout(() => {
    noteCacheTags(['category', `category:${pathname.split('/').pop()}`])
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.setHeader('cache-control', 'private, no-cache, no-store, max-age=0, must-revalidate')
    res.setHeader('last-modified', 'Wed, 01 Jan 2025 00:00:00 GMT')
    res.end(`<html><p>${pathname} ${content}</p></html>`)
  }, pathname === '/category/slow' ? 150 : 5)
}

/**
 * Answers Next gives that are not the page's document, each with the tags and cache headers of a
 * cacheable page so that only the completeness rules can keep them out: an error page, a
 * prefetch's `{}`, an RSC payload, a body cut short of its declared length, an HTML stream cut
 * before `</html>`.
 */
function fakeOddAnswer(pathname: string, res: http.ServerResponse) {
  noteCacheTags(['post'])
  res.setHeader('cache-control', 's-maxage=60')
  const html = 'text/html; charset=utf-8'
  switch (pathname) {
    case '/posts/odd-500':
      res.statusCode = 500
      res.setHeader('content-type', html)
      return res.end('<html><p>Internal Server Error</p></html>')
    case '/posts/odd-500-as-200':
      res.setHeader('content-type', html)
      res.setHeader('x-middleware-skip', '1')
      return res.end('{}')
    case '/posts/odd-rsc':
      res.setHeader('content-type', 'text/x-component')
      return res.end('0:["$","html",null,{}]')
    case '/posts/odd-short':
      res.setHeader('content-type', html)
      res.setHeader('content-length', '100')
      res.write('<html><p>cut')
      return res.destroy()
    default:
      res.setHeader('content-type', html)
      return res.end('<html><p>no end tag')
  }
}

let server: http.Server
let origin: string
const cache = new ResponseCache(1024 * 1024)

beforeAll(async () => {
  const handler = withResponseCache(fakeNext, cache, {cacheControl: 'public, max-age=0, s-maxage=1'})
  server = http.createServer((req, res) => void handler(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  cache.clear()
  renders = 0
  body = 'first version'
})

const get = (path: string, headers: Record<string, string> = {}) => fetch(origin + path, {headers})

describe('response cache', () => {
  it('serves the second identical request from memory without calling Next', async () => {
    const first = await get('/posts/hello')
    expect(first.headers.get('x-cache')).toBe('MISS')
    expect(await first.text()).toBe('<html><p>first version</p></html>')
    const second = await get('/posts/hello')
    expect(second.headers.get('x-cache')).toBe('HIT')
    expect(await second.text()).toBe('<html><p>first version</p></html>')
    expect(renders).toBe(1)
    expect(second.headers.get('etag')).toMatch(/^"[\w-]+"$/)
    expect(second.headers.get('cache-control')).toBe('public, max-age=0, s-maxage=1')
  })

  it('purges exactly the entries whose tags were revalidated', async () => {
    await get('/posts/hello')
    await get('/posts/other')
    body = 'second version'
    purgeTags(['post:hello'])
    const purged = await get('/posts/hello')
    expect(purged.headers.get('x-cache')).toBe('MISS')
    expect(await purged.text()).toBe('<html><p>second version</p></html>')
    const untouched = await get('/posts/other')
    expect(untouched.headers.get('x-cache')).toBe('HIT')
    expect(await untouched.text()).toBe('<html><p>first version</p></html>')
  })

  it('answers 304 to a matching If-None-Match', async () => {
    await get('/posts/hello')
    const hit = await get('/posts/hello')
    const etag = hit.headers.get('etag')!
    const conditional = await get('/posts/hello', {'if-none-match': etag})
    expect(conditional.status).toBe(304)
  })

  it('serves gzip and brotli to clients that accept them', async () => {
    await get('/posts/hello')
    const raw = await new Promise<{encoding?: string; body: Buffer}>((resolve, reject) => {
      http
        .get(origin + '/posts/hello', {headers: {'accept-encoding': 'gzip'}}, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => resolve({encoding: res.headers['content-encoding'], body: Buffer.concat(chunks)}))
        })
        .on('error', reject)
    })
    expect(raw.encoding).toBe('gzip')
    expect(zlib.gunzipSync(raw.body).toString()).toBe('<html><p>first version</p></html>')
  })

  it('never serves or stores draft-mode responses', async () => {
    await get('/posts/hello')
    const draft = await get('/posts/hello', {cookie: '__prerender_bypass=secret'})
    expect(draft.headers.get('x-cache')).toBeNull()
    expect(await draft.text()).toBe('<html><p>DRAFT first version</p></html>')
    // The public entry is still the published one.
    const published = await get('/posts/hello')
    expect(await published.text()).toBe('<html><p>first version</p></html>')
    expect(published.headers.get('x-cache')).toBe('HIT')
  })

  it('does not cache the Studio, APIs, queries or client-side navigation payloads', async () => {
    for (const path of ['/studio', '/studio/structure', '/api/revalidate', '/search?q=x', '/?page=2']) {
      await get(path)
      const again = await get(path)
      expect(again.headers.get('x-cache'), path).toBeNull()
    }
    await get('/posts/hello', {rsc: '1'})
    expect((await get('/posts/hello', {rsc: '1'})).headers.get('x-cache')).toBeNull()
  })

  it('stores on-demand renders of reader pages with the tags their fetches noted', async () => {
    await get('/category/politics')
    const hit = await get('/category/politics')
    expect(hit.headers.get('x-cache')).toBe('HIT')
    expect(hit.headers.get('last-modified')).toBe('Wed, 01 Jan 2025 00:00:00 GMT')
    const conditional = await get('/category/politics', {'if-modified-since': 'Wed, 01 Jan 2025 00:00:00 GMT'})
    expect(conditional.status).toBe(304)
    body = 'changed'
    purgeTags(['category:politics'])
    const fresh = await get('/category/politics')
    expect(fresh.headers.get('x-cache')).toBe('MISS')
    expect(await fresh.text()).toBe('<html><p>/category/politics changed</p></html>')
  })

  it('does not store a render that read content before a purge of its tags and finished after it (#16.4)', async () => {
    const slow = get('/category/slow')
    await new Promise((resolve) => setTimeout(resolve, 40))
    body = 'published'
    purgeTags(['category:slow'])
    expect(await (await slow).text()).toBe('<html><p>/category/slow first version</p></html>')
    const next = await get('/category/slow')
    expect(next.headers.get('x-cache')).toBe('MISS')
    expect(await next.text()).toBe('<html><p>/category/slow published</p></html>')
    expect((await get('/category/slow')).headers.get('x-cache')).toBe('HIT')
  })

  it('asks Next for identity bodies only on paths it may store; other pages keep Next’s compression', async () => {
    await get('/posts/compressed', {'accept-encoding': 'gzip'})
    expect(acceptEncodingSeen.get('/posts/compressed')).toBeUndefined()
    // A standalone page (any path) or a 404 is never stored: Next compresses it for the reader.
    await get('/about/team', {'accept-encoding': 'gzip'})
    expect(acceptEncodingSeen.get('/about/team')).toBe('gzip')
  })

  it('never stores on-demand renders of non-reader pages', async () => {
    await get('/contact')
    expect((await get('/contact')).headers.get('x-cache')).toBeNull()
  })

  it('drops entries once their time to live is over', () => {
    const short = new ResponseCache(1024 * 1024)
    short.store('/a', Buffer.from('a'), {}, new Set(['post']), 1000)
    expect(short.get('/a', Date.now() + 500)).toBeDefined()
    expect(short.get('/a', Date.now() + 1500)).toBeUndefined()
  })

  it('stays within its memory bound', async () => {
    const small = new ResponseCache(4096)
    for (let i = 0; i < 50; i++) small.store(`/p/${i}`, Buffer.alloc(1000, 'a'), {}, new Set(['post']), 60_000)
    expect(small.stats().bytes).toBeLessThanOrEqual(4096)
    expect(small.get('/p/49')).toBeDefined()
    expect(small.get('/p/0')).toBeUndefined()
  })

  it('stores only complete successful documents: never an error, `{}`, an RSC payload or a cut body', async () => {
    for (const path of ['/posts/odd-500', '/posts/odd-500-as-200', '/posts/odd-rsc', '/posts/odd-short', '/posts/odd-unterminated']) {
      await get(path).then((r) => r.arrayBuffer()).catch(() => null)
      const again = await get(path).then((r) => r.headers.get('x-cache')).catch(() => 'connection cut')
      expect(again, path).not.toBe('HIT')
    }
    expect(cache.stats().entries).toBe(0)
  })

  it('answers 304 to If-None-Match with the weak form of its ETag, or *', async () => {
    await get('/posts/hello')
    const hit = await get('/posts/hello')
    const etag = hit.headers.get('etag') as string
    expect(etag).toMatch(/^"/)
    for (const condition of [etag, `W/${etag}`, '*', `"other", W/${etag}`]) {
      expect((await get('/posts/hello', {'if-none-match': condition})).status, condition).toBe(304)
    }
    expect((await get('/posts/hello', {'if-none-match': '"other"'})).status).toBe(200)
    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3).
    expect((await get('/posts/hello', {'if-none-match': '"other"', 'if-modified-since': new Date().toUTCString()})).status).toBe(200)
  })
})

