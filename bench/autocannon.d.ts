/** The part of autocannon's programmatic API the benchmark uses (the package ships no types). */
declare module 'autocannon' {
  interface Histogram {
    average: number
    mean: number
    stddev: number
    min: number
    max: number
    p50: number
    p90: number
    p99: number
    [percentile: string]: number
  }
  interface Result {
    requests: Histogram & {total: number; sent: number}
    latency: Histogram
    throughput: Histogram & {total: number}
    errors: number
    timeouts: number
    non2xx: number
    '2xx': number
    duration: number
  }
  interface Options {
    url: string
    connections?: number
    duration?: number
    amount?: number
    pipelining?: number
    timeout?: number
    headers?: Record<string, string>
    method?: string
  }
  function autocannon(options: Options): Promise<Result>
  export = autocannon
}
