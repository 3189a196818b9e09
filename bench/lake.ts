/**
 * Lake benchmarks: the site's own GROQ queries on synthetic blogs of growing size (engine
 * directly, and over HTTP through @sanity/client), durable mutation throughput, and listener
 * fan-out latency. The lake runs in this process on the bench ports, like `npm run dev` runs it.
 */
import fs from 'node:fs'
import path from 'node:path'
import {createClient, type SanityClient} from '@sanity/client'
import {evaluate, parse} from 'groq-js'
import {IMPORT_READ_CHUNK, lineBuffers} from '@/lib/lake/archive/ndjson-lines'
import {ensureToken, startLake, type RunningLake} from '@/lib/lake/server'
import {spawnSync} from 'node:child_process'
import {type QueryOptions, type SanityDocument} from '@/lib/lake/engine'
import {applyPerspective, resolvePerspective} from '@/lib/lake/engine/perspective'
import {generateDataset} from './dataset'
import type {LakeProcessFigures} from './lake-process'
import {QUERIES, READER, STUDIO} from './lake-queries'
import {API_VERSION, DATA_DIR, DATASET, PORTS} from './paths'
import type {ReportSection} from './report'
import {formatMs, formatRate, summarize, type Summary} from './stats'

export interface LakeBenchOptions {
  sizes: number[]
  /** Per query and path: stop after this many timed runs… */
  maxIterations: number
  /** …or once this much time was spent (at least `minIterations` runs either way). */
  budgetMs: number
  minIterations: number
  mutations: {sequential: number; concurrent: number; concurrency: number}
  listen: {listeners: number; commits: number}
  log: (line: string) => void
}

/**
 * The baseline: plain groq-js evaluating the query over the same view (every document the
 * perspective sees, in `_id` order), with an id map for `->` as the engine had before it
 * planned queries.
 */
function groqJsBaseline(documents: SanityDocument[], options: QueryOptions) {
  const view = applyPerspective(documents, resolvePerspective(options.perspective), {access: options.access ?? 'all', includeVersions: options.includeVersions !== false})
  const byId = new Map(view.map((doc) => [doc._id, doc]))
  return async (query: string, params: Record<string, unknown>) => {
    const value = await evaluate(parse(query, {params}), {dataset: view, params, dereference: ({_ref}) => byId.get(_ref) ?? null})
    return value.get()
  }
}

export function lakeClient(lake: RunningLake, options: {token?: string; perspective?: 'published' | 'raw'} = {}): SanityClient {
  return createClient({
    projectId: 'dispatch',
    dataset: DATASET,
    apiVersion: API_VERSION,
    apiHost: lake.httpUrl,
    useProjectHostname: false,
    useCdn: false,
    token: options.token,
    perspective: options.perspective ?? 'published',
  })
}

async function timeRuns(options: LakeBenchOptions, run: () => Promise<unknown>): Promise<{first: number; warm: Summary}> {
  let started = performance.now()
  await run()
  const first = performance.now() - started
  const samples: number[] = []
  const begun = performance.now()
  const deadline = begun + options.budgetMs
  // Slow queries (search on 100k posts takes seconds) get fewer runs: the whole bench must fit in 15 min.
  const hardStop = begun + options.budgetMs * 5
  const more = () =>
    samples.length === 0 ||
    (samples.length < options.minIterations && performance.now() < hardStop) ||
    (samples.length < options.maxIterations && performance.now() < deadline)
  while (more()) {
    started = performance.now()
    await run()
    samples.push(performance.now() - started)
  }
  return {first, warm: summarize(samples)}
}

export async function startBenchLake(name: string, log: (line: string) => void): Promise<{lake: RunningLake; dataDir: string; close(): Promise<void>}> {
  const dataDir = path.join(DATA_DIR, name)
  fs.rmSync(dataDir, {recursive: true, force: true})
  const lake = await startLake({dataDir, port: PORTS.lakeHttps, httpPort: PORTS.lakeHttp, logger: () => {}})
  log(`  lake ${name} on ${lake.httpUrl}`)
  return {
    lake,
    dataDir,
    async close() {
      await lake.close()
      fs.rmSync(dataDir, {recursive: true, force: true})
    },
  }
}

interface QueryFigure {
  posts: number
  documents: number
  importMs: number
  query: string
  path: 'engine' | 'http' | 'groq-js'
  firstMs: number
  warm: Summary
}

interface LoadFigure {
  posts: number
  documents: number
  ms: number
  heapMiB: number
  rssMiB: number
  /** The export file imported. */
  exportBytes: number
  /** The SQLite file and its WAL after the queries. */
  storeBytes: number
  /** The lake alone in a fresh process on the imported file (lake-process.ts). */
  alone: LakeProcessFigures
}

/** GROQ query latency per dataset size, engine and HTTP. Also runs mutations and listen on the first size. */
export async function benchLake(options: LakeBenchOptions): Promise<ReportSection[]> {
  const figures: QueryFigure[] = []
  const imports: LoadFigure[] = []
  let mutationSection: ReportSection | null = null
  let listenSection: ReportSection | null = null

  for (const [index, posts] of options.sizes.entries()) {
    options.log(`Lake: ${posts.toLocaleString('en-US')} posts`)
    const bench = await startBenchLake(`lake-${posts}`, options.log)
    try {
      // An import is an export file (NDJSON) read line by line, as `npm run lake -- import` gives a
      // private lake's engine: written first, outside the timing.
      const exportFile = path.join(bench.dataDir, 'export.ndjson')
      const exportBytes = writeExport(exportFile, posts)
      const started = performance.now()
      const {count} = await bench.lake.engine.importDocuments(DATASET, lineBuffers(fs.createReadStream(exportFile, {highWaterMark: IMPORT_READ_CHUNK})), {
        mode: 'create',
        author: 'bench',
      })
      const importMs = performance.now() - started
      fs.rmSync(exportFile)
      options.log(`  imported ${count} documents in ${formatMs(importMs)}`)
      // Imports defer the full-text index (fts.ts): caught up before the searches are timed.
      const caughtUp = performance.now()
      await bench.lake.engine.catchUpTextIndex()
      options.log(`  full-text index caught up in ${formatMs(performance.now() - caughtUp)}`)
      const anonymous = lakeClient(bench.lake)
      const token = ensureToken(bench.dataDir, 'bench', 'editor')
      const studio = lakeClient(bench.lake, {token, perspective: 'raw'})
      const stored = [...bench.lake.engine.exportDocuments(DATASET)]
      const baselines = {reader: groqJsBaseline(stored, READER), studio: groqJsBaseline(stored, STUDIO)}
      stored.length = 0

      for (const q of QUERIES) {
        const params = q.params(posts)
        const who = q.as ?? 'reader'
        const checked = (result: unknown, path: string) => {
          if (!q.check(result)) throw new Error(`Query "${q.name}" [${path}] returned an unexpected result on ${posts} posts`)
        }
        const engineRun = async () => checked((await bench.lake.engine.query(DATASET, q.query, params, who === 'reader' ? READER : STUDIO)).result, 'engine')
        const httpRun = async () => checked(await (who === 'reader' ? anonymous : studio).fetch(q.query, params), 'http')
        const baselineRun = async () => checked(await baselines[who](q.query, params), 'groq-js')
        for (const [pathName, run] of [['engine', engineRun], ['http', httpRun], ['groq-js', baselineRun]] as const) {
          // The plain scan takes seconds per run at 100,000 posts: a few runs show its p50.
          const budget = pathName === 'groq-js' ? {...options, maxIterations: Math.min(options.maxIterations, posts >= 100_000 ? 3 : 10)} : options
          const {first, warm} = await timeRuns(budget, run)
          figures.push({posts, documents: count, importMs, query: q.name, path: pathName, firstMs: first, warm})
          options.log(`  ${q.name} [${pathName}]: first ${formatMs(first)}, p50 ${formatMs(warm.p50)}, p99 ${formatMs(warm.p99)} (${warm.count} runs)`)
        }
      }
      const memory = process.memoryUsage()
      const file = path.join(bench.dataDir, 'lake.sqlite')
      const storeBytes = ['', '-wal'].reduce((sum, suffix) => sum + (fs.statSync(file + suffix, {throwIfNoEntry: false})?.size ?? 0), 0)
      const alone = lakeAlone(file, posts)
      imports.push({
        exportBytes,
        storeBytes,
        posts,
        documents: count,
        ms: importMs,
        heapMiB: Math.round(memory.heapUsed / 2 ** 20),
        rssMiB: Math.round(memory.rss / 2 ** 20),
        alone,
      })
      options.log(`  bench process: heap ${imports.at(-1)!.heapMiB} MiB, RSS ${imports.at(-1)!.rssMiB} MiB`)
      options.log(`  lake alone (fresh process): cold start ${formatMs(alone.coldStartMs)}, RSS ${alone.rssMiB} MiB, heap ${alone.heapMiB} MiB after every query`)

      if (index === 0) {
        mutationSection = await benchMutations(bench.lake, token, posts, options)
        listenSection = await benchListen(bench.lake, token, options)
      }
    } finally {
      await bench.close()
    }
  }

  const speedups = figures
    .filter((f) => f.path === 'engine')
    .map((f) => {
      const baseline = figures.find((b) => b.path === 'groq-js' && b.posts === f.posts && b.query === f.query)
      return {...f, ratio: baseline ? baseline.warm.p50 / f.warm.p50 : NaN}
    })
  const querySection: ReportSection = {
    title: 'Lake: GROQ query latency (the site’s queries)',
    method:
      'The site’s own queries imported from `sanity/lib/queries.ts`, as readers run them (anonymous, `published` perspective), ' +
      'on synthetic blogs from `bench/dataset.ts` (Portable Text bodies, authors, 12 categories, tags, ~2% drafts, ~0.5% scheduled posts). ' +
      '“engine” calls `engine.query()` in process; “HTTP” goes through `@sanity/client` to the lake’s HTTP port (client and lake in one process). ' +
      'The Studio’s two queries run with a token in the `raw` perspective. “groq-js” is the baseline: plain groq-js over the same documents (an id map for `->`), in the same run; ' +
      '“speed-up” = groq-js p50 ÷ engine p50. The first run is shown apart (it builds the perspective view and the indexes the query needs); the rest are sequential warm runs.',
    columns: ['posts (documents)', 'query', 'path', 'first', 'p50', 'p90', 'p99', 'runs', 'speed-up'],
    rows: figures.map((f) => [
      `${f.posts.toLocaleString('en-US')} (${f.documents.toLocaleString('en-US')})`,
      f.query,
      f.path === 'engine' ? 'engine' : f.path === 'http' ? 'HTTP' : 'groq-js',
      formatMs(f.firstMs),
      formatMs(f.warm.p50),
      formatMs(f.warm.p90),
      formatMs(f.warm.p99),
      String(f.warm.count),
      f.path === 'engine' ? `${(speedups.find((s) => s.posts === f.posts && s.query === f.query)?.ratio ?? NaN).toFixed(0)}×` : '',
    ]),
    data: {figures, imports},
    notes: imports.map(
      (i) =>
        `${i.posts.toLocaleString('en-US')} posts: import of ${i.documents.toLocaleString('en-US')} documents (${(i.exportBytes / 1e6).toFixed(0)} MB of NDJSON) in ${formatMs(i.ms)} ` +
        `(${formatRate(i.documents / (i.ms / 1000))} documents/s, ${(i.exportBytes / 1e6 / (i.ms / 1000)).toFixed(0)} MB/s); after the queries heap ${i.heapMiB} MiB, RSS ${i.rssMiB} MiB (whole bench process: ` +
        'it also holds the groq-js baseline’s parsed documents; the lake’s own memory is in the next table).',
    ),
  }
  const aloneSection: ReportSection = {
    title: 'Lake alone: cold start, first answers and memory',
    method:
      'After each size’s import, `bench/lake-process.ts` opens the same SQLite file in a fresh process (nothing cached, the integrity check included) and times ' +
      'open → first home answer (“cold start”), then each query above once (“first”, in the order of the table: what the first reader or editor after a restart waits) ' +
      'and warm. RSS and JS heap are that process’s after every query, the Studio’s search included: what a lake serving this archive needs. ' +
      'Import = `engine.importDocuments` of the generated dataset’s export file (NDJSON, written beforehand), read in 1 MiB chunks and split into lines as bytes (no string made of a line), ' +
      'as `npm run lake -- import` gives them to a private lake: lines are checked (partly on a worker thread) and stored as they came (engine/document-text.ts); ' +
      'the full-text index is filed after it, in the background.',
    columns: ['posts (documents)', 'import', 'store', 'cold start', ...QUERIES.map((q) => `first: ${q.name.replace(/ \(.*$/, '')}`), 'RSS', 'heap'],
    rows: imports.map((i) => [
      `${i.posts.toLocaleString('en-US')} (${i.documents.toLocaleString('en-US')})`,
      `${formatRate(i.documents / (i.ms / 1000))} docs/s`,
      `${(i.storeBytes / 1e9).toFixed(2)} GB`,
      formatMs(i.alone.coldStartMs),
      ...QUERIES.map((q) => formatMs(i.alone.queries.find((f) => f.name === q.name)?.firstMs ?? Number.NaN)),
      `${i.alone.rssMiB} MiB`,
      `${i.alone.heapMiB} MiB`,
    ]),
    data: {imports},
  }
  return [querySection, aloneSection, ...(mutationSection ? [mutationSection] : []), ...(listenSection ? [listenSection] : [])]
}

/**
 * The lake alone in a fresh process on the imported file (lake-process.ts): cold start, each
 * query's first and warm runs, and the RSS a lake serving this dataset actually needs.
 */
function lakeAlone(file: string, posts: number): LakeProcessFigures {
  const script = path.join(path.dirname(new URL(import.meta.url).pathname), 'lake-process.ts')
  const child = spawnSync(process.execPath, [...process.execArgv, script, file, String(posts)], {encoding: 'utf8', maxBuffer: 16 * 2 ** 20})
  if (child.status !== 0) throw new Error(`lake-process.ts failed (${child.status ?? child.signal}): ${child.stderr.slice(-2000)}`)
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as LakeProcessFigures
}

/** The generated dataset as `sanity dataset export` would write it (one document per line); its size in bytes. */
export function writeExport(file: string, posts: number): number {
  const fd = fs.openSync(file, 'w')
  let bytes = 0
  try {
    let chunk: string[] = []
    const flush = () => {
      const text = chunk.join('')
      bytes += fs.writeSync(fd, text)
      chunk = []
    }
    for (const document of generateDataset({posts, settings: true})) {
      chunk.push(`${JSON.stringify(document)}\n`)
      if (chunk.length >= 1000) flush()
    }
    flush()
  } finally {
    fs.closeSync(fd)
  }
  return bytes
}

/** A new post as an editor would publish it: small body, references to existing documents. */
export function newPost(id: string, n: number) {
  return {
    _id: id,
    _type: 'post',
    title: `Mutation benchmark ${n}`,
    slug: {_type: 'slug', current: `mutation-bench-${n}`},
    excerpt: 'A post written by the mutation benchmark.',
    publishedAt: new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString(),
    author: {_type: 'reference', _ref: 'author-bench-0'},
    categories: [{_type: 'reference', _ref: 'category-politics', _key: 'c0'}],
    body: [
      {_type: 'block', _key: 'b0', style: 'normal', markDefs: [], children: [{_type: 'span', _key: 's0', text: 'Body text. '.repeat(40), marks: []}]},
    ],
    pingsOpen: true,
  }
}

async function benchMutations(lake: RunningLake, token: string, posts: number, options: LakeBenchOptions): Promise<ReportSection> {
  const editor = lakeClient(lake, {token, perspective: 'raw'})
  let n = 0
  const commitOne = async () => {
    const i = n++
    // Alternate a create and a patch of the post just created: what an editor's session does.
    const id = `post-mutation-bench-${Math.floor(i / 2)}`
    if (i % 2 === 0) await editor.create(newPost(id, i), {visibility: 'sync'})
    else await editor.patch(id).set({title: `Mutation benchmark ${i} (edited)`}).commit({visibility: 'sync'})
  }
  const rows: string[][] = []
  const data: Record<string, unknown>[] = []
  for (const [label, total, concurrency] of [
    ['sequential (1 in flight)', options.mutations.sequential, 1],
    [`concurrent (${options.mutations.concurrency} in flight)`, options.mutations.concurrent, options.mutations.concurrency],
  ] as const) {
    const latencies: number[] = []
    let remaining = total
    const started = performance.now()
    await Promise.all(
      Array.from({length: concurrency}, async () => {
        while (remaining > 0) {
          remaining--
          const t0 = performance.now()
          await commitOne()
          latencies.push(performance.now() - t0)
        }
      }),
    )
    const elapsed = performance.now() - started
    const summary = summarize(latencies)
    const perSecond = total / (elapsed / 1000)
    rows.push([label, String(total), formatRate(perSecond), formatMs(summary.p50), formatMs(summary.p99)])
    data.push({label, transactions: total, concurrency, elapsedMs: elapsed, perSecond, latency: summary})
    options.log(`  mutations ${label}: ${formatRate(perSecond)} tx/s`)
  }
  return {
    title: 'Lake: durable mutation throughput',
    method:
      `Transactions through \`@sanity/client\` (editor token, HTTP, \`visibility: sync\`) on the ${posts.toLocaleString('en-US')}-post lake: ` +
      'alternately creating a post and patching its title. Each transaction is acknowledged only after its SQLite commit.',
    columns: ['mode', 'transactions', 'transactions/s', 'latency p50', 'latency p99'],
    rows,
    data,
  }
}

async function benchListen(lake: RunningLake, token: string, options: LakeBenchOptions): Promise<ReportSection> {
  const {listeners: listenerCount, commits} = options.listen
  const committedAt = new Map<string, number>()
  // The engine calls subscribers right after the durable commit: that is "commit time".
  const unsubscribe = lake.engine.subscribe((tx) => committedAt.set(tx.id, performance.now()))
  const received: {tx: string; at: number}[] = []
  const subscriptions: {unsubscribe(): void}[] = []
  try {
    await Promise.all(
      Array.from({length: listenerCount}, (_, i) => {
        const client = lakeClient(lake, {token, perspective: 'raw'})
        return new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`listener ${i} got no welcome event`)), 15_000)
          subscriptions.push(
            client.listen('*[_type == "post"]', {}, {events: ['welcome', 'mutation'], includeResult: true} as never).subscribe({
              next: (event: {type: string; transactionId?: string}) => {
                if (event.type === 'welcome') {
                  clearTimeout(timer)
                  resolve()
                } else if (event.type === 'mutation' && event.transactionId) received.push({tx: event.transactionId, at: performance.now()})
              },
              error: reject,
            }),
          )
        })
      }),
    )
    const editor = lakeClient(lake, {token, perspective: 'raw'})
    for (let i = 0; i < commits; i++) {
      const expected = received.length + listenerCount
      await editor.createOrReplace(newPost(`post-listen-bench-${i}`, i))
      const deadline = Date.now() + 10_000
      while (received.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
      await new Promise((r) => setTimeout(r, 20))
    }
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe()
    unsubscribe()
  }
  const latencies = received.flatMap((event) => {
    const at = committedAt.get(event.tx)
    return at === undefined ? [] : [event.at - at]
  })
  const expectedEvents = listenerCount * commits
  const summary = summarize(latencies)
  options.log(`  listen: ${latencies.length}/${expectedEvents} events, p50 ${formatMs(summary.p50)}, p99 ${formatMs(summary.p99)}`)
  return {
    title: `Lake: listener fan-out (${listenerCount} listeners)`,
    method:
      `${listenerCount} \`@sanity/client\` listeners (\`client.listen('*[_type == "post"]')\`, SSE over HTTP, with results) on one lake; ` +
      `${commits} commits one after another. Latency = time from the engine’s durable commit to each listener receiving the mutation event (same process, same clock).`,
    columns: ['listeners', 'commits', 'events received', 'p50', 'p90', 'p99', 'max'],
    rows: [[String(listenerCount), String(commits), `${latencies.length} / ${expectedEvents}`, formatMs(summary.p50), formatMs(summary.p90), formatMs(summary.p99), formatMs(summary.max)]],
    data: {listeners: listenerCount, commits, expectedEvents, latency: summary},
  }
}
