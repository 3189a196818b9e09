/**
 * `npm run bench` — what readers, editors and subscribers feel, measured on this machine:
 * reader pages under load against a static floor, bytes shipped, publish-to-visible freshness,
 * the lake's query/mutation/listen figures, and the build. Prints Markdown tables and writes
 * bench/results.json.
 *
 *   npm run bench                     full run (< 15 min on 2 cores): lake at 1k/10k/100k posts, fresh build
 *   npm run bench -- --quick          < 2 min: lake at 1k posts, short load runs, reuses the last build
 *   npm run bench -- --skip-build     full figures but reuse .next-bench instead of building
 *   npm run bench -- --only=lake|site run one half
 *   npm run bench -- --only=cluster   just the cluster line (1 vs 3 instances on Redis behind nginx)
 *   npm run bench -- --only=reader    what readers download and Lighthouse's mobile scores (bench build, made if missing)
 *   npm run bench -- --update-readme  also write the tables into README.md's Benchmarks section
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import v8 from 'node:v8'
import {buildSection} from './build'
import {bytesSection, measureRouteBytes} from './bytes'
import {lighthouseAvailable, lighthouseSection, runLighthouse} from './lighthouse'
import {postSlug} from './dataset'
import {REFERENCE_POST_SLUG} from '@/lib/seed/demo'
import {benchCluster} from './cluster'
import {benchFreshness} from './freshness'
import {benchLake} from './lake'
import {DATA_DIR, PORTS, README_FILE, REPO_ROOT, RESULTS_FILE} from './paths'
import {stopAll} from './processes'
import {loadServer, loadStatic, readerSection, type ReaderFigure, type ReaderRoute} from './reader'
import {describeMachine, renderReport, renderSection, replaceReadmeResults, replaceReadmeSections, type Report, type ReportSection} from './report'
import {buildSite, hasBuild, lastBuildFigures, startNextStart, startProductionServer, startSiteLake, type BuildFigures, type SiteLake} from './site-stack'
import type {StaticPage} from './static-floor'

const args = new Set(process.argv.slice(2))
const known = ['--quick', '--skip-build', '--only=lake', '--only=site', '--only=cluster', '--only=reader', '--update-readme']
for (const arg of args) {
  if (!known.includes(arg)) {
    console.error(`Unknown option ${arg}. Options: ${known.join(' ')}`)
    process.exit(2)
  }
}
const quick = args.has('--quick')
const onlyCluster = args.has('--only=cluster')
const onlyReader = args.has('--only=reader')
const runLake = !args.has('--only=site') && !onlyCluster && !onlyReader
const runSite = !args.has('--only=lake') && !onlyCluster && !onlyReader
const runCluster = !args.has('--only=lake') && !args.has('--only=site') && !onlyReader

const config = quick
  ? {sizes: [1000], maxIterations: 15, budgetMs: 1000, minIterations: 3, mutations: {sequential: 100, concurrent: 200, concurrency: 16}, listen: {listeners: 50, commits: 5}, durationS: 1, freshnessRuns: 3}
  : {sizes: [1000, 10_000, 100_000], maxIterations: 50, budgetMs: 3000, minIterations: 3, mutations: {sequential: 300, concurrent: 600, concurrency: 16}, listen: {listeners: 50, commits: 20}, durationS: 5, freshnessRuns: 5}
const SITE_POSTS = 1000
const HEAP_MIB_NEEDED = 6144

// 100,000 posts with their bodies need more heap than Node's default on small machines: re-run
// ourselves with a larger limit rather than crash halfway.
if (runLake && Math.max(...config.sizes) >= 100_000 && v8.getHeapStatistics().heap_size_limit < HEAP_MIB_NEEDED * 2 ** 20) {
  const result = spawnSync(process.execPath, [...process.execArgv, `--max-old-space-size=${HEAP_MIB_NEEDED}`, ...process.argv.slice(1)], {
    stdio: 'inherit',
    cwd: REPO_ROOT,
  })
  process.exit(result.status ?? 1)
}

const log = (line: string) => console.log(line)
const startedAt = Date.now()
const report: Report = {mode: quick ? 'quick' : 'full', options: [...args], startedAt: new Date(startedAt).toISOString(), machine: describeMachine(), sections: []}

function save() {
  report.finishedAt = new Date().toISOString()
  report.durationMs = Date.now() - startedAt
  report.loadAverageAtEnd = os.loadavg().map((load) => Math.round(load * 100) / 100)
  fs.writeFileSync(RESULTS_FILE, JSON.stringify(report, null, 2) + '\n')
}
function add(section: ReportSection) {
  report.sections.push(section)
  console.log('\n' + renderSection(section))
  save()
}

let siteLake: SiteLake | null = null
async function cleanUp() {
  await stopAll()
  await siteLake?.close().catch(() => {})
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void cleanUp().finally(() => process.exit(130)))
}

const ROUTES_UNDER_LOAD: ReaderRoute[] = [
  {label: 'home', path: '/'},
  {label: 'post', path: `/posts/${postSlug(500)}`},
  {label: 'RSS feed', path: '/feed.xml'},
]
/** Every reader page type (and the Studio beside them), for the JavaScript each one ships. */
const routesForBytes = (paths: SiteLake['paths']): ReaderRoute[] => [
  {label: 'home', path: '/'},
  {label: 'home, page 2', path: '/page/2'},
  {label: 'post', path: `/posts/${postSlug(500)}`},
  {label: 'category', path: '/category/politics'},
  {label: 'tag', path: paths.tag},
  {label: 'archive', path: '/archive'},
  {label: 'search', path: '/search?q=inflation'},
  {label: 'contact', path: '/contact'},
  {label: 'standalone page', path: paths.page},
  {label: '404', path: '/no-such-page'},
  {label: '404 (post)', path: '/posts/no-such-post'},
  {label: 'studio', path: '/studio'},
]

async function benchSite() {
  log(`Site: lake with ${SITE_POSTS} synthetic posts + demo content`)
  siteLake = await startSiteLake(SITE_POSTS)
  const env = siteLake.env

  let build: BuildFigures | null = null
  if (!quick && !args.has('--skip-build')) {
    log('  next build …')
    build = await buildSite(env)
    add(buildSection(build, SITE_POSTS, siteLake.documents))
    if (!build.ok) throw new Error(`next build failed; see ${build.logFile}`)
  } else {
    add(buildSection(hasBuild() ? lastBuildFigures() : null, SITE_POSTS, siteLake.documents, true))
  }
  if (!hasBuild()) {
    add({title: 'Reader pages, bytes shipped, freshness', method: 'Skipped: no production build in `.next-bench`. Run the full `npm run bench` once first.', columns: [], rows: []})
    return
  }

  const readerOptions = {routes: ROUTES_UNDER_LOAD, connections: [1, 16, 64], durationS: config.durationS, staticPort: PORTS.staticFloor, log}
  const figures: ReaderFigure[] = []
  let pages = new Map<string, StaticPage>()

  // Plain next start first: the freshness runs below add posts, and every server should serve the same content.
  log('  next start …')
  const nextStart = await startNextStart(env)
  try {
    figures.push(...(await loadServer(nextStart, 'next-start', readerOptions)).figures)
  } finally {
    await nextStart.stop()
  }

  log('  production server …')
  const site = await startProductionServer(env)
  try {
    await readerWeight(site.url, siteLake!.paths)

    const loaded = await loadServer(site, 'response-cache', readerOptions)
    figures.push(...loaded.figures)
    pages = loaded.pages

    log('  static floor …')
    figures.push(...(await loadStatic(pages, readerOptions)))
    add(readerSection(figures, pages, readerOptions, [
      'The load generator and the local lake share the benchmark process; each server under test runs in its own process. On 2 cores they all compete for CPU, as they would on a small VPS.',
    ]))

    log('  freshness …')
    add(
      await benchFreshness({
        siteUrl: site.url,
        lakeHttpUrl: `http://127.0.0.1:${PORTS.lakeHttp}`,
        token: env.SANITY_API_WRITE_TOKEN,
        runs: config.freshnessRuns,
        pollMs: 50,
        timeoutMs: 30_000,
        log,
      }),
    )
  } finally {
    await site.stop()
  }
}

/** Lighthouse's mobile audit of these, on the quiet production server (before any load run). */
const lighthouseRoutes = (paths: SiteLake['paths']): ReaderRoute[] => [
  {label: 'home', path: '/'},
  {label: 'post', path: `/posts/${postSlug(500)}`},
  {label: 'reference post', path: `/posts/${REFERENCE_POST_SLUG}`},
  {label: 'category', path: '/category/politics'},
  {label: 'standalone page', path: paths.page},
]

/** Bytes every reader page type ships, then Lighthouse's mobile scores (skipped without the package). */
async function readerWeight(url: string, paths: SiteLake['paths']) {
  const bytes = []
  for (const route of routesForBytes(paths)) bytes.push(await measureRouteBytes(url, route))
  add(bytesSection(bytes))
  if (!(await lighthouseAvailable())) {
    add(lighthouseSection([], 'Skipped: the `lighthouse` package is not installed (`npm ci` installs it as a devDependency).'))
    return
  }
  log('  lighthouse …')
  add(lighthouseSection(await runLighthouse(url, lighthouseRoutes(paths), {runs: quick ? 1 : 3, log})))
}

/** --only=reader: the bench build (made if missing) served by the production server, weighed and audited. */
async function benchReader() {
  log(`Reader pages: lake with ${SITE_POSTS} synthetic posts + demo content`)
  siteLake = await startSiteLake(SITE_POSTS)
  if (!hasBuild()) {
    log('  next build …')
    const build = await buildSite(siteLake.env)
    if (!build.ok) throw new Error(`next build failed; see ${build.logFile}`)
    // Not a report section: a build made for this partial run is not the Build figure of a full run.
    log(`  built in ${(build.wallMs / 1000).toFixed(1)} s`)
  }
  const site = await startProductionServer(siteLake.env)
  try {
    await readerWeight(site.url, siteLake.paths)
  } finally {
    await site.stop()
  }
}

/** 1 vs 3 instances sharing Redis behind nginx, on the bench build (made first if missing). */
async function benchClusterLine() {
  if (!siteLake) {
    log(`Cluster: lake with ${SITE_POSTS} synthetic posts + demo content`)
    siteLake = await startSiteLake(SITE_POSTS)
  }
  if (!hasBuild()) {
    log('  next build …')
    const build = await buildSite(siteLake.env)
    if (!build.ok) throw new Error(`next build failed; see ${build.logFile}`)
  }
  log('  cluster …')
  add(await benchCluster({env: siteLake.env, routes: ROUTES_UNDER_LOAD.slice(0, 2), connections: 64, durationS: config.durationS, log}))
}

try {
  fs.mkdirSync(DATA_DIR, {recursive: true})
  if (runLake) {
    for (const section of await benchLake({...config, log})) add(section)
  }
  if (runSite) await benchSite()
  if (runCluster) await benchClusterLine()
  if (onlyReader) await benchReader()
} catch (error) {
  console.error('\nBenchmark failed:', error instanceof Error ? error.stack ?? error.message : error)
  process.exitCode = 1
} finally {
  await cleanUp()
}
// Readers first, then subscribers and editors, then the machinery: the order the README tells it.
const ORDER = ['Reader pages', 'Bytes shipped', 'Lighthouse', 'Freshness', 'Cluster', 'Lake: GROQ', 'Lake: durable', 'Lake: listener', 'Build']
const rank = (section: ReportSection) => {
  const index = ORDER.findIndex((prefix) => section.title.startsWith(prefix))
  return index === -1 ? ORDER.length : index
}
report.sections.sort((a, b) => rank(a) - rank(b))
save()
const markdown = renderReport(report)
console.log('\n' + markdown)
console.log(`Results written to ${RESULTS_FILE}`)
if (args.has('--update-readme') && process.exitCode !== 1) {
  const readme = fs.readFileSync(README_FILE, 'utf8')
  // A partial run replaces only its own sections; the others keep the figures of the run that wrote them.
  const partial = onlyReader || args.has('--only=lake')
  fs.writeFileSync(README_FILE, partial ? replaceReadmeSections(readme, report, onlyReader ? 'Freshness' : undefined) : replaceReadmeResults(readme, markdown))
  console.log('README.md Benchmarks section updated.')
}
process.exit(process.exitCode ?? 0)
