/**
 * The lake at scale, each figure in a fresh process so RSS is the lake's own (the main bench's RSS
 * is its whole process: groq-js baselines, HTTP clients and the dataset generator included):
 *
 *   npx tsx bench/lake-scale.ts import <posts> <file> [--ndjson]
 *                                                      generate, then time the import alone (+ final WAL checkpoint): docs/s, MB/s, CPU µs/doc;
 *                                                      --ndjson: from an export file (NDJSON) read line by line, as `npm run lake -- import` does
 *   npx tsx bench/lake-scale.ts cold <file> <posts> [--no-warm-up | --after-warm-up]
 *                                                      open → first home answer, then first/p50/p99 of the site's and the
 *                                                      Studio's queries right after, RSS; the index warm-up (warm-up.ts) runs
 *                                                      as it would in the lake (rebuilding what the last run built), unless
 *                                                      off; --after-warm-up: the queries start once it has finished (a lake
 *                                                      up for a few seconds), instead of back to back with the home answer
 *   npx tsx bench/lake-scale.ts catchup <file>          open, then time the full-text indexing an import deferred
 *   npx tsx bench/lake-scale.ts search <file>           open, catch up, then the site's search (common and rare words), RSS
 *   npx tsx bench/lake-scale.ts commits <file>          durable commits in process (1,000 posts, live event log attached):
 *                                                       tx/s and CPU per commit, 1 and 16 in flight, and WAL pages each commit writes
 *
 * Documents come from bench/dataset.ts (deterministic); `<file>` is a throwaway SQLite file.
 */
import fs from 'node:fs'
import {monitorEventLoopDelay} from 'node:perf_hooks'
import {IMPORT_READ_CHUNK, lineBuffers} from '@/lib/lake/archive/ndjson-lines'
import {openEngine, type Engine, type QueryOptions} from '@/lib/lake/engine'
import {warmUpSettings} from '@/lib/lake/engine/warm-up'
import {LiveEventLog} from '@/lib/lake/live'
import {searchTerms, SEARCH_RESULT_LIMIT} from '@/lib/site/search'
import {categoryPageQuery, feedPostsQuery, postListQuery, postQuery, searchQuery} from '@/sanity/lib/queries'
import {COMMON_SEARCH_WORD, generateDataset, postSlug} from './dataset'
import {newPost, writeExport} from './lake'

const DATASET = 'production'
const READER: QueryOptions = {perspective: 'published', access: 'public'}
const STUDIO: QueryOptions = {perspective: 'raw', access: 'all'}
const mib = (bytes: number) => Math.round(bytes / 2 ** 20)

/** CPU µs of this process's main thread alone (Linux: /proc/self/task/<pid>/stat; workers apart), or null. */
function mainThreadCpuMicros(): number | null {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime (fields 14 and 15 of stat; 12 and 13 after the command name), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10_000
  } catch {
    return null
  }
}

async function importRun(posts: number, file: string, fromExport: boolean): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, {force: true})
  const generated = performance.now()
  let documents = [...generateDataset({posts, settings: true})]
  const generateMs = performance.now() - generated
  // The documents' own JSON (as the file would hold them), for a bytes/s figure.
  let bytes = 0
  for (const document of documents) bytes += Buffer.byteLength(JSON.stringify(document))
  // --ndjson: what an import usually is, an export file read line by line (the documents as texts: each line's bytes, as the CLI hands them to a private lake).
  const exportFile = `${file}.ndjson`
  if (fromExport) {
    writeExport(exportFile, posts)
    // Not held during the import (a real one has only the file): a big heap makes every GC slower.
    documents = []
  }
  const engine = openEngine({file})
  const cpu = process.cpuUsage()
  const mainCpu = mainThreadCpuMicros()
  const started = performance.now()
  const {count} = await engine.importDocuments(DATASET, fromExport ? lineBuffers(fs.createReadStream(exportFile, {highWaterMark: IMPORT_READ_CHUNK})) : documents, {mode: 'create', author: 'bench'})
  if (fromExport) fs.rmSync(exportFile)
  engine.close()
  const ms = performance.now() - started
  const {user, system} = process.cpuUsage(cpu)
  const mainCpuAfter = mainThreadCpuMicros()
  const mainPerDocument = mainCpu === null || mainCpuAfter === null ? '' : `, ${((mainCpuAfter - mainCpu) / count).toFixed(0)} on the main thread`
  console.log(
    `import: ${count} documents (${(bytes / 1e6).toFixed(1)} MB of JSON, ${Math.round(bytes / count)} B each) in ${Math.round(ms)} ms = ` +
      `${Math.round(count / (ms / 1000))} documents/s, ${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s; ` +
      `${((user + system) / count).toFixed(0)} µs CPU per document${mainPerDocument} (generation apart: ${Math.round(generateMs)} ms)`,
  )
}

async function coldRun(file: string, posts: number, warm: boolean): Promise<void> {
  warmUpSettings.enabled = warm
  const started = performance.now()
  const engine = openEngine({file}) as ReturnType<typeof openEngine> & {warmedUp: Promise<void>}
  const opened = performance.now() - started
  let warmedAt: number | null = null
  void engine.warmedUp.then(() => (warmedAt = performance.now() - started))
  // The full-text index's own integrity check runs after the store serves (integrity.ts, part 2).
  const textChecked = (engine as unknown as {store: {textIndexChecked: Promise<{outcome: string}>}}).store.textIndexChecked.then(({outcome}) => ({
    outcome,
    ms: performance.now() - started,
  }))
  await engine.query(DATASET, postListQuery, {start: 0, end: 10}, READER)
  console.log(`cold start (open + first home answer): ${Math.round(performance.now() - started)} ms (open ${Math.round(opened)} ms)`)
  if (warm && process.argv.includes('--after-warm-up')) {
    await engine.warmedUp
    console.log(`index warm-up: finished ${Math.round(warmedAt!)} ms after open; the queries start now`)
  }
  const queries: [string, string, Record<string, unknown>, QueryOptions][] = [
    ['home', postListQuery, {start: 0, end: 10}, READER],
    ['post by slug', postQuery, {slug: postSlug(Math.floor(posts / 2))}, READER],
    ['category page', categoryPageQuery, {slug: 'politics', start: 0, end: 10}, READER],
    ['feed', feedPostsQuery, {topicId: '', limit: 20}, READER],
    ['Studio document list', '*[_type == "post" && !(_id in path("versions.**"))] | order(_updatedAt desc)[0...50]{_id, _type, _updatedAt, title}', {}, STUDIO],
  ]
  for (const [name, query, params, options] of queries) {
    let t = performance.now()
    await engine.query(DATASET, query, params, options)
    const first = performance.now() - t
    const samples: number[] = []
    for (let i = 0; i < 50; i++) {
      t = performance.now()
      await engine.query(DATASET, query, params, options)
      samples.push(performance.now() - t)
    }
    samples.sort((a, b) => a - b)
    console.log(`${name}: first ${first.toFixed(1)} ms, p50 ${samples[25].toFixed(2)} ms, p99 ${samples[49].toFixed(2)} ms`)
  }
  const memory = process.memoryUsage()
  console.log(`after the queries: RSS ${mib(memory.rss)} MiB, heap ${mib(memory.heapUsed)} MiB`)
  if (warm) {
    await engine.warmedUp
    console.log(`index warm-up: finished ${Math.round(warmedAt!)} ms after open`)
  }
  const keepAlive = setInterval(() => {}, 1000) // the check's worker does not hold a process open
  const text = await textChecked
  clearInterval(keepAlive)
  const after = process.memoryUsage()
  console.log(`full-text index check (background): ${text.outcome} ${Math.round(text.ms)} ms after open; then RSS ${mib(after.rss)} MiB`)
  engine.close()
}

/** The deferred full-text indexing an import leaves (fts.ts), timed alone: open, then file every pending document. */
async function catchUpRun(file: string): Promise<void> {
  const started = performance.now()
  const cpuStart = process.cpuUsage()
  const engine = openEngine({file})
  // FTS words and persisted lists have their own notes (a store from before the lists: lists only).
  const words = engine.textIndexBehind
  const lists = (engine as unknown as {store: {fullText: {listsBehind: number}}}).store.fullText.listsBehind
  const behind = Math.max(words, lists)
  // The lake's thread meanwhile: the longest it was blocked, and how long a commit took to be acknowledged (one every 100 ms).
  const delay = monitorEventLoopDelay({resolution: 5})
  delay.enable()
  const commits: number[] = []
  let probing = true
  const probe = (async () => {
    for (let i = 0; probing; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      const at = performance.now()
      await engine.mutate(DATASET, [{createOrReplace: {_id: 'catch-up-probe', _type: 'post', title: `Probe ${i}`}}], {author: 'bench'})
      commits.push(performance.now() - at)
    }
  })()
  await engine.catchUpTextIndex()
  const ms = performance.now() - started
  delay.disable()
  probing = false
  await probe
  const cpu = process.cpuUsage(cpuStart)
  commits.sort((x, y) => x - y)
  console.log(
    `full-text catch-up (FTS words of ${words}, lists of ${lists} documents; compaction included): ${behind} documents in ${Math.round(ms)} ms = ${Math.round(behind / (ms / 1000))} documents/s; ` +
      `CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (all threads); event loop delay max ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms; ` +
      `${commits.length} commits meanwhile, acknowledged in p50 ${commits[Math.floor(commits.length / 2)]?.toFixed(1)} ms, max ${commits[commits.length - 1]?.toFixed(1)} ms`,
  )
  engine.close()
}

/** The site's search at scale in a fresh process: open, let the full-text catch-up finish, then first/p50/p99 and RSS. */
async function searchRun(file: string): Promise<void> {
  let started = performance.now()
  const engine = openEngine({file})
  const behind = engine.textIndexBehind
  await engine.catchUpTextIndex()
  console.log(`open + full-text catch-up of ${behind} documents: ${Math.round(performance.now() - started)} ms`)
  for (const words of [`${COMMON_SEARCH_WORD} government`, '33333']) {
    const params = {terms: searchTerms(words), limit: SEARCH_RESULT_LIMIT}
    started = performance.now()
    const {result} = await engine.query(DATASET, searchQuery, params, READER)
    const first = performance.now() - started
    const samples: number[] = []
    for (let i = 0; i < 50; i++) {
      started = performance.now()
      await engine.query(DATASET, searchQuery, params, READER)
      samples.push(performance.now() - started)
    }
    samples.sort((x, y) => x - y)
    console.log(`site search "${words}": ${(result as unknown[]).length} hits, first ${first.toFixed(1)} ms, p50 ${samples[25].toFixed(2)} ms, p99 ${samples[49].toFixed(2)} ms`)
  }
  const memory = process.memoryUsage()
  console.log(`after the searches: RSS ${mib(memory.rss)} MiB, heap ${mib(memory.heapUsed)} MiB`)
  engine.close()
}

/**
 * The engine's durable commit path alone (no HTTP): bench/lake.ts's create/patch loop on a 1,000-post
 * store with the live event log attached, as the lake server runs it. Pages per commit are counted
 * from the WAL (frames appended; automatic checkpoints off while counting).
 */
async function commitsRun(file: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, {force: true})
  const engine = openEngine({file})
  const live = new LiveEventLog(engine)
  await engine.importDocuments(DATASET, generateDataset({posts: 1000, settings: true}), {mode: 'create', author: 'bench'})
  await engine.catchUpTextIndex()
  let n = 0
  const commitOne = (target: Engine) => {
    const i = n++
    const id = `post-mutation-bench-${Math.floor(i / 2)}`
    return i % 2 === 0
      ? target.mutate(DATASET, [{create: newPost(id, i)}], {author: 'bench'})
      : target.mutate(DATASET, [{patch: {id, set: {title: `Mutation benchmark ${i} (edited)`}}}], {author: 'bench'})
  }
  for (const [total, inFlight] of [
    [300, 1],
    [600, 16],
  ]) {
    let remaining = total
    const cpu = process.cpuUsage()
    const started = performance.now()
    await Promise.all(
      Array.from({length: inFlight}, async () => {
        while (remaining-- > 0) await commitOne(engine)
      }),
    )
    const ms = performance.now() - started
    const {user, system} = process.cpuUsage(cpu)
    console.log(`${inFlight} in flight: ${Math.round(total / (ms / 1000))} tx/s, ${((user + system) / 1000 / total).toFixed(2)} ms CPU per commit`)
  }
  engine.close()
  live.close()
  // Pages per commit: the WAL's frame count (mxFrame in the wal-index header, -shm offset 16) before
  // and after each commit; a commit that checkpointed and restarted the WAL is not counted.
  const probe = openEngine({file})
  const probeLive = new LiveEventLog(probe)
  const frames = () => fs.readFileSync(file + '-shm').readUInt32LE(16)
  let pages = 0
  let commits = 0
  for (let i = 0; i < 100; i++) {
    const before = frames()
    await commitOne(probe)
    const after = frames()
    if (after > before) {
      pages += after - before
      commits++
    }
  }
  console.log(`WAL pages per commit: ${(pages / Math.max(1, commits)).toFixed(1)} (${commits} of 100 commits counted)`)
  probeLive.close()
  probe.close()
}

const [command, a, b] = process.argv.slice(2)
if (command === 'import') await importRun(Number(a), b, process.argv.includes('--ndjson'))
else if (command === 'cold') await coldRun(a, Number(b), !process.argv.includes('--no-warm-up'))
else if (command === 'catchup') await catchUpRun(a)
else if (command === 'search') await searchRun(a)
else if (command === 'commits') await commitsRun(a)
else throw new Error('usage: lake-scale.ts import <posts> <file> | cold <file> <posts> [--no-warm-up | --after-warm-up] | catchup <file> | search <file> | commits <file>')
