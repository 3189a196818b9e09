/**
 * The running server's view of auth: who a request is, the login hand-over (`sid` → token) and the
 * failed-login limiter. Durable state lives in AuthStore; what lives here is short-lived by design.
 */
import crypto from 'node:crypto'
import {
  LOGIN_FAILURE_WINDOW_MS,
  LOGIN_MAX_FAILURES,
  LOGIN_MAX_FAILURES_PER_ACCOUNT,
  LOGIN_MAX_FAILURES_PER_ADDRESS,
  LOGIN_SID_TTL_MS,
  SESSION_TTL_MS,
} from '../config'
import {FailureLimiter} from './rate-limit'
import type {AccountInfo, AuthStore} from './store'
import type {LakeUser} from './types'

export type Credentials = {kind: 'none'} | {kind: 'valid'; user: LakeUser; token: string} | {kind: 'invalid'}

export class AuthService {
  /** One-time login codes: short-lived and single-use, so memory is the right place for them. */
  private readonly pendingLogins = new Map<string, {userId: string; expiresAt: number}>()
  readonly loginLimiter = new FailureLimiter(LOGIN_MAX_FAILURES, LOGIN_FAILURE_WINDOW_MS)
  readonly accountLimiter = new FailureLimiter(LOGIN_MAX_FAILURES_PER_ACCOUNT, LOGIN_FAILURE_WINDOW_MS)
  readonly addressLimiter = new FailureLimiter(LOGIN_MAX_FAILURES_PER_ADDRESS, LOGIN_FAILURE_WINDOW_MS)

  constructor(readonly store: AuthStore) {}

  /** Reads `Authorization: Bearer <token>`. A present but unknown token is `invalid`, never anonymous. */
  credentials(authorization: string | undefined): Credentials {
    if (!authorization) return {kind: 'none'}
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization)
    if (!match) return {kind: 'invalid'}
    const user = this.store.authenticate(match[1])
    return user ? {kind: 'valid', user, token: match[1]} : {kind: 'invalid'}
  }

  /** After a successful password check: a code the Studio exchanges for a session token. */
  issueLoginCode(account: AccountInfo): string {
    this.prunePendingLogins()
    const sid = crypto.randomBytes(32).toString('base64url')
    this.pendingLogins.set(sid, {userId: account.id, expiresAt: Date.now() + LOGIN_SID_TTL_MS})
    return sid
  }

  /** Exchanges a login code for a new session token; null when unknown, used or expired. */
  exchangeLoginCode(sid: string): string | null {
    const pending = this.pendingLogins.get(sid)
    this.pendingLogins.delete(sid)
    if (!pending || pending.expiresAt < Date.now()) return null
    const account = this.store.getUser(pending.userId)
    if (!account) return null
    return this.store.createSession(account, SESSION_TTL_MS).token
  }

  private prunePendingLogins() {
    const now = Date.now()
    for (const [sid, pending] of this.pendingLogins) if (pending.expiresAt < now) this.pendingLogins.delete(sid)
  }
}
