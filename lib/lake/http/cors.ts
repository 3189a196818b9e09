/**
 * CORS for the configured origins (the site and its embedded Studio), with credentials. Other
 * origins get no CORS headers, so browsers refuse to let their pages read lake responses.
 */
import type {LakeRequest, LakeResponse} from './respond'

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'
const ALLOWED_HEADERS = 'authorization, content-type, x-sanity-project-id, x-sanity-app, x-sanity-tag, last-event-id, accept, cache-control'

/** `/check/cors` (any API version): the origin probe must be readable by the origins it rejects. */
const CORS_PROBE = /^(\/v[^/]+)?\/check\/cors(\?|$)/

/** Sets CORS headers; returns true when the request was a preflight and has been answered. */
export function applyCors(req: LakeRequest, res: LakeResponse, allowed: ReadonlySet<string>): boolean {
  const origin = req.headers.origin
  res.setHeader('vary', 'origin')
  const isAllowed = typeof origin === 'string' && allowed.has(origin)
  if (!isAllowed && req.method === 'GET' && CORS_PROBE.test(req.url ?? '')) {
    // Readable without credentials only: it carries nothing but the verdict.
    res.setHeader('access-control-allow-origin', '*')
    return false
  }
  if (isAllowed) {
    res.setHeader('access-control-allow-origin', origin)
    res.setHeader('access-control-allow-credentials', 'true')
  }
  if (req.method !== 'OPTIONS') return false
  if (isAllowed) {
    res.setHeader('access-control-allow-methods', ALLOWED_METHODS)
    const requested = req.headers['access-control-request-headers']
    res.setHeader('access-control-allow-headers', typeof requested === 'string' && requested.length < 1000 ? requested : ALLOWED_HEADERS)
    res.setHeader('access-control-max-age', '600')
  }
  res.writeHead(isAllowed ? 204 : 403, {'content-length': '0'})
  res.end()
  return true
}
