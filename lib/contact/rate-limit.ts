/**
 * Per-client submission limits, in memory.
 *
 * A sliding window per key (client address). In memory is enough for one Node server; several
 * instances each count on their own, so the effective limit is per instance — still a hard cap on
 * what one address can store per minute. The map is bounded so a flood of distinct addresses
 * cannot exhaust memory: past the cap, expired entries are swept and, if still full, the oldest
 * key is evicted.
 */

export interface RateLimitDecision {
  allowed: boolean
  /** Whole seconds until the oldest counted submission leaves the window (0 when allowed). */
  retryAfterSeconds: number
}

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>()

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Counts one attempt for `key` and says whether it is within the limit. */
  hit(key: string, now: number = Date.now()): RateLimitDecision {
    const since = now - this.windowMs
    const recent = (this.hits.get(key) ?? []).filter((time) => time > since)
    if (recent.length >= this.limit) {
      this.hits.set(key, recent)
      const retryAfterMs = recent[0] + this.windowMs - now
      return {allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000))}
    }
    recent.push(now)
    this.hits.delete(key) // re-insert so Map order is least-recently-used first
    this.hits.set(key, recent)
    this.enforceBound(since)
    return {allowed: true, retryAfterSeconds: 0}
  }

  reset(): void {
    this.hits.clear()
  }

  private enforceBound(since: number): void {
    if (this.hits.size <= this.maxKeys) return
    for (const [key, times] of this.hits) {
      if (times[times.length - 1] <= since) this.hits.delete(key)
    }
    while (this.hits.size > this.maxKeys) {
      const oldest = this.hits.keys().next().value
      if (oldest === undefined) break
      this.hits.delete(oldest)
    }
  }
}

export const SUBMISSIONS_PER_MINUTE = 5

/** The one limiter the server action and the API route share (same process, same counts). */
export const contactRateLimiter = new SlidingWindowLimiter(SUBMISSIONS_PER_MINUTE, 60_000)
