/** One load run with autocannon's programmatic API, reduced to the figures the report prints. */
import autocannon from 'autocannon'

export interface LoadFigures {
  connections: number
  durationS: number
  requests: number
  requestsPerSecond: number
  latencyP50: number
  latencyP90: number
  latencyP99: number
  errors: number
  timeouts: number
  non2xx: number
  bytesPerSecond: number
}

export async function runLoad(url: string, connections: number, durationS: number): Promise<LoadFigures> {
  const result = await autocannon({url, connections, duration: durationS, pipelining: 1, timeout: 30})
  return {
    connections,
    durationS,
    requests: result.requests.total,
    // Total over the measured time, not the mean of per-second buckets (exact for short runs too).
    requestsPerSecond: result.requests.total / (result.duration || durationS),
    latencyP50: result.latency.p50,
    latencyP90: result.latency.p90,
    latencyP99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    bytesPerSecond: result.throughput.average,
  }
}
