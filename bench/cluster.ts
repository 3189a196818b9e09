/**
 * The cluster line: the same production build served by 1 and by 3 instances of the production
 * server (scripts/serve-site.ts) sharing Redis (REDIS_URL), through nginx round robin, under the
 * reader load of the single-machine table. On one machine it cannot scale (the instances share the
 * cores); what it shows is the price of the balancer hop and of the shared cache.
 */
import os from 'node:os'
import path from 'node:path'
import {startBalancer} from '@/scripts/lib/cluster-stack'
import {freePort, startTestRedis} from '@/scripts/lib/redis-server'
import {runLoad, type LoadFigures} from './load'
import {DATA_DIR, PORTS, REPO_ROOT} from './paths'
import {startProcess, waitForUrl, type Started} from './processes'
import type {ReaderRoute} from './reader'
import type {ReportSection} from './report'
import {formatRate} from './stats'

export interface ClusterBenchOptions {
  /** The bench site's environment (lake, tokens, NEXT_DIST_DIR of the bench build). */
  env: Record<string, string>
  routes: ReaderRoute[]
  connections: number
  durationS: number
  log: (line: string) => void
}

interface ClusterFigure {
  setup: string
  instances: number
  route: string
  load: LoadFigures
}

interface Setup {
  label: string
  instances: number
  /** null: no REDIS_URL and no balancer — the single-machine baseline, measured in the same run. */
  redisUrl: string | null
}

/** Requests the page through the balancer until every instance answered it from its cache. */
async function warm(url: string, instances: number) {
  let hits = 0
  for (let i = 0; i < 20 * instances && hits < 2 * instances; i++) {
    const response = await fetch(url, {headers: {'accept-encoding': 'identity'}})
    await response.arrayBuffer()
    hits = response.headers.get('x-cache') === 'HIT' ? hits + 1 : 0
  }
}

async function measure(setup: Setup, options: ClusterBenchOptions): Promise<ClusterFigure[]> {
  const count = setup.instances
  const sites: Started[] = []
  const dir = path.join(DATA_DIR, `cluster-${count}`)
  let balancer: Awaited<ReturnType<typeof startBalancer>> | null = null
  try {
    const ports: number[] = []
    // BENCH_PORT_BASE: instances on base+5…, the balancer on base+8, Redis on base+9 (an assigned range).
    const fixed = (offset: number) => (PORTS.clusterBase ? PORTS.clusterBase + offset : freePort())
    for (let i = 0; i < count; i++) {
      const port = await fixed(i)
      ports.push(port)
      const args = ['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'serve-site.ts')]
      const env = {...options.env, PORT: String(port), NODE_ENV: 'production', REDIS_URL: setup.redisUrl ?? ''}
      sites.push(startProcess(`cluster-${count}-site-${i + 1}`, process.execPath, args, env))
    }
    await Promise.all(ports.map((port, i) => waitForUrl(`http://127.0.0.1:${port}/api/health`, 90_000, sites[i])))
    if (setup.redisUrl) balancer = await startBalancer({listenPort: await fixed(3), upstreamPorts: ports, dir})
    const origin = balancer?.url ?? `http://127.0.0.1:${ports[0]}`
    const figures: ClusterFigure[] = []
    for (const route of options.routes) {
      await warm(origin + route.path, count)
      options.log(`    ${setup.label}: ${route.label} at ${options.connections} connections …`)
      figures.push({setup: setup.label, instances: count, route: route.label, load: await runLoad(origin + route.path, options.connections, options.durationS)})
    }
    return figures
  } finally {
    await balancer?.close()
    await Promise.all(sites.map((site) => site.stop()))
  }
}

export async function benchCluster(options: ClusterBenchOptions): Promise<ReportSection> {
  const redis = await startTestRedis(PORTS.clusterBase ? PORTS.clusterBase + 4 : undefined)
  const figures: ClusterFigure[] = []
  try {
    const setups: Setup[] = [
      {label: 'one server, no Redis, direct (single machine)', instances: 1, redisUrl: null},
      {label: '1 instance on Redis, through nginx', instances: 1, redisUrl: redis.url},
      {label: '3 instances on Redis, through nginx', instances: 3, redisUrl: redis.url},
    ]
    for (const setup of setups) figures.push(...(await measure(setup, options)))
  } finally {
    await redis.close()
  }
  return {
    title: 'Cluster: 1 vs 3 instances through a balancer',
    method:
      `The bench build served by 1 and by 3 production servers (\`scripts/serve-site.ts\`) with \`REDIS_URL\` set (one \`redis-server\`), ` +
      `behind nginx round robin (keep-alive upstreams), warm (every instance answering \`x-cache: HIT\`); autocannon through nginx for ${options.durationS} s per line at ${options.connections} connections. ` +
      `The first line of each route is the single-machine setup measured in the same run (one production server, no Redis, no balancer): the difference is the balancer hop and the shared cache; on ${os.cpus().length} cores three instances cannot add throughput.`,
    columns: ['route', 'setup', 'requests/s', 'latency p50 / p90 / p99 (ms)', 'errors / non-2xx'],
    rows: [...figures].sort((a, b) => a.route.localeCompare(b.route)).map((figure) => [
      figure.route,
      figure.setup,
      formatRate(figure.load.requestsPerSecond),
      `${figure.load.latencyP50} / ${figure.load.latencyP90} / ${figure.load.latencyP99}`,
      `${figure.load.errors + figure.load.timeouts} / ${figure.load.non2xx}`,
    ]),
    data: figures,
  }
}
