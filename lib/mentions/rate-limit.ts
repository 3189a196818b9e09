/**
 * In-memory fixed-window rate limits for the mention receivers (per client address and per source
 * host). One Node process serves the site, so memory is the right place; the map is bounded so a
 * flood of distinct keys cannot grow it without limit.
 */
export interface RateLimitDecision {
  allowed: boolean
  /** Seconds until the key may try again (for Retry-After). */
  retryAfterSeconds: number
}

export class RateLimiter {
  private readonly windows = new Map<string, {start: number; count: number}>()

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  hit(key: string, now = Date.now()): RateLimitDecision {
    let window = this.windows.get(key)
    if (!window || now - window.start >= this.windowMs) {
      if (!window && this.windows.size >= this.maxKeys) this.evict(now)
      window = {start: now, count: 0}
      this.windows.set(key, window)
    }
    window.count++
    const retryAfterSeconds = Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000))
    return {allowed: window.count <= this.limit, retryAfterSeconds}
  }

  reset(): void {
    this.windows.clear()
  }

  private evict(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.start >= this.windowMs) this.windows.delete(key)
    }
    // Still full of live windows: drop the oldest (Map keeps insertion order).
    while (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next().value
      if (oldest === undefined) break
      this.windows.delete(oldest)
    }
  }
}

export const MENTIONS_PER_MINUTE = 10

/** Shared by the pingback and webmention receivers: a client cannot dodge one by using the other. */
export const perClientLimiter = new RateLimiter(MENTIONS_PER_MINUTE, 60_000)
export const perSourceHostLimiter = new RateLimiter(MENTIONS_PER_MINUTE, 60_000)

/**
 * Both limits at once. Returns the refusal (with the longer wait) or null when allowed.
 */
export function checkMentionRateLimits(clientAddress: string, sourceHost: string | null): RateLimitDecision | null {
  const byClient = perClientLimiter.hit(`client:${clientAddress}`)
  const bySource = sourceHost ? perSourceHostLimiter.hit(`source:${sourceHost}`) : {allowed: true, retryAfterSeconds: 0}
  if (byClient.allowed && bySource.allowed) return null
  return {
    allowed: false,
    retryAfterSeconds: Math.max(byClient.allowed ? 0 : byClient.retryAfterSeconds, bySource.allowed ? 0 : bySource.retryAfterSeconds),
  }
}
