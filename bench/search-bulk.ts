/**
 * `match` filters and score() over thousands of candidates (field-index.ts bulk mode) on an existing
 * store, in a fresh process: time and RSS after each query. Bulk mode reads the word lists persisted
 * in SQLite (title, excerpt, pt::text(body)) or each document's words, never building in-memory lists
 * on a large view; `--in-memory` restores the former behaviour (in-memory lists for every text,
 * persisted lists off) for comparison.
 *
 *   npx tsx bench/lake-scale.ts import 100000 <file> && npx tsx bench/lake-scale.ts catchup <file>
 *   npx tsx bench/search-bulk.ts <file> [--in-memory]
 */
import {openEngine, type QueryOptions} from '@/lib/lake/engine'
import {planner} from '@/lib/lake/engine/executor'
import {fieldIndexLimits, fieldIndexStats} from '@/lib/lake/engine/field-index'

const [file, flag] = process.argv.slice(2)
if (!file) throw new Error('usage: search-bulk.ts <lake.sqlite> [--in-memory]')
if (flag === '--in-memory') {
  planner.persistedLists = false
  fieldIndexLimits.memoryListsMax = Infinity
}
const STUDIO: QueryOptions = {perspective: 'raw', access: 'all'}
const QUERIES: [string, string][] = [
  ['count, body match (persisted)', 'count(*[_type == "post" && pt::text(body) match $t])'],
  ['score(), ordered by date (persisted)', '*[_type == "post" && [title, excerpt, pt::text(body)] match $t] | score(title match $t, excerpt match $t, pt::text(body) match $t) | order(publishedAt desc)[0...10]._id'],
  ['count, coverImage.alt match (not persisted)', 'count(*[_type == "post" && coverImage.alt match $t])'],
]
const mib = (bytes: number) => Math.round(bytes / 2 ** 20)
const engine = openEngine({file})
await engine.catchUpTextIndex()
console.log(`${flag ?? 'bounded'}: open, RSS ${mib(process.memoryUsage().rss)} MiB`)
for (const [name, query] of QUERIES) {
  const samples: number[] = []
  for (let i = 0; i < 6; i++) {
    const started = performance.now()
    await engine.query('production', query, {t: 'government*'}, STUDIO)
    samples.push(performance.now() - started)
  }
  const first = samples[0]
  samples.sort((a, b) => a - b)
  const {rss, heapUsed} = process.memoryUsage()
  console.log(`${name}: first ${first.toFixed(0)} ms, p50 ${samples[3].toFixed(1)} ms; RSS ${mib(rss)} MiB, heap ${mib(heapUsed)} MiB; ${JSON.stringify(fieldIndexStats)}`)
}
engine.close()
