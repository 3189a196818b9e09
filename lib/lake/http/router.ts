/**
 * The one request handler behind both ports (HTTPS/HTTP2 for browsers, plain HTTP on loopback for
 * server-side clients): CORS, project and API-version prefix, assets, authentication, routing, and
 * turning every failure into Sanity's error shape (never a stack trace).
 */
import {LakeError} from '../engine/types'
import {authRoutes, LOGIN_PATH} from './routes/auth'
import {COMMENTS_ADDON_SUFFIX, commentRoutes} from './routes/comments'
import {dataRoutes} from './routes/data'
import {historyRoutes} from './routes/history'
import {importRoutes} from './routes/import'
import {referenceRoutes} from './routes/references'
import {studioRoutes} from './routes/studio'
import {liveRoutes} from '../listen/live-events'
import {listenRoutes} from '../listen/route'
import {resolveClientAddress} from '@/lib/http/client-address'
import {applyCors} from './cors'
import type {LakeContext, Route, RouteRequest} from './context'
import {homePage} from './home-page'
import {apiError, gatewayError, HttpError, notFound, sendJson, sendText, type LakeRequest, type LakeResponse} from './respond'

const ROUTES: Route[] = [...dataRoutes, ...importRoutes, ...listenRoutes, ...liveRoutes, ...historyRoutes, ...referenceRoutes, ...authRoutes, ...studioRoutes, ...commentRoutes]
const VERSION_PREFIX = /^\/v(\d{4}-\d{2}-\d{2}|1|X)(\/.*)?$/
const ASSET_PREFIX = /^\/(assets|images|files)\//
/** Reachable with a stale or wrong token, so a signed-out Studio can still sign in again. */
const TOKEN_OPTIONAL = new Set(['/ping', '/auth/providers', LOGIN_PATH, '/auth/fetch', '/auth/logout', '/', '/ca.pem'])

export function createRequestHandler(ctx: LakeContext) {
  return (req: LakeRequest, res: LakeResponse) => {
    handle(ctx, req, res).catch((error: unknown) => fail(ctx, req, res, error))
  }
}

async function handle(ctx: LakeContext, req: LakeRequest, res: LakeResponse) {
  if (applyCors(req, res, ctx.allowedOrigins)) return
  let url: URL
  try {
    url = new URL(req.url ?? '/', 'http://lake.invalid')
  } catch {
    throw apiError(400, 'httpBadRequest', 'Malformed request URL')
  }
  checkProject(ctx, req)

  const versioned = VERSION_PREFIX.exec(url.pathname)
  const apiVersion = versioned ? versioned[1] : null
  const path = versioned ? versioned[2] || '/' : url.pathname

  const credentials = ctx.auth.credentials(headerOf(req, 'authorization'))
  if (credentials.kind === 'invalid' && !TOKEN_OPTIONAL.has(path)) throw gatewayError(401, 'Unauthorized - Session not found')
  const r: RouteRequest = {
    req,
    res,
    url,
    path,
    apiVersion,
    user: credentials.kind === 'valid' ? credentials.user : null,
    token: credentials.kind === 'valid' ? credentials.token : null,
    // Behind the TLS proxy the connection is the proxy's; the client is in X-Forwarded-For (lib/http).
    remoteAddress: resolveClientAddress(req.socket?.remoteAddress, req.headers['x-forwarded-for'], ctx.trustedProxies),
  }

  if (!r.user) refuseAnonymousOnAddonDataset(path)

  // Uploads are large binary bodies: the asset handler reads them itself, before anyone else does.
  if (ASSET_PREFIX.test(path)) {
    const assetUrl = new URL(url.href)
    assetUrl.pathname = path
    const handled = ctx.assets
      ? await ctx.assets(req, res, assetUrl, {engine: ctx.engine, dataDir: ctx.dataDir, projectId: ctx.projectId, dataset: ctx.defaultDataset, user: r.user})
      : false
    if (!handled) throw notFound(`No asset at ${path.slice(0, 200)}`)
    return
  }

  if (!versioned && path === '/' && req.method === 'GET') {
    const page = homePage({httpsOrigin: ctx.httpsOrigin(), caCertPath: ctx.caCertPath, projectId: ctx.projectId})
    return sendText(res, 200, page, 'text/html; charset=utf-8', {'cache-control': 'no-store'})
  }
  if (!versioned && path === '/ca.pem' && req.method === 'GET')
    return sendText(res, 200, ctx.caCertPem, 'application/x-pem-file', {'content-disposition': 'attachment; filename="dispatch-local-lake-ca.pem"'})

  let methodMismatch = false
  for (const route of ROUTES) {
    const match = route.pattern.exec(path)
    if (!match) continue
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    if (!methods.includes(req.method ?? 'GET')) {
      methodMismatch = true
      continue
    }
    await route.handler(ctx, r, match.slice(1))
    return
  }
  if (methodMismatch) throw apiError(405, 'httpMethodNotAllowed', `Method ${req.method} is not allowed on ${path.slice(0, 200)}`)
  throw notFound(`Unknown endpoint ${req.method} ${url.pathname.slice(0, 200)}`)
}

/**
 * The comments addon datasets (`<ds>-comments`, routes/comments.ts) are private, as Sanity creates
 * them: editors' conversations are never readable without a token, whatever their ids look like
 * (comment ids have no dot, so the public-id rule alone would let anyone read them).
 */
const DATA_PATH_DATASET = /^\/data\/[a-z]+\/([^/]+)/
function refuseAnonymousOnAddonDataset(path: string) {
  const raw = DATA_PATH_DATASET.exec(path)?.[1]
  if (!raw) return
  let dataset = raw
  try {
    dataset = decodeURIComponent(raw)
  } catch {
    return // not a dataset name; the route answers 400
  }
  if (dataset.endsWith(COMMENTS_ADDON_SUFFIX)) throw gatewayError(401, `Unauthorized - the comments dataset "${dataset.slice(0, 80)}" is private: sign in or send a token`)
}

function headerOf(req: LakeRequest, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/**
 * Requests for another project are refused: by host (`<projectId>.localhost`, as the Studio sends
 * with apiHost https://localhost) or by the `X-Sanity-Project-ID` header. Neither is required.
 */
function checkProject(ctx: LakeContext, req: LakeRequest) {
  const host = headerOf(req, 'host') ?? headerOf(req, ':authority') ?? ''
  const hostname = host.replace(/:\d+$/, '').toLowerCase()
  const sub = /^([a-z0-9-]+)\.localhost$/.exec(hostname)?.[1]
  const header = headerOf(req, 'x-sanity-project-id')
  for (const claimed of [sub, header]) {
    if (claimed && claimed !== ctx.projectId) throw apiError(404, 'projectNotFound', `Project "${claimed.slice(0, 80)}" is not served here (this lake serves "${ctx.projectId}")`)
  }
}

function fail(ctx: LakeContext, req: LakeRequest, res: LakeResponse, error: unknown) {
  let status = 500
  let body: unknown = {error: {type: 'internalError', description: 'Internal server error'}}
  let headers: Record<string, string> = {}
  if (error instanceof HttpError) {
    status = error.status
    body = error.body
    headers = error.headers
  } else if (error instanceof LakeError) {
    status = error.status
    body = error.body
  } else if (error instanceof URIError) {
    // A path or id segment with a malformed percent-escape (`%E0%A4%A`): every route decodes its
    // segments with decodeURIComponent, and such a request is the client's mistake, not ours.
    status = 400
    body = {error: {type: 'httpBadRequest', description: 'Malformed percent-encoding in the request URL'}}
  } else {
    ctx.log(`lake: internal error on ${req.method} ${req.url}: ${(error as Error)?.stack ?? String(error)}`)
  }
  if (res.headersSent) {
    // Mid-stream failure (e.g. export): nothing sane can be appended; cut the response.
    res.destroy?.()
    return
  }
  // An oversized body may still be arriving: answer and close rather than read it all.
  if (status === 413) headers = {...headers, connection: 'close'}
  if ((req as {httpVersionMajor?: number}).httpVersionMajor === 2) delete headers.connection
  sendJson(res, status, body, headers)
}
