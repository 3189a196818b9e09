/**
 * Where the lake's memory is, at the point bench/lake-process.ts measures it: the same queries on a
 * fresh process, then a breakdown — RSS split into anonymous and file-backed pages, the JS heap by
 * space, ArrayBuffers and other external memory, threads and workers alive, and (with --snapshot)
 * the heap's largest object kinds. Prints one JSON object.
 *
 *   npx tsx bench/lake-memory.ts <lake.sqlite> <posts> [--snapshot] [--wait=<ms>] [--crawl=<n>] [--working-set=<MiB>]
 *
 * --crawl: then read n post pages by slug (a crawler going through the archive), which fills the
 * working set of parsed documents up to its budget (--working-set, default the engine's).
 */
import fs from 'node:fs'
import v8 from 'node:v8'
import {openEngine} from '@/lib/lake/engine'
import {postListQuery, postQuery} from '@/sanity/lib/queries'
import {DATASET} from './paths'
import {postSlug} from './dataset'
import {QUERIES, READER, STUDIO} from './lake-queries'

const args = process.argv.slice(2)
const [file, postsArg] = args.filter((a) => !a.startsWith('--'))
const posts = Number(postsArg)
const snapshot = args.includes('--snapshot')
const wait = Number(args.find((a) => a.startsWith('--wait='))?.slice(7) ?? 0)
const crawl = Number(args.find((a) => a.startsWith('--crawl='))?.slice(8) ?? 0)
const workingSetMiB = Number(args.find((a) => a.startsWith('--working-set='))?.slice(14) ?? 0)
if (!file || !(posts > 0)) throw new Error('usage: lake-memory.ts <lake.sqlite> <posts> [--snapshot] [--wait=ms]')

const MiB = (n: number) => Math.round((n / 2 ** 20) * 10) / 10
function status(): Record<string, number> {
  const out: Record<string, number> = {}
  for (const line of fs.readFileSync('/proc/self/status', 'utf8').split('\n')) {
    const m = /^(VmRSS|RssAnon|RssFile|RssShmem|VmHWM|Threads):\s+(\d+)/.exec(line)
    if (m) out[m[1]] = m[1] === 'Threads' ? Number(m[2]) : MiB(Number(m[2]) * 1024)
  }
  return out
}
function breakdown(label: string) {
  const m = process.memoryUsage()
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, {size: MiB(s.space_size), used: MiB(s.space_used_size)}]))
  const h = v8.getHeapStatistics()
  return {
    label,
    rss: MiB(m.rss), heapTotal: MiB(m.heapTotal), heapUsed: MiB(m.heapUsed), external: MiB(m.external), arrayBuffers: MiB(m.arrayBuffers),
    mallocedMemory: MiB(h.malloced_memory), peakMalloced: MiB(h.peak_malloced_memory),
    status: status(), spaces,
    resources: process.getActiveResourcesInfo().reduce<Record<string, number>>((acc, r) => ((acc[r] = (acc[r] ?? 0) + 1), acc), {}),
  }
}

const steps: unknown[] = [breakdown('start')]
const engine = openEngine({file, ...(workingSetMiB > 0 ? {workingSetBytes: workingSetMiB * 2 ** 20} : {})})
await engine.query(DATASET, postListQuery, {start: 0, end: 10}, READER)
steps.push(breakdown('after first home'))
for (const q of QUERIES) {
  const options = q.as === 'studio' ? STUDIO : READER
  const params = q.params(posts)
  const deadline = performance.now() + 3000
  for (let i = 0; i < 51 && (i < 6 || performance.now() < deadline); i++) await engine.query(DATASET, q.query, params, options)
  steps.push(breakdown('after ' + q.name))
}
if (crawl) {
  for (let i = 0; i < crawl; i++) await engine.query(DATASET, postQuery, {slug: postSlug(Math.floor((i * posts) / crawl))}, READER)
  steps.push(breakdown(`after crawling ${crawl} post pages`))
}
if (wait) {
  await new Promise((r) => setTimeout(r, wait))
  steps.push(breakdown(`after ${wait} ms idle`))
}
globalThis.gc?.()
steps.push(breakdown('after gc (if --expose-gc)'))
// What each dataset holds: handles, columns, views and their indexes (entry counts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const any = (x: unknown) => x as any
const inventory: unknown[] = []
for (const [dataset, docs] of any(engine).caches as Map<string, unknown>) {
  const d = any(docs)
  const size = (m: unknown) => (m instanceof Map ? m.size : Array.isArray(m) ? m.length : null)
  inventory.push({
    dataset,
    handles: d.handles.size,
    workingSet: {entries: d.cache.size, bytes: d.cache.bytes, budget: d.cache.budget},
    columns: [...d.columns].map(([k, v]: [string, unknown]) => [k, size(v)]),
    memberColumns: [...d.memberColumns].map(([k, v]: [string, unknown]) => [k, size(v)]),
    views: [...d.views.entries()].map(([key, cached]: [string, {view: unknown}]) => {
      const v = any(cached.view)
      const lru = (c: unknown) => [...any(c).entries()].map(([k, x]: [string, unknown]) => [k.slice(0, 90), size(x) ?? size(any(x).entries) ?? (x instanceof Map ? [...x].map(([kk, ss]) => [kk.slice(0, 60), size(any(ss).entries)]) : typeof x)])
      return {
        key: key.slice(0, 120), all: v.all.length,
        typeLists: lru(v.typeLists), sorted: lru(v.sortedIndexes), equality: lru(v.equalityIndexes), members: lru(v.memberIndexes),
        memos: [...v.memos.entries()].map(([k, x]: [string, unknown]) => [k.slice(0, 90), x instanceof Map ? [...x].map(([kk, ss]) => [kk.slice(0, 60), size(any(ss).entries)]) : size(x)]),
        fields: [...v.fieldIndexes.entries()].map(([k]: [string]) => k.slice(0, 80)),
        references: v.referenceIndex ? v.referenceIndex.size : null,
      }
    }),
  })
}
steps.push({inventory})
if (snapshot) {
  const path = v8.writeHeapSnapshot()
  steps.push({snapshot: path})
}
engine.close()
console.log(JSON.stringify(steps, null, 1))
