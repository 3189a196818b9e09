/**
 * The contact form's submission limit: 5 a minute per client address (every attempt counts, valid
 * or not). Counted by the shared limiter module (lib/cluster/rate-limit.ts, rate-limiter-flexible):
 * in this process on one machine, in Redis for the whole cluster with REDIS_URL — and per instance
 * while Redis is unavailable (fail-over to memory, never a refusal or a 500 for that reason).
 */
import {createRateLimiter, type RateLimiter} from '@/lib/cluster/rate-limit'

export type {RateLimitDecision, RateLimiter} from '@/lib/cluster/rate-limit'

export const SUBMISSIONS_PER_MINUTE = 5

/** The one limiter the server action and the API route share (same counts). */
export const contactRateLimiter: RateLimiter = createRateLimiter({
  name: 'contact',
  points: SUBMISSIONS_PER_MINUTE,
  durationSeconds: 60,
})
