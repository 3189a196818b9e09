import type {IncomingMessage, ServerResponse} from 'node:http'
import {cacheKeyFor, isReaderPath, storableFor} from './policy'
import {collectTags} from './request-tags'
import type {CachedResponse, ResponseCache} from './response-cache'
import {onPurge, revalidatedSince, tagsFor} from './tag-registry.cjs'

export type NextRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void

export interface CachingOptions {
  /** `Cache-Control` sent with cached pages; CDNs in front honour s-maxage/stale-while-revalidate. */
  cacheControl: string
}

/**
 * Wraps Next's request handler with a cache of complete responses. A hit is answered from memory
 * without entering Next's render path; a miss goes to Next and, if the answer is cacheable and we
 * know every tag it depends on, is stored. Purges arrive through the tag registry.
 */
export function withResponseCache(next: NextRequestHandler, cache: ResponseCache, options: CachingOptions): NextRequestHandler {
  onPurge((tags) => cache.purgeTags(tags))

  return (req, res) => {
    const key = cacheKeyFor(req)
    if (key === null) return next(req, res)

    const hit = cache.get(key)
    if (hit) {
      cache.hits++
      sendCached(req, res, hit, options)
      return
    }
    cache.misses++
    res.setHeader('x-cache', 'MISS')
    // Ask Next for an uncompressed body so what we store can be served in any encoding — only
    // where we may store it: other pages (standalone pages, say) are never stored, so Next
    // compresses them for the reader as usual (they went out uncompressed; Lighthouse, #16.15).
    if (isReaderPath(key)) delete req.headers['accept-encoding']
    // A conditional request could be answered 304 by Next: ask for the whole body instead.
    delete req.headers['if-none-match']
    delete req.headers['if-modified-since']
    const renderTags = new Set<string>()
    const startedAt = Date.now()
    captureForCache(res, (statusCode, body) => {
      if (req.method !== 'GET') return
      // Status, content type, completeness: only the page's whole document is ever stored.
      const ttlSeconds = storableFor(key, statusCode, res.getHeaders(), body)
      if (ttlSeconds === null || ttlSeconds <= 0) return
      // Tags of a render that ran now, plus those Next recorded when it served its own cached copy.
      const tags = new Set([...renderTags, ...(tagsFor(key) ?? [])])
      // Without the page's tags we could never purge it exactly: leave it uncached.
      if (tags.size === 0) return
      // Content changed while this response was being made (a publish purged one of its tags
      // after the render read the old content): storing it would serve old content as fresh.
      if (revalidatedSince(tags, startedAt)) return
      cache.store(key, body, res.getHeaders(), tags, ttlSeconds * 1000)
    })
    return collectTags(renderTags, () => next(req, res))
  }
}

/**
 * RFC 9110 §13.1.2: If-None-Match uses the weak comparison (`W/"x"` matches `"x"`), `*` matches any
 * current representation, and when it is present If-Modified-Since is ignored.
 */
export function notModified(req: Pick<IncomingMessage, 'headers'>, entry: Pick<CachedResponse, 'etag' | 'headers'>): boolean {
  const ifNoneMatch = req.headers['if-none-match']
  if (ifNoneMatch !== undefined) {
    const opaque = (tag: string) => tag.trim().replace(/^W\//, '')
    return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(entry.etag))
  }
  const ifModifiedSince = req.headers['if-modified-since']
  const lastModified = entry.headers['last-modified']
  if (ifModifiedSince && lastModified) {
    const since = Date.parse(ifModifiedSince)
    return !Number.isNaN(since) && Date.parse(lastModified) <= since
  }
  return false
}

function sendCached(req: IncomingMessage, res: ServerResponse, entry: CachedResponse, options: CachingOptions): void {
  const headers: Record<string, string> = {
    ...entry.headers,
    'cache-control': options.cacheControl,
    etag: entry.etag,
    vary: 'Accept-Encoding',
    'x-cache': 'HIT',
    age: String(Math.floor((Date.now() - entry.storedAt) / 1000)),
  }
  if (notModified(req, entry)) {
    res.writeHead(304, headers)
    res.end()
    return
  }
  const accept = String(req.headers['accept-encoding'] ?? '')
  let body = entry.body
  if (/\bbr\b/.test(accept)) {
    body = entry.brotli
    headers['content-encoding'] = 'br'
  } else if (/\bgzip\b/.test(accept)) {
    body = entry.gzip
    headers['content-encoding'] = 'gzip'
  }
  headers['content-length'] = String(body.length)
  res.writeHead(200, headers)
  res.end(req.method === 'HEAD' ? undefined : body)
}

/** Tees what Next writes to the response, and reports the whole body when the response finishes. */
function captureForCache(res: ServerResponse, onComplete: (statusCode: number, body: Buffer) => void): void {
  const chunks: Buffer[] = []
  let size = 0
  let overflow = false
  const MAX_BODY = 5 * 1024 * 1024
  const collect = (chunk: unknown, encoding?: unknown) => {
    if (overflow || chunk === undefined || chunk === null || typeof chunk === 'function') return
    const buffer =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.from(chunk as Uint8Array)
    size += buffer.length
    if (size > MAX_BODY) overflow = true
    else chunks.push(buffer)
  }
  const originalWrite = res.write.bind(res) as (...args: unknown[]) => boolean
  const originalEnd = res.end.bind(res) as (...args: unknown[]) => ServerResponse
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    collect(chunk, rest[0])
    return originalWrite(chunk, ...rest)
  }) as typeof res.write
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    collect(chunk, rest[0])
    return originalEnd(chunk, ...rest)
  }) as typeof res.end
  res.on('finish', () => {
    if (!overflow) onComplete(res.statusCode, Buffer.concat(chunks))
  })
}
