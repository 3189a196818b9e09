/**
 * Two figures of issue #12 about what one request or one edit costs everyone else, on a store
 * made by `npx tsx bench/lake-scale.ts import <posts> <file>`:
 *
 *   npx tsx bench/lake-warm.ts first-path <file>   the first category page on a store without the
 *                                                  `categories` path index: its answer time and the
 *                                                  longest event-loop block until that index exists
 *                                                  (the index is dropped again at the end)
 *   npx tsx bench/lake-warm.ts after-edit <file>   home and category page warm, then one post's title
 *                                                  patched: the first answer of each after the edit
 *                                                  (5 rounds, each a different post)
 *
 * The store keeps its documents (the edit round patches titles only, which these queries do not filter on).
 */
import {monitorEventLoopDelay} from 'node:perf_hooks'
import Database from 'better-sqlite3'
import {openEngine, type QueryOptions} from '@/lib/lake/engine'
import {warmUpSettings} from '@/lib/lake/engine/warm-up'
import {categoryPageQuery, postListQuery} from '@/sanity/lib/queries'

const DATASET = 'production'
const READER: QueryOptions = {perspective: 'published', access: 'public'}
const CATEGORIES_INDEX = `documents_path_%`

function pathIndexes(file: string): string[] {
  const db = new Database(file, {readonly: true})
  try {
    return db.prepare<[string], string>("SELECT sql FROM sqlite_master WHERE type = 'index' AND name LIKE ?").pluck().all(CATEGORIES_INDEX)
  } finally {
    db.close()
  }
}

function dropCategoriesIndex(file: string): void {
  const db = new Database(file)
  try {
    for (const name of db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '%categories%'").pluck().all()) {
      db.exec(`DROP INDEX ${name}`)
    }
  } finally {
    db.close()
  }
}

async function firstPath(file: string): Promise<void> {
  // Nothing else runs: what is measured is the first category query and what it starts.
  warmUpSettings.enabled = false
  dropCategoriesIndex(file)
  const engine = openEngine({file})
  // The home page first: what the category page shares with it (its filter's lists, the ordering) is built.
  await engine.query(DATASET, postListQuery, {start: 0, end: 10}, READER)
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const histogram = monitorEventLoopDelay({resolution: 5})
  // A ticker of our own as well: the longest gap between 5 ms timers is the longest block.
  let last = performance.now()
  let longest = 0
  const ticker = setInterval(() => {
    const now = performance.now()
    longest = Math.max(longest, now - last - 5)
    last = now
  }, 5)
  histogram.enable()
  const started = performance.now()
  await engine.query(DATASET, categoryPageQuery, {slug: 'politics', start: 0, end: 10}, READER)
  const answered = performance.now() - started
  // Until the index exists (or 60 s).
  let indexed = -1
  while (performance.now() - started < 60_000) {
    if (pathIndexes(file).some((sql) => sql.includes('categories'))) {
      indexed = performance.now() - started
      break
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await new Promise((resolve) => setTimeout(resolve, 300))
  const second = performance.now()
  await engine.query(DATASET, categoryPageQuery, {slug: 'world', start: 0, end: 10}, READER)
  const secondMs = performance.now() - second
  histogram.disable()
  clearInterval(ticker)
  console.log(
    `first category page: answered in ${answered.toFixed(0)} ms; categories index ${indexed < 0 ? 'not built within 60 s' : `built ${indexed.toFixed(0)} ms after the query started`}; ` +
      `longest event-loop block ${longest.toFixed(0)} ms (monitorEventLoopDelay max ${(histogram.max / 1e6).toFixed(0)} ms); another category afterwards ${secondMs.toFixed(1)} ms`,
  )
  engine.close()
  dropCategoriesIndex(file)
}

async function afterEdit(file: string): Promise<void> {
  warmUpSettings.enabled = false
  const engine = openEngine({file})
  const queries: [string, string, Record<string, unknown>][] = [
    ['home', postListQuery, {start: 0, end: 10}],
    ['category page', categoryPageQuery, {slug: 'politics', start: 0, end: 10}],
  ]
  for (const [, query, params] of queries) for (let i = 0; i < 3; i++) await engine.query(DATASET, query, params, READER)
  const ids = (await engine.query(DATASET, '*[_type == "post"] | order(publishedAt desc)[0...5]._id', {}, READER)).result as string[]
  const figures = new Map<string, number[]>()
  for (const [round, id] of ids.entries()) {
    await engine.mutate(DATASET, [{patch: {id, set: {title: `Edited ${round}`}}}], {author: 'bench'})
    for (const [name, query, params] of queries) {
      const started = performance.now()
      await engine.query(DATASET, query, params, READER)
      figures.set(name, [...(figures.get(name) ?? []), performance.now() - started])
    }
  }
  for (const [name, samples] of figures) {
    const sorted = samples.slice().sort((a, b) => a - b)
    console.log(`${name}, first answer after a one-post edit: median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms (${samples.map((ms) => ms.toFixed(1)).join(', ')})`)
  }
  engine.close()
}

const [mode, file] = process.argv.slice(2)
if (mode === 'first-path' && file) await firstPath(file)
else if (mode === 'after-edit' && file) await afterEdit(file)
else {
  console.error('usage: npx tsx bench/lake-warm.ts first-path|after-edit <file>')
  process.exit(1)
}
