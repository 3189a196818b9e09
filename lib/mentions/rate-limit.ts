/**
 * Rate limits of the mention receivers (pingback and Webmention): per client address and per source
 * host, 10 a minute each. Counted by the shared limiter module (lib/cluster/rate-limit.ts,
 * rate-limiter-flexible): in this process on one machine, in Redis for the whole cluster with
 * REDIS_URL, per instance while Redis is unavailable.
 */
import {createRateLimiter, type RateLimitDecision} from '@/lib/cluster/rate-limit'

export type {RateLimitDecision} from '@/lib/cluster/rate-limit'

export const MENTIONS_PER_MINUTE = 10

/** Shared by the pingback and webmention receivers: a client cannot dodge one by using the other. */
export const perClientLimiter = createRateLimiter({name: 'mentions-client', points: MENTIONS_PER_MINUTE, durationSeconds: 60})
export const perSourceHostLimiter = createRateLimiter({name: 'mentions-source', points: MENTIONS_PER_MINUTE, durationSeconds: 60})

/**
 * Both limits at once. Returns the refusal (with the longer wait) or null when allowed.
 */
export async function checkMentionRateLimits(clientAddress: string, sourceHost: string | null): Promise<RateLimitDecision | null> {
  const [byClient, bySource] = await Promise.all([
    perClientLimiter.hit(`client:${clientAddress}`),
    sourceHost ? perSourceHostLimiter.hit(`source:${sourceHost}`) : {allowed: true, retryAfterSeconds: 0},
  ])
  if (byClient.allowed && bySource.allowed) return null
  return {
    allowed: false,
    retryAfterSeconds: Math.max(byClient.allowed ? 0 : byClient.retryAfterSeconds, bySource.allowed ? 0 : bySource.retryAfterSeconds),
  }
}
