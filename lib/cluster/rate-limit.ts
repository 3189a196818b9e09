/**
 * Rate limits on `rate-limiter-flexible` (fixed windows of `points` per `durationSeconds` per key).
 *
 * - Without REDIS_URL: `RateLimiterMemory`, counts in this process — the single-machine behaviour.
 * - With REDIS_URL: `RateLimiterRedis`, one atomic INCR+EXPIRE (Lua) per hit on counters every
 *   instance shares, so a limit of 5 a minute is 5 a minute for the whole cluster.
 * - Redis unavailable: the library's `insuranceLimiter` (a `RateLimiterMemory` with the same limit)
 *   answers instead. We chose this middle way deliberately: failing CLOSED would refuse every
 *   contact message and mention during an outage, failing fully OPEN would drop abuse protection;
 *   per-instance counting keeps a hard cap (limit × instances) and never turns into a 500.
 */
import {RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract} from 'rate-limiter-flexible'
import {clusterRedis, type RedisConnection} from './redis'

export interface RateLimitDecision {
  allowed: boolean
  /** Whole seconds until the key may try again (0 when allowed); for Retry-After. */
  retryAfterSeconds: number
}

export interface RateLimitOptions {
  /** Names the counters in Redis: `<prefix>rl:<name>:<key>`. */
  name: string
  points: number
  durationSeconds: number
  /** Defaults to this process's cluster connection (none without REDIS_URL). */
  redis?: RedisConnection | null
}

export interface RateLimiter {
  /** Counts one attempt for `key`; never throws. */
  hit(key: string): Promise<RateLimitDecision>
  /** Forgets every count (tests). */
  reset(): Promise<void>
}

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const memoryLimiter = () => new RateLimiterMemory({points: options.points, duration: options.durationSeconds})
  let limiter: RateLimiterAbstract | undefined
  // Created on first use: the Redis connection must not open at import time (builds import this).
  const current = () => (limiter ??= build())
  const build = (): RateLimiterAbstract => {
    const redis = options.redis === undefined ? clusterRedis() : options.redis
    if (!redis) return memoryLimiter()
    return new RateLimiterRedis({
      storeClient: redis.client,
      useRedisPackage: true,
      // While disconnected, go straight to the insurance limiter instead of trying the command.
      rejectIfRedisNotReady: true,
      keyPrefix: `${redis.prefix}rl:${options.name}`,
      points: options.points,
      duration: options.durationSeconds,
      insuranceLimiter: memoryLimiter(),
    })
  }

  return {
    async hit(key) {
      try {
        await current().consume(key)
        return {allowed: true, retryAfterSeconds: 0}
      } catch (outcome) {
        if (outcome instanceof RateLimiterRes) {
          return {allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(outcome.msBeforeNext / 1000))}
        }
        // Only reachable without an insurance limiter answering (it should always answer): let the
        // request through rather than fail a reader's form with a 500.
        console.error('[cluster] rate limiter failed, allowing the request:', outcome)
        return {allowed: true, retryAfterSeconds: 0}
      }
    },
    async reset() {
      const redis = options.redis === undefined ? clusterRedis() : options.redis
      if (redis?.isReady()) {
        for await (const keys of redis.client.scanIterator({MATCH: `${redis.prefix}rl:${options.name}:*`, COUNT: 500})) {
          if (keys.length) await redis.client.del(keys)
        }
      }
      limiter = undefined
    },
  }
}
