/**
 * The contact form's minimum fill time.
 *
 * Each rendered form carries a token `<issuedAtMs>.<hmac>`: the moment it was rendered, signed so a
 * bot cannot backdate it. A submission less than MIN_FILL_SECONDS after that is not a person typing
 * a message; it is dropped without a word (see lib/contact/submit.ts for why silently).
 *
 * Limits of the idea, stated honestly: a page served from a cache carries the token minted when it
 * was cached, so on cached post pages the check only stops bots that fetch-and-post a fresh render
 * (the /contact page is rendered per request and always mints a fresh token). A token is not
 * single-use; the honeypot and the rate limiter cover replays.
 */
import crypto from 'node:crypto'
import {contactFormSecret, writeToken} from '@/lib/env'
import {MIN_FILL_SECONDS} from './fields'

// Prefer a configured secret; else derive one from the write token (stable across restarts and
// shared by every instance that can write messages anyway); else a per-process secret, which
// only means forms rendered before a restart need one more submit.
const secret: Buffer = contactFormSecret
  ? Buffer.from(contactFormSecret)
  : writeToken
    ? crypto.createHash('sha256').update(`dispatch contact form token\n${writeToken}`).digest()
    : crypto.randomBytes(32)

/** Tokens from the future beyond this much clock skew are forged or from a broken clock. */
const MAX_FUTURE_SKEW_MS = 60_000

function sign(issuedAt: number): string {
  return crypto.createHmac('sha256', secret).update(String(issuedAt)).digest('base64url')
}

export function issueFormToken(now: Date = new Date()): string {
  const issuedAt = now.getTime()
  return `${issuedAt}.${sign(issuedAt)}`
}

export type FormTokenCheck = 'ok' | 'too-fast' | 'invalid'

export function checkFormToken(token: unknown, now: Date = new Date()): FormTokenCheck {
  if (typeof token !== 'string' || token.length > 100) return 'invalid'
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token)
  if (!match) return 'invalid'
  const issuedAt = Number(match[1])
  const expected = Buffer.from(sign(issuedAt))
  const given = Buffer.from(match[2])
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return 'invalid'
  const age = now.getTime() - issuedAt
  if (age < -MAX_FUTURE_SKEW_MS) return 'invalid'
  return age < MIN_FILL_SECONDS * 1000 ? 'too-fast' : 'ok'
}
