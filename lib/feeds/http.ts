/**
 * HTTP for feeds: cheap to poll. Readers poll every few minutes; most polls should cost a 304.
 * - `ETag`: strong, a SHA-256 of the exact body (same content → same bytes → same tag).
 * - `Last-Modified`: the newest `_updatedAt` in the feed (build.ts `lastModified`).
 * - `If-None-Match` wins over `If-Modified-Since` (RFC 9110 §13.2.2): the date alone cannot notice
 *   a post being unpublished, the hash can.
 * - `Cache-Control: public, max-age=0, s-maxage=300, stale-while-revalidate=86400`: readers always
 *   revalidate (a 304 is a few hundred bytes), a shared cache/CDN may answer for 5 minutes and keep
 *   serving a stale copy for a day while it refreshes — a feed a few minutes late is fine, a feed
 *   down because the origin hiccuped is not.
 */
import {createHash} from 'node:crypto'

export const FEED_CACHE_CONTROL = 'public, max-age=0, s-maxage=300, stale-while-revalidate=86400'

export function strongEtag(body: string): string {
  return `"${createHash('sha256').update(body, 'utf8').digest('base64url')}"`
}

/** True when an `If-None-Match` header value matches `etag` (weak comparison, as GET requires). */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '')
  const wanted = opaque(etag)
  return ifNoneMatch.split(',').some((candidate) => candidate.trim() === '*' || opaque(candidate) === wanted)
}

/** True when the resource has not changed since an `If-Modified-Since` date (1-second resolution). */
export function notModifiedSince(ifModifiedSince: string, lastModified: Date): boolean {
  // Header values are bounded before parsing: a real HTTP-date is 29 characters.
  if (ifModifiedSince.length > 64) return false
  const since = Date.parse(ifModifiedSince)
  if (Number.isNaN(since)) return false
  return Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000)
}

export interface FeedBody {
  body: string
  contentType: string
  lastModified: Date
}

/** 200 with the feed, or 304 when the reader's copy is current. */
export function feedResponse(request: Request, {body, contentType, lastModified}: FeedBody): Response {
  const etag = strongEtag(body)
  const headers = new Headers({
    'Cache-Control': FEED_CACHE_CONTROL,
    ETag: etag,
    'Last-Modified': lastModified.toUTCString(),
    'X-Content-Type-Options': 'nosniff',
  })
  const ifNoneMatch = request.headers.get('if-none-match')
  const ifModifiedSince = request.headers.get('if-modified-since')
  const fresh =
    ifNoneMatch !== null ? etagMatches(ifNoneMatch, etag) : ifModifiedSince !== null && notModifiedSince(ifModifiedSince, lastModified)
  if (fresh) return new Response(null, {status: 304, headers})
  headers.set('Content-Type', contentType)
  return new Response(body, {status: 200, headers})
}

/** A short plain-text error (never a stack trace). */
export function feedError(status: number, message: string, extraHeaders: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, {
    status,
    headers: {'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extraHeaders},
  })
}
