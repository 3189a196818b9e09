/**
 * Refuses cross-site submissions (CSRF, forms on other sites posting into ours).
 *
 * Browsers send `Origin` with every POST (and `Sec-Fetch-Site`); it must be this site: the
 * configured public origin (siteUrl) or the host the request was addressed to (what Next.js itself
 * compares for server actions — it answers a mismatch with a bare 500 before our code runs, which
 * is why the action still checks here for what Next lets through: a missing Origin with a foreign
 * Referer or `Sec-Fetch-Site: cross-site`). Requests without Origin, Referer and Sec-Fetch-Site
 * are not from a browser page (curl, API clients) and carry no ambient credentials to abuse.
 */
import {siteUrl} from '@/lib/env'

export type OriginCheck = {ok: true} | {ok: false; reason: string}

const CROSS_SITE_MESSAGE = 'This form can only be sent from this site.'

function originOf(value: string): string | null {
  try {
    return new URL(value).origin
  } catch {
    return null
  }
}

/** Origins this request may come from: the public site URL and the origin it was sent to. */
function ownOrigins(headers: Headers, requestUrl?: string): Set<string> {
  const origins = new Set<string>()
  const configured = originOf(siteUrl)
  if (configured) origins.add(configured)
  const host = headers.get('x-forwarded-host')?.split(',')[0]?.trim() || headers.get('host')
  if (host) {
    const proto = headers.get('x-forwarded-proto')?.split(',')[0]?.trim()
    const protocols = proto ? [proto] : ['http', 'https']
    for (const protocol of protocols) {
      const origin = originOf(`${protocol}://${host}`)
      if (origin) origins.add(origin)
    }
  }
  if (requestUrl) {
    const origin = originOf(requestUrl)
    if (origin) origins.add(origin)
  }
  return origins
}

export function checkSameOrigin(headers: Headers, requestUrl?: string): OriginCheck {
  const allowed = ownOrigins(headers, requestUrl)
  const origin = headers.get('origin')
  if (origin !== null) {
    // `Origin: null` comes from sandboxed frames, data: URLs and privacy redirects: never ours.
    const normalized = origin === 'null' ? null : originOf(origin)
    return normalized && allowed.has(normalized) ? {ok: true} : {ok: false, reason: CROSS_SITE_MESSAGE}
  }
  if (headers.get('sec-fetch-site') === 'cross-site') return {ok: false, reason: CROSS_SITE_MESSAGE}
  const referer = headers.get('referer')
  if (referer) {
    const normalized = originOf(referer)
    return normalized && allowed.has(normalized) ? {ok: true} : {ok: false, reason: CROSS_SITE_MESSAGE}
  }
  return {ok: true}
}
