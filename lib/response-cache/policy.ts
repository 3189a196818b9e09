import type {IncomingHttpHeaders, OutgoingHttpHeaders} from 'node:http'

/**
 * What may be served from, and stored in, the response cache. The rule of thumb: only anonymous
 * GETs of reader pages and feeds, and only responses Next itself considers cacheable.
 */

/** Paths that are never cached: the Studio, APIs, endpoints that receive data, Next internals. */
const NEVER_CACHED_PREFIXES = ['/studio', '/api', '/_next', '/xmlrpc', '/webmention', '/contact', '/search']

/** Cookies that change the answer: draft mode (Next's preview bypass cookie) and Next's preview data. */
const PRIVATE_COOKIES = ['__prerender_bypass', '__next_preview_data']

export interface RequestFacts {
  method?: string
  url?: string
  headers: IncomingHttpHeaders
}

/** Returns the cache key for a request, or null when the request must go straight to Next. */
export function cacheKeyFor({method, url, headers}: RequestFacts): string | null {
  if (method !== 'GET' && method !== 'HEAD') return null
  if (!url || url.length > 2048) return null
  const queryStart = url.indexOf('?')
  const pathname = queryStart === -1 ? url : url.slice(0, queryStart)
  for (const prefix of NEVER_CACHED_PREFIXES) {
    if (pathname === prefix || pathname.startsWith(prefix + '/') || pathname.startsWith(prefix + '.')) return null
  }
  // Client-side navigations and prefetches ask for React Server Component payloads whose shape
  // depends on request headers; they are served by Next (which caches them itself).
  if (headers['rsc'] !== undefined || headers['next-router-prefetch'] !== undefined || headers['next-action'] !== undefined) {
    return null
  }
  if (queryStart !== -1 && /[?&]_rsc=/.test(url)) return null
  if (headers.authorization) return null
  const cookie = headers.cookie
  if (cookie && PRIVATE_COOKIES.some((name) => cookie.includes(name))) return null
  // Query strings other than page numbers are not cached: they are unbounded and rarely repeated.
  if (queryStart !== -1) return null
  return pathname
}

/** Whether a finished response from Next may be stored. */
export function isStorable(statusCode: number, headers: OutgoingHttpHeaders): boolean {
  if (statusCode !== 200) return false
  if (headers['set-cookie'] !== undefined) return false
  const cacheControl = String(headers['cache-control'] ?? '')
  if (/private|no-store|no-cache/.test(cacheControl)) return false
  // Only responses Next served from (or wrote to) its own ISR cache: dynamic renders are not stored.
  const nextCache = headers['x-nextjs-cache']
  if (nextCache === undefined && !/s-maxage/.test(cacheControl)) return false
  if (headers['content-encoding'] !== undefined) return false
  return true
}
