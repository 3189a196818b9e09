/** Where the benchmark keeps things, and which ports it uses (none clash with dev/e2e/other stacks). */
import path from 'node:path'

export const REPO_ROOT = path.resolve(import.meta.dirname, '..')
/** Throwaway lakes, logs and build output notes (gitignored). */
export const DATA_DIR = path.join(REPO_ROOT, 'bench', '.data')
export const RESULTS_FILE = path.join(REPO_ROOT, 'bench', 'results.json')
export const README_FILE = path.join(REPO_ROOT, 'README.md')
/** The production build the site benchmarks run (gitignored via `.next*`). */
export const DIST_DIR = '.next-bench'

/** BENCH_PORT_BASE moves every fixed port (lake base/base+1, site base+2, …), e.g. beside another run. */
const base = Number(process.env.BENCH_PORT_BASE) || 0

export const PORTS = {
  lakeHttps: base || 5144,
  lakeHttp: base ? base + 1 : 5145,
  /** The production server (Next behind the response cache). */
  site: base ? base + 2 : 3800,
  /** Plain `next start`, same build, no response cache. */
  nextStart: base ? base + 3 : 3801,
  staticFloor: base ? base + 4 : 3802,
  /** The cluster line (bench/cluster.ts): instances from here on, then the balancer; free ports without a base. */
  clusterBase: base ? base + 5 : 0,
} as const

export const DATASET = 'production'
export const API_VERSION = '2025-02-19'
