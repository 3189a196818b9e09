/**
 * Receiving a signed webhook (the lake's, or hosted Sanity's GROQ webhooks): header
 * `sanity-webhook-signature: t=<ms>,v1=<HMAC-SHA256 of "<t>.<body>">`, checked with
 * `@sanity/webhook`. That library verifies the HMAC but not the age of `t`, so a captured request
 * would verify forever; we also refuse timestamps more than WEBHOOK_TOLERANCE_MS away from now
 * (Stripe-style webhooks, which Sanity's follow, use five minutes). Within that window a replay
 * still verifies: endpoints whose effect is not idempotent pair this with a ReplayGuard (shared by
 * every instance through Redis when REDIS_URL is set).
 *
 * Order: header shape and age first (no body read for a stale or missing signature), then the
 * body through the one size-capped reader, then the HMAC, then JSON.
 */
import crypto from 'node:crypto'
import {decodeSignatureHeader, isValidSignature, SIGNATURE_HEADER_NAME} from '@sanity/webhook'
import {clusterRedis, type RedisConnection} from '@/lib/cluster/redis'
import {readBodyText} from './read-body'

export const WEBHOOK_TOLERANCE_MS = 5 * 60 * 1000

export type SignedWebhook =
  | {ok: true; body: unknown; text: string; timestamp: number; signature: string}
  | {ok: false; status: 400 | 401 | 413; message: string}

export async function readSignedWebhook(
  request: Request,
  secret: string,
  maxBytes: number,
  now: number = Date.now(),
): Promise<SignedWebhook> {
  const header = request.headers.get(SIGNATURE_HEADER_NAME)
  if (!header) return {ok: false, status: 401, message: `Missing ${SIGNATURE_HEADER_NAME} header.`}
  let timestamp: number
  let signature: string
  try {
    const decoded = decodeSignatureHeader(header)
    timestamp = decoded.timestamp
    signature = decoded.hashedPayload
  } catch {
    return {ok: false, status: 401, message: `Malformed ${SIGNATURE_HEADER_NAME} header (expected t=<ms>,v1=<signature>).`}
  }
  if (!Number.isFinite(timestamp) || Math.abs(now - timestamp) > WEBHOOK_TOLERANCE_MS) {
    return {
      ok: false,
      status: 401,
      message: `Signature timestamp is more than ${WEBHOOK_TOLERANCE_MS / 60_000} minutes from now: a replayed request, or clocks out of sync.`,
    }
  }
  const text = await readBodyText(request, maxBytes)
  if (text === null) return {ok: false, status: 413, message: `Body larger than ${maxBytes} bytes.`}
  if (!(await isValidSignature(text, header, secret.trim()))) {
    return {ok: false, status: 401, message: `Invalid ${SIGNATURE_HEADER_NAME}.`}
  }
  let body: unknown
  try {
    body = text.trim() ? JSON.parse(text) : null
  } catch {
    return {ok: false, status: 400, message: 'The body is not valid JSON.'}
  }
  return {ok: true, body, text, timestamp, signature}
}

/** Records every key, and answers 1 if none was recorded yet (a first delivery), 0 for a repeat. */
const FIRST_DELIVERY = `
local seen = 0
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then seen = 1 end
end
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], '1', 'PX', ARGV[1])
end
return 1 - seen`

export interface ReplayGuardOptions {
  /** Names this guard's keys in Redis (`<prefix>replay:<name>:<key>`). */
  name?: string
  /** Defaults to this process's cluster connection (none without REDIS_URL). */
  redis?: RedisConnection | null
}

/**
 * Remembers deliveries for twice the signature tolerance, so one signed delivery takes effect
 * once: a replay within the tolerance window, or a sender's retry of the very same change (same
 * body, fresh signature), is recognised. Older replays are already refused by their timestamp.
 *
 * With REDIS_URL the memory is shared by every instance (one atomic script per delivery): a
 * delivery instance A acted on is a repeat for instance B too, whichever one the balancer picks.
 * Without Redis, or while it is unavailable, this process's memory answers (bounded: past
 * `maxEntries`, expired keys are swept, then the oldest dropped) — during an outage a replay that
 * reaches another instance is not recognised, which the README's cluster section states.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>()
  private readonly name: string
  private redis: RedisConnection | null | undefined

  constructor(
    private readonly ttlMs = 2 * WEBHOOK_TOLERANCE_MS,
    private readonly maxEntries = 10_000,
    options: ReplayGuardOptions = {},
  ) {
    this.name = options.name ?? 'webhook'
    // Resolved on first use: the Redis connection must not open at import time (builds import this).
    this.redis = options.redis
  }

  /** True the first time any of `keys` is seen (and records them all); false for a repeat. */
  async firstDelivery(keys: readonly string[], now: number = Date.now()): Promise<boolean> {
    const redis = this.redis === undefined ? (this.redis = clusterRedis()) : this.redis
    if (redis && keys.length > 0) {
      try {
        const reply = await redis.client.eval(FIRST_DELIVERY, {
          keys: keys.map((key) => `${redis.prefix}replay:${this.name}:${key}`),
          arguments: [String(this.ttlMs)],
        })
        // Remembered here too, for a later outage.
        this.remember(keys, now)
        return reply === 1
      } catch {
        // Redis unavailable: this process's memory answers.
      }
    }
    const repeat = keys.some((key) => (this.seen.get(key) ?? 0) > now)
    this.remember(keys, now)
    return !repeat
  }

  private remember(keys: readonly string[], now: number) {
    for (const key of keys) {
      this.seen.delete(key)
      this.seen.set(key, now + this.ttlMs)
    }
    this.bound(now)
  }

  private bound(now: number) {
    if (this.seen.size <= this.maxEntries) return
    for (const [key, expires] of this.seen) if (expires <= now) this.seen.delete(key)
    while (this.seen.size > this.maxEntries) {
      const oldest = this.seen.keys().next().value
      if (oldest === undefined) break
      this.seen.delete(oldest)
    }
  }
}

/** Keys that identify one delivery: the signed body itself, and the sender's idempotency key if any. */
export function deliveryKeys(request: Request, delivery: {text: string}): string[] {
  const keys = [`body:${crypto.createHash('sha256').update(delivery.text).digest('base64url')}`]
  const idempotencyKey = request.headers.get('idempotency-key')
  if (idempotencyKey && idempotencyKey.length <= 200) keys.push(`key:${idempotencyKey}`)
  return keys
}
