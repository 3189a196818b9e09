/**
 * The site under test: a lake seeded with the demo content plus a synthetic blog, wired to Next.js
 * by the project's own launcher (scripts/lib/local-stack.ts), and the three ways the benchmark runs
 * Next: `next build`, the production server (scripts/serve-site.ts) and plain `next start`.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {openEngine} from '@/lib/lake/engine'
import {demoDocuments} from '@/lib/seed/demo'
import {startLocalLake, type LocalLake} from '@/scripts/lib/local-stack'
import {generateDataset, postSlug} from './dataset'
import {DATA_DIR, DATASET, DIST_DIR, PORTS, REPO_ROOT} from './paths'
import {sampleTreeRss, startProcess, waitForUrl, type Started} from './processes'

const nextBin = path.join(REPO_ROOT, 'node_modules', '.bin', 'next')
const tsxBin = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx')

export const SITE_LAKE_DIR = path.join(DATA_DIR, 'site-lake')

export interface SiteLake {
  lake: LocalLake
  /** Environment for every Next process: the lake's (token, ports, secret) plus our dist dir. */
  env: Record<string, string>
  documents: number
  /** Reader paths the dataset does not name by itself: a tag archive with posts, a standalone page. */
  paths: {tag: string; page: string}
  close(): Promise<void>
}

/** A standalone page (`page` document, served by the catch-all route), so its JavaScript is measured too. */
export const BENCH_PAGE = {
  _id: 'page-bench-about',
  _type: 'page',
  title: 'About this blog',
  path: '/about',
  publishedAt: '2024-01-01T00:00:00Z',
  body: [
    {_type: 'block', _key: 'b1', style: 'normal', markDefs: [], children: [{_type: 'span', _key: 's1', text: 'A synthetic news blog for benchmarks.', marks: []}]},
  ],
}

/**
 * A fresh lake with the demo content and `posts` synthetic posts, imported straight into its
 * SQLite file before the server starts (so no webhooks fire for the import), then started by the
 * project's launcher with webhooks to the production server's port.
 */
export async function startSiteLake(posts: number): Promise<SiteLake> {
  fs.rmSync(SITE_LAKE_DIR, {recursive: true, force: true})
  fs.mkdirSync(SITE_LAKE_DIR, {recursive: true})
  fs.rmSync(path.join(DATA_DIR, 'site-lake.log'), {force: true})
  const engine = openEngine({file: path.join(SITE_LAKE_DIR, 'lake.sqlite')})
  let documents = 0
  let tagSlug = ''
  try {
    await engine.importDocuments(DATASET, demoDocuments(), {mode: 'create', author: 'bench'})
    // createIfNotExists: the synthetic categories share ids (`category-<slug>`) with the demo's, which win.
    await engine.importDocuments(DATASET, generateDataset({posts}), {mode: 'createIfNotExists', author: 'bench'})
    await engine.importDocuments(DATASET, [BENCH_PAGE], {mode: 'createIfNotExists', author: 'bench'})
    documents = (await engine.query(DATASET, 'count(*)', {}, {perspective: 'raw'})).result as number
    tagSlug = (await engine.query(DATASET, '*[_type == "post" && slug.current == $slug][0].tags[0]->slug.current', {slug: postSlug(500)}, {perspective: 'published'}))
      .result as string
  } finally {
    engine.close()
  }
  const lake = await startLocalLake({
    sitePort: PORTS.site,
    lakePort: PORTS.lakeHttps,
    lakeHttpPort: PORTS.lakeHttp,
    dataDir: SITE_LAKE_DIR,
    // The lake's own log goes to a file: useful when a page fails, noise in the report.
    log: (line) => fs.appendFileSync(path.join(DATA_DIR, 'site-lake.log'), line + '\n'),
  })
  const env = {...lake.env, NEXT_DIST_DIR: DIST_DIR}
  return {lake, env, documents, paths: {tag: `/tag/${tagSlug}`, page: BENCH_PAGE.path}, close: () => lake.close()}
}

export function hasBuild(): boolean {
  return fs.existsSync(path.join(REPO_ROOT, DIST_DIR, 'BUILD_ID'))
}

export interface BuildFigures {
  ok: boolean
  /** When the build ran, and the machine's 1-minute load average then (other work skews it). */
  at: string
  loadAverageAtStart: number
  wallMs: number
  peakRssBytes: number
  rssSamples: number
  logFile: string
}

/** `next build` into .next-bench, timed, with the peak RSS of its whole process tree sampled. */
export async function buildSite(env: Record<string, string>): Promise<BuildFigures> {
  fs.rmSync(path.join(REPO_ROOT, DIST_DIR), {recursive: true, force: true})
  const at = new Date().toISOString()
  const loadAverageAtStart = Math.round(os.loadavg()[0] * 100) / 100
  const started = performance.now()
  const build = startProcess('next-build', nextBin, ['build'], env)
  const sampler = sampleTreeRss(build.child.pid!)
  const code = await build.exited
  const wallMs = performance.now() - started
  const {peakBytes, samples} = sampler.stop()
  const figures = {ok: code === 0, at, loadAverageAtStart, wallMs, peakRssBytes: peakBytes, rssSamples: samples, logFile: build.logFile}
  if (figures.ok) fs.writeFileSync(BUILD_FIGURES_FILE, JSON.stringify(figures, null, 2) + '\n')
  return figures
}

/**
 * The figures of the build that produced .next-bench, kept beside it: `--quick` and `--skip-build`
 * reuse that build, so they report its measured figures (marked as reused) rather than none.
 */
const BUILD_FIGURES_FILE = path.join(REPO_ROOT, DIST_DIR, 'bench-build.json')

export function lastBuildFigures(): BuildFigures | null {
  try {
    return JSON.parse(fs.readFileSync(BUILD_FIGURES_FILE, 'utf8')) as BuildFigures
  } catch {
    return null
  }
}

export interface RunningSite {
  url: string
  process: Started
  stop(): Promise<void>
}

async function startServer(name: string, command: string, args: string[], env: Record<string, string>, port: number): Promise<RunningSite> {
  const process = startProcess(name, command, args, {...env, PORT: String(port), NODE_ENV: 'production'})
  const url = `http://127.0.0.1:${port}`
  try {
    await waitForUrl(`${url}/api/health`, 90_000, process)
  } catch (error) {
    await process.stop()
    throw error
  }
  return {url, process, stop: () => process.stop()}
}

/** scripts/serve-site.ts: Next behind the in-memory response cache (what `npm start` runs). */
export function startProductionServer(env: Record<string, string>): Promise<RunningSite> {
  return startServer('serve-site', tsxBin, [path.join(REPO_ROOT, 'scripts', 'serve-site.ts')], env, PORTS.site)
}

/** Plain `next start` on the same build: Next's own caching only. */
export function startNextStart(env: Record<string, string>): Promise<RunningSite> {
  return startServer('next-start', nextBin, ['start', '-p', String(PORTS.nextStart)], env, PORTS.nextStart)
}
