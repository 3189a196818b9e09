/**
 * The lake alone in a fresh process, on a store the lake bench just imported: how long it takes to
 * open and answer the first home query (cold start), the first and warm runs of each benchmark
 * query, and the process's RSS and JS heap after them. Run by lake.ts for each size, so the
 * memory figures are the lake's own (the bench process also holds the groq-js baseline's parsed
 * documents, HTTP clients and the generator). Prints one JSON line.
 *
 *   npx tsx bench/lake-process.ts <lake.sqlite> <posts>
 */
import {openEngine} from '@/lib/lake/engine'
import {postListQuery} from '@/sanity/lib/queries'
import {DATASET} from './paths'
import {QUERIES, READER, STUDIO} from './lake-queries'
import {summarize, type Summary} from './stats'

export interface LakeProcessFigures {
  coldStartMs: number
  queries: {name: string; firstMs: number; warm: Summary}[]
  rssMiB: number
  heapMiB: number
}

const [file, postsArg] = process.argv.slice(2)
const posts = Number(postsArg)
if (!file || !(posts > 0)) throw new Error('usage: lake-process.ts <lake.sqlite> <posts>')

const opened = performance.now()
const engine = openEngine({file})
await engine.query(DATASET, postListQuery, {start: 0, end: 10}, READER)
const coldStartMs = performance.now() - opened

const queries: LakeProcessFigures['queries'] = []
for (const q of QUERIES) {
  const options = q.as === 'studio' ? STUDIO : READER
  const params = q.params(posts)
  let started = performance.now()
  const {result} = await engine.query(DATASET, q.query, params, options)
  const firstMs = performance.now() - started
  if (!q.check(result)) throw new Error(`Query "${q.name}" returned an unexpected result on ${posts} posts`)
  const samples: number[] = []
  const deadline = performance.now() + 3000
  while (samples.length < 5 || (samples.length < 50 && performance.now() < deadline)) {
    started = performance.now()
    await engine.query(DATASET, q.query, params, options)
    samples.push(performance.now() - started)
  }
  queries.push({name: q.name, firstMs, warm: summarize(samples)})
}
const memory = process.memoryUsage()
engine.close()
const figures: LakeProcessFigures = {coldStartMs, queries, rssMiB: Math.round(memory.rss / 2 ** 20), heapMiB: Math.round(memory.heapUsed / 2 ** 20)}
console.log(JSON.stringify(figures))
