/**
 * Small, dependency-free statistics for the benchmark: percentiles of samples, medians, and the
 * number formats the report prints. Pure functions, so they are unit-tested (tests/bench).
 */

/**
 * The p-th percentile (0–100) of `samples` by linear interpolation between closest ranks (the
 * same definition as NumPy's default), so p50 of [1, 2, 3, 4] is 2.5. NaN for no samples.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (!Number.isFinite(p) || p < 0 || p > 100) throw new RangeError(`percentile must be within 0–100, got ${p}`)
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = (p / 100) * (sorted.length - 1)
  const lower = Math.floor(rank)
  const upper = Math.ceil(rank)
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - lower)
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50)
}

export interface Summary {
  count: number
  min: number
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
}

export function summarize(samples: readonly number[]): Summary {
  const count = samples.length
  return {
    count,
    min: count ? Math.min(...samples) : Number.NaN,
    p50: percentile(samples, 50),
    p90: percentile(samples, 90),
    p99: percentile(samples, 99),
    max: count ? Math.max(...samples) : Number.NaN,
    mean: count ? samples.reduce((sum, value) => sum + value, 0) / count : Number.NaN,
  }
}

/**
 * `numerator / denominator` as the report prints it: "0.42×", "3.1×", "12×". "n/a" when the
 * ratio is undefined (a zero or missing denominator), so a failed run never prints Infinity.
 */
export function formatRatio(numerator: number, denominator: number): string {
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator === 0) return 'n/a'
  const ratio = numerator / denominator
  if (ratio >= 10) return `${Math.round(ratio)}×`
  if (ratio >= 1) return `${ratio.toFixed(1)}×`
  return `${ratio.toFixed(2)}×`
}

/** Milliseconds with sensible precision: "0.042 ms", "3.4 ms", "120 ms", "4.2 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a'
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms >= 100) return `${Math.round(ms)} ms`
  if (ms >= 1) return `${ms.toFixed(1)} ms`
  return `${ms.toFixed(3)} ms`
}

/** Bytes in binary units: "512 B", "12.3 KiB", "1.5 MiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'n/a'
  if (bytes < 1024) return `${Math.round(bytes)} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`
}

/** Rates like requests/s: thousands separated, no false precision. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return 'n/a'
  if (perSecond >= 100) return Math.round(perSecond).toLocaleString('en-US')
  return perSecond.toFixed(1)
}
