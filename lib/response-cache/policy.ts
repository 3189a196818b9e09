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

/**
 * Reader pages and feeds: the paths whose answer is a pure function of the URL and the published
 * content. Pages Next renders on demand are stored only when they are one of these.
 */
const READER_PATHS = [
  /^\/$/,
  /^\/page\/\d{1,6}$/,
  /^\/posts\/[^/]+$/,
  /^\/(category|tag|author)\/[^/]+$/,
  /^\/(category|tag|author)\/[^/]+\/(feed\.xml|atom\.xml|feed\.json)$/,
  /^\/archive(\/\d{4}(\/\d{1,2})?)?$/,
  /^\/(feed\.xml|atom\.xml|feed\.json|sitemap\.xml|robots\.txt)$/,
]

export function isReaderPath(pathname: string): boolean {
  return READER_PATHS.some((pattern) => pattern.test(pathname))
}

/** Longest time an entry is served without asking Next again, whatever Next says. */
export const MAX_TTL_SECONDS = 300

/**
 * Whether a finished response from Next may be stored, and for how long (seconds), or null.
 * - Next served or wrote it through its own cache (`s-maxage`): store it for that long, at most
 *   MAX_TTL_SECONDS, the same safety net the data fetches use if a webhook is ever lost.
 * - Next rendered it on demand (`private, no-store`, because the route is dynamic): store it only
 *   for reader paths, where the answer depends on nothing but the URL and the content; the tags
 *   noted during that very render are complete.
 */
export function storableFor(pathname: string, statusCode: number, headers: OutgoingHttpHeaders): number | null {
  if (statusCode !== 200) return null
  if (headers['set-cookie'] !== undefined) return null
  if (headers['content-encoding'] !== undefined) return null
  if (!isReaderPath(pathname)) return null
  const cacheControl = String(headers['cache-control'] ?? '')
  const sMaxAge = /s-maxage=(\d+)/.exec(cacheControl)
  if (sMaxAge) return Math.min(Number(sMaxAge[1]), MAX_TTL_SECONDS)
  if (/no-store|private/.test(cacheControl) || cacheControl === '') return MAX_TTL_SECONDS
  return null
}
