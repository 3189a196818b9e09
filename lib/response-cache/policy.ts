import type {IncomingHttpHeaders, OutgoingHttpHeaders} from 'node:http'

/**
 * What may be served from, and stored in, the response cache. The rule of thumb: only anonymous
 * GETs of reader pages and feeds, and only responses Next itself considers cacheable.
 */

/** Paths that are never cached: the Studio, APIs, endpoints that receive data, Next internals. */
const NEVER_CACHED_PREFIXES = ['/studio', '/api', '/_next', '/xmlrpc', '/webmention', '/contact', '/search']

/** Cookies that change the answer: draft mode (Next's preview bypass cookie) and Next's preview data. */
const PRIVATE_COOKIES = ['__prerender_bypass', '__next_preview_data']

/**
 * Request headers with which Next answers something other than the plain document: RSC payloads,
 * prefetches (`x-middleware-prefetch` gets `{}` with `x-middleware-skip`), router-state-dependent
 * trees, server actions, middleware and prerender internals. Reviewed against Next's own constants
 * (tests/response-cache/next-headers.test.ts reads them from node_modules and fails on any name
 * missing here, so a Next upgrade that adds one is noticed).
 */
export const NEXT_SPECIAL_REQUEST_HEADERS = [
  'rsc',
  'next-action',
  'next-router-state-tree',
  'next-router-prefetch',
  'next-router-segment-prefetch',
  'next-hmr-refresh',
  'next-url',
  'next-resume',
  'next-test-proxy-port',
  'x-middleware-prefetch',
  'x-middleware-subrequest',
  'x-middleware-invoke',
  'x-nextjs-data',
  'x-now-route-matches',
  'x-matched-path',
  'x-prerender-revalidate',
  'x-prerender-revalidate-if-generated',
  'x-next-revalidated-tags',
  'x-next-revalidate-tag-token',
  'x-next-resume-state-length',
  'x-action-forwarded',
  'x-invoke-path',
  'x-invoke-query',
  'x-invoke-output',
  'x-invoke-status',
  'x-invoke-error',
]

/**
 * Whole families, so a header Next adds later within them is bypassed even before the list above
 * is reviewed: anything `next-*`, `x-next*`, `x-middleware-*`, `x-invoke-*`, `x-prerender-*`,
 * `x-action-*`, `x-now-*`, `x-vercel-*`.
 */
const NEXT_SPECIAL_HEADER_FAMILY = /^(rsc$|next-|x-next|x-middleware-|x-invoke-|x-prerender-|x-action-|x-now-|x-vercel-|x-matched-path$)/

const SPECIAL_HEADERS = new Set(NEXT_SPECIAL_REQUEST_HEADERS)

/** True when Next may answer this request with something other than the page's document. */
export function isNextSpecialRequest(headers: IncomingHttpHeaders): boolean {
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase()
    if (SPECIAL_HEADERS.has(lower) || NEXT_SPECIAL_HEADER_FAMILY.test(lower)) return true
  }
  return false
}

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
  // Client-side navigations, prefetches, actions and middleware internals get answers whose shape
  // depends on request headers: neither served from nor stored in the cache (Next caches them itself).
  if (isNextSpecialRequest(headers)) return null
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
export function storableFor(pathname: string, statusCode: number, headers: OutgoingHttpHeaders, body?: Buffer): number | null {
  if (statusCode !== 200) return null
  if (headers['set-cookie'] !== undefined) return null
  if (headers['content-encoding'] !== undefined) return null
  if (!isReaderPath(pathname)) return null
  if (body !== undefined && !isCompleteDocument(pathname, headers, body)) return null
  const cacheControl = String(headers['cache-control'] ?? '')
  const sMaxAge = /s-maxage=(\d+)/.exec(cacheControl)
  if (sMaxAge) return Math.min(Number(sMaxAge[1]), MAX_TTL_SECONDS)
  if (/no-store|private/.test(cacheControl) || cacheControl === '') return MAX_TTL_SECONDS
  return null
}

/** The content type each reader path must answer with; anything else (RSC, `{}`, error pages) is not the document. */
function expectedContentType(pathname: string): RegExp {
  if (/\/(feed|atom)\.xml$/.test(pathname)) return /^application\/(rss\+xml|atom\+xml|xml)\b/
  if (pathname.endsWith('/feed.json')) return /^application\/(feed\+json|json)\b/
  if (pathname === '/sitemap.xml') return /^(application|text)\/xml\b/
  if (pathname === '/robots.txt') return /^text\/plain\b/
  return /^text\/html\b/
}

/**
 * Only a whole, ordinary document is stored: the expected content type, a body as long as Next
 * declared, no middleware/RSC markers, and for HTML the closing `</html>` (a streamed render cut
 * short, an RSC payload or a prefetch's `{}` never qualifies).
 */
export function isCompleteDocument(pathname: string, headers: OutgoingHttpHeaders, body: Buffer): boolean {
  if (body.length === 0) return false
  if (headers['x-middleware-skip'] !== undefined || headers['x-nextjs-postponed'] !== undefined) return false
  const contentType = String(headers['content-type'] ?? '').toLowerCase()
  if (!expectedContentType(pathname).test(contentType)) return false
  const declared = headers['content-length']
  if (declared !== undefined && Number(declared) !== body.length) return false
  if (contentType.startsWith('text/html')) {
    const tail = body.subarray(Math.max(0, body.length - 512)).toString('latin1').toLowerCase()
    if (!tail.includes('</html>')) return false
  }
  return true
}
