/**
 * Counts failed logins per key (email + client address) in a sliding window. In memory: a restart
 * resets it, which is acceptable for a loopback-only development server.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>()

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until the key may try again; 0 when it may try now. */
  retryAfterMs(key: string): number {
    const recent = this.recent(key)
    if (recent.length < this.maxFailures) return 0
    return Math.max(0, recent[0] + this.windowMs - Date.now())
  }

  recordFailure(key: string): void {
    const recent = this.recent(key)
    recent.push(Date.now())
    this.failures.set(key, recent)
    if (this.failures.size > 10_000) this.prune()
  }

  reset(key: string): void {
    this.failures.delete(key)
  }

  private recent(key: string): number[] {
    const cutoff = Date.now() - this.windowMs
    return (this.failures.get(key) ?? []).filter((t) => t > cutoff)
  }

  private prune() {
    for (const key of this.failures.keys()) if (this.recent(key).length === 0) this.failures.delete(key)
  }
}
