/**
 * Reader pages under load: the production server (warm response cache), plain `next start` (same
 * build), and the static floor serving the very same bytes, side by side per route and concurrency.
 */
import {runLoad, type LoadFigures} from './load'
import type {ReportSection} from './report'
import type {RunningSite} from './site-stack'
import {startStaticFloor, type StaticPage} from './static-floor'
import {formatRate, formatRatio} from './stats'

export interface ReaderRoute {
  label: string
  path: string
}

export interface ReaderOptions {
  routes: ReaderRoute[]
  connections: number[]
  durationS: number
  staticPort: number
  log: (line: string) => void
}

export interface ReaderFigure {
  route: string
  server: 'response-cache' | 'next-start' | 'static'
  cacheState?: string
  load: LoadFigures
}

/** Fetches a page as a load client would (no Accept-Encoding): its body and content type. */
export async function capturePage(url: string): Promise<StaticPage & {cache: string | null; status: number}> {
  const response = await fetch(url, {headers: {'accept-encoding': 'identity'}})
  const body = Buffer.from(await response.arrayBuffer())
  return {body, contentType: response.headers.get('content-type') ?? 'text/html', cache: response.headers.get('x-cache'), status: response.status}
}

/** Requests a page until the response cache answers HIT (at most a few tries). */
async function warmCache(url: string): Promise<string> {
  let state = 'none'
  for (let i = 0; i < 10; i++) {
    const page = await capturePage(url)
    state = page.cache ?? 'none'
    if (state === 'HIT') break
  }
  return state
}

/** Load figures for one server over all routes and connection counts. */
export async function loadServer(
  site: RunningSite,
  server: ReaderFigure['server'],
  options: ReaderOptions,
): Promise<{figures: ReaderFigure[]; pages: Map<string, StaticPage>}> {
  const figures: ReaderFigure[] = []
  const pages = new Map<string, StaticPage>()
  for (const route of options.routes) {
    const url = site.url + route.path
    // Warm Next (and the response cache) so the figures are steady state, not first renders.
    for (let i = 0; i < 5; i++) await capturePage(url)
    const page = await capturePage(url)
    if (page.status !== 200) throw new Error(`${url} answered ${page.status}`)
    pages.set(route.path, {body: page.body, contentType: page.contentType})
    for (const connections of options.connections) {
      const cacheState = server === 'response-cache' ? await warmCache(url) : undefined
      const load = await runLoad(url, connections, options.durationS)
      figures.push({route: route.label, server, cacheState, load})
      options.log(`  ${server} ${route.path} c=${connections}: ${formatRate(load.requestsPerSecond)} req/s, p50 ${load.latencyP50} ms, p99 ${load.latencyP99} ms`)
    }
  }
  return {figures, pages}
}

/** The static floor for the captured pages, same routes and connection counts. */
export async function loadStatic(pages: Map<string, StaticPage>, options: ReaderOptions): Promise<ReaderFigure[]> {
  const floor = await startStaticFloor(pages, options.staticPort)
  const figures: ReaderFigure[] = []
  try {
    for (const route of options.routes) {
      for (const connections of options.connections) {
        const load = await runLoad(floor.url + route.path, connections, options.durationS)
        figures.push({route: route.label, server: 'static', load})
        options.log(`  static ${route.path} c=${connections}: ${formatRate(load.requestsPerSecond)} req/s`)
      }
    }
  } finally {
    await floor.close()
  }
  return figures
}

const SERVER_LABEL: Record<ReaderFigure['server'], string> = {
  'response-cache': 'production server (response cache, warm)',
  'next-start': '`next start` (no response cache)',
  static: 'static floor (same bytes)',
}

export function readerSection(figures: ReaderFigure[], pages: Map<string, StaticPage>, options: ReaderOptions, notes: string[]): ReportSection {
  const uncached = [...new Set(figures.filter((f) => f.cacheState && f.cacheState !== 'HIT').map((f) => f.route))]
  if (uncached.length) {
    notes = [
      ...notes,
      `Not served from the response cache (\`x-cache\` stayed MISS after 10 requests): ${uncached.join(', ')}. ` +
        'Those production-server lines are Next rendering every request.',
    ]
  }
  const staticFor = (route: string, connections: number) =>
    figures.find((f) => f.server === 'static' && f.route === route && f.load.connections === connections)
  const rows: string[][] = []
  for (const route of options.routes) {
    for (const connections of options.connections) {
      for (const server of ['response-cache', 'next-start', 'static'] as const) {
        const f = figures.find((x) => x.server === server && x.route === route.label && x.load.connections === connections)
        if (!f) continue
        const floor = staticFor(route.label, connections)
        rows.push([
          route.label,
          String(connections),
          SERVER_LABEL[server] + (f.cacheState && f.cacheState !== 'HIT' ? ` (x-cache ${f.cacheState})` : ''),
          formatRate(f.load.requestsPerSecond),
          `${f.load.latencyP50} / ${f.load.latencyP90} / ${f.load.latencyP99}`,
          `${f.load.errors + f.load.timeouts} / ${f.load.non2xx}`,
          server === 'static' ? '1×' : floor ? formatRatio(f.load.requestsPerSecond, floor.load.requestsPerSecond) : 'n/a',
        ])
      }
    }
  }
  const sizes = options.routes.map((r) => `${r.path} ${(pages.get(r.path)?.body.length ?? 0).toLocaleString('en-US')} B`).join(', ')
  return {
    title: 'Reader pages under load',
    method:
      `autocannon (programmatic API, in the benchmark process, HTTP/1.1 keep-alive, no compression) for ${options.durationS} s per line, ` +
      `against one production build (\`next build\` into \`.next-bench\`) with the local lake. The production server ` +
      '(`scripts/serve-site.ts`) is measured warm (`x-cache: HIT` checked before each line); `next start` runs the same build without the response cache; ' +
      'the static floor is a minimal Node `http` server (its own process, like the site servers) answering with the very bytes the site served. ' +
      `Ratio = framework requests/s ÷ static requests/s at the same concurrency. Body sizes: ${sizes}.`,
    columns: ['route', 'connections', 'server', 'requests/s', 'latency p50 / p90 / p99 (ms)', 'errors / non-2xx', 'vs static'],
    rows,
    data: figures,
    notes,
  }
}
