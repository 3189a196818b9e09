/**
 * Sanity's login protocol, served by the lake:
 * 1. `GET /auth/providers` lists one provider whose `url` is the lake's own login page;
 * 2. the Studio navigates there with `?origin=<studio url>`; the page is a real form;
 * 3. a correct password redirects to `<origin>#sid=<one-time code>` (origin must be allowed);
 * 4. the Studio calls `GET /auth/fetch?sid=` and gets `{token}`, a revocable, expiring session token;
 * 5. `POST /auth/logout` revokes the token; `GET /users/me` answers 401 without one.
 */
import {MAX_SMALL_BODY_BYTES} from '../../config'
import {loginPage} from '../../auth/login-page'
import {readForm} from '../body'
import type {LakeContext, Route, RouteRequest} from '../context'
import {badRequest, gatewayError, redirect, sendJson, sendText} from '../respond'

export const LOGIN_PATH = '/auth/login/local'
const PROVIDER_NAME = 'dispatch-local'
const HTML_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
}

function providers(ctx: LakeContext, r: RouteRequest) {
  // Behind the proxy only versioned paths reach the lake, so the login page is under /v1 there.
  const loginUrl = ctx.publicUrl ? `${ctx.publicUrl}/v1${LOGIN_PATH}` : `${ctx.httpsOrigin()}${LOGIN_PATH}`
  sendJson(r.res, 200, {
    thirdPartyLogin: false,
    sso: {},
    providers: [{name: PROVIDER_NAME, title: 'Dispatch local account', url: loginUrl}],
  })
}

/** The Studio URL to return to, accepted only when its origin is allowed (no open redirect). */
function allowedReturnUrl(ctx: LakeContext, raw: string | null): URL {
  if (!raw || raw.length > 2048) throw badRequest('Missing or too long "origin": the URL to return to after signing in')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw badRequest('"origin" is not a URL')
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !ctx.allowedOrigins.has(url.origin))
    throw badRequest(`Origin ${url.origin} is not allowed to sign in to this lake (configure allowedOrigins)`)
  return url
}

function showLoginForm(ctx: LakeContext, r: RouteRequest) {
  const origin = allowedReturnUrl(ctx, r.url.searchParams.get('origin'))
  sendText(r.res, 200, loginPage({action: r.url.pathname, origin: origin.href}), 'text/html; charset=utf-8', HTML_HEADERS)
}

async function submitLogin(ctx: LakeContext, r: RouteRequest) {
  const form = await readForm(r.req, MAX_SMALL_BODY_BYTES)
  const returnUrl = allowedReturnUrl(ctx, form.get('origin'))
  const email = (form.get('email') ?? '').trim().slice(0, 320)
  const password = (form.get('password') ?? '').slice(0, 1024)
  const limiterKey = `${email.toLowerCase()}|${r.remoteAddress}`
  const rerender = (status: number, error: string, headers: Record<string, string> = {}) =>
    sendText(r.res, status, loginPage({action: r.url.pathname, origin: returnUrl.href, email, error}), 'text/html; charset=utf-8', {
      ...HTML_HEADERS,
      ...headers,
    })

  // Three limits, the strictest wins: this account from this address, this account from anywhere,
  // this address for any account. While any applies, not even the right password is checked.
  const account = email.toLowerCase()
  const waitMs = Math.max(
    ctx.auth.loginLimiter.retryAfterMs(limiterKey),
    ctx.auth.accountLimiter.retryAfterMs(account),
    ctx.auth.addressLimiter.retryAfterMs(r.remoteAddress),
  )
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000)
    return rerender(429, `Too many failed attempts. Try again in ${Math.ceil(seconds / 60)} minute(s).`, {'retry-after': String(seconds)})
  }
  const verified = email && password ? await ctx.auth.store.verifyLogin(email, password) : null
  if (!verified) {
    ctx.auth.loginLimiter.recordFailure(limiterKey)
    ctx.auth.accountLimiter.recordFailure(account)
    ctx.auth.addressLimiter.recordFailure(r.remoteAddress)
    ctx.log(`lake: failed login for "${email}" from ${r.remoteAddress}`)
    return rerender(401, 'Wrong email or password.')
  }
  ctx.auth.loginLimiter.reset(limiterKey)
  const sid = ctx.auth.issueLoginCode(verified)
  returnUrl.hash = `sid=${sid}`
  redirect(r.res, returnUrl.href, 303)
}

function fetchToken(ctx: LakeContext, r: RouteRequest) {
  const sid = r.url.searchParams.get('sid')
  if (!sid || sid.length > 200) throw badRequest('Missing "sid"')
  const token = ctx.auth.exchangeLoginCode(sid)
  if (!token) throw gatewayError(401, 'Unknown, used or expired session id')
  sendJson(r.res, 200, {token})
}

function logout(ctx: LakeContext, r: RouteRequest) {
  if (r.token) ctx.auth.store.revokeTokenBySecret(r.token)
  sendJson(r.res, 200, {})
}

function authId(_ctx: LakeContext, r: RouteRequest) {
  if (!r.user) throw gatewayError(401, 'Not signed in')
  sendJson(r.res, 200, {id: r.user.id})
}

const ROLE_TITLES = {administrator: 'Administrator', editor: 'Editor', viewer: 'Viewer'} as const

function currentUser(_ctx: LakeContext, r: RouteRequest) {
  if (!r.user) throw gatewayError(401, 'Unauthorized - Session not found')
  const {id, name, email, role} = r.user
  sendJson(r.res, 200, {
    id,
    name,
    email,
    profileImage: null,
    role,
    roles: [{name: role, title: ROLE_TITLES[role]}],
    provider: id.startsWith('robot-') ? 'robot' : PROVIDER_NAME,
  })
}

export const authRoutes: Route[] = [
  {method: 'GET', pattern: /^\/auth\/providers$/, handler: providers},
  {method: 'GET', pattern: /^\/auth\/login\/local$/, handler: showLoginForm},
  {method: 'POST', pattern: /^\/auth\/login\/local$/, handler: submitLogin},
  {method: 'GET', pattern: /^\/auth\/fetch$/, handler: fetchToken},
  {method: ['POST', 'GET'], pattern: /^\/auth\/logout$/, handler: logout},
  {method: 'GET', pattern: /^\/auth\/id$/, handler: authId},
  {method: 'GET', pattern: /^\/users\/me$/, handler: currentUser},
]
