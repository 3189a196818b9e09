/**
 * Several site instances as one site: what they share through Redis (REDIS_URL). Without
 * REDIS_URL nothing here opens a connection and every piece behaves as on one machine.
 *
 * Modules:
 * - redis.ts         the process's Redis connection pair (commands + pub/sub), degraded mode, logs
 * - rate-limit.ts    rate limits on rate-limiter-flexible: memory, or Redis with a memory fallback
 * - invalidation.ts  tag invalidations to every instance (pub/sub)
 * - next-cache.ts    Next's incremental cache entries and tag timestamps in Redis
 * - once.ts          "one instance does this, at least once" (lock, done marker), for the scheduled-post trigger
 * - site.ts          joinCluster(): what scripts/serve-site.ts calls at startup
 */
export {clusterRedis, connect, type RedisConnection} from './redis'
export {createRateLimiter, type RateLimiter, type RateLimitDecision} from './rate-limit'
export {invalidationMessage, publishInvalidation, subscribeInvalidations} from './invalidation'
export {createSharedNextCache, type SharedNextCache} from './next-cache'
export {claimOnce, runOnce, type OnceOutcome, type OnceOptions} from './once'
export {joinCluster, SHARED_NEXT_CACHE} from './site'
