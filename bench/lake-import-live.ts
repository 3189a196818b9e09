/**
 * Import into a RUNNING lake: `npx tsx bench/lake-import-live.ts [posts] [--via route|mutate|both] [--port 4660]`.
 * Writes the bench's NDJSON export (bench/lake.ts) of `posts` posts, starts a lake in its own
 * process on a fresh data dir, and imports the file through it with the CLI's import
 * (lib/lake/archive/import.ts): through the bulk import route and/or /data/mutate (500-document
 * transactions, as `sanity dataset import` writes). While it runs, a reader queries the lake's
 * HTTP port every 50 ms (the site's front page query shape): its latencies say whether the site
 * stays responsive. Prints one JSON line per run, with the CPU time the import cost the importer
 * (this process) and the lake's process (from /proc, on Linux): on a shared machine these move less
 * with the load than the wall-clock rate.
 */
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {importDataset} from '../lib/lake/archive/import'
import {findRunningLake} from '../lib/lake/running'
import {writeExport} from './lake'

const args = process.argv.slice(2)
const posts = Number(args.find((a) => /^\d+$/.test(a)) ?? 20000)
const viaArg = args[args.indexOf('--via') + 1] ?? 'both'
const via: ('route' | 'mutate')[] = args.includes('--via') ? (viaArg === 'both' ? ['route', 'mutate'] : [viaArg as 'route' | 'mutate']) : ['route', 'mutate']
const port = Number(args.includes('--port') ? args[args.indexOf('--port') + 1] : 4660)

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lake-import-live-'))
const file = path.join(work, 'export.ndjson')
const bytes = writeExport(file, posts)

async function startLakeProcess(dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/lake/cli.ts', 'serve', '--port', String(port - 1500), '--http-port', String(port)], {
    env: {...process.env, LAKE_DATA_DIR: dataDir},
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  for (let i = 0; i < 600; i++) {
    const running = await findRunningLake(dataDir)
    if (running) return {child, httpUrl: running.httpUrl}
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  child.kill('SIGINT')
  throw new Error('the lake did not start')
}

/** CPU milliseconds a process has used (user + system), from /proc; null where there is none. */
function processCpuMs(pid: number | undefined): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return null
  }
}

function percentile(sorted: number[], p: number) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0
}

const READER = `
const url = process.argv[1] + '/v2025-02-19/data/query/production?query=' + encodeURIComponent('*[_type == "post" && defined(slug.current)] | order(publishedAt desc) [0...10] {_id, title, "slug": slug.current}')
const latencies = [], slow = [], begun = performance.now()
let reading = true
process.stdin.on('end', () => (reading = false)).resume()
while (reading) {
  const started = performance.now()
  await (await fetch(url)).text()
  const ms = performance.now() - started
  latencies.push(ms)
  if (ms > 250) slow.push(Math.round(started - begun) + 'ms:' + Math.round(ms))
  await new Promise((resolve) => setTimeout(resolve, 50))
}
process.stdout.write(JSON.stringify({latencies, slow}))
`

try {
  for (const how of via) {
    const dataDir = path.join(work, `data-${how}`)
    const lake = await startLakeProcess(dataDir)
    try {
      // The reader is its own process: what it sees is the lake's responsiveness, not this one's.
      const reader = spawn(process.execPath, ['--input-type=module', '-e', READER, lake.httpUrl], {stdio: ['pipe', 'pipe', 'inherit']})
      let readerOut = ''
      reader.stdout.on('data', (chunk: Buffer) => (readerOut += chunk.toString()))
      await new Promise((resolve) => setTimeout(resolve, 300))
      const load = os.loadavg()[0]
      const lakeCpu = processCpuMs(lake.child.pid)
      const ownCpu = process.cpuUsage()
      const started = performance.now()
      let firstWrite = 0
      const result = await importDataset(dataDir, file, {dataset: 'production', mode: 'create', via: how, onProgress: () => (firstWrite ||= performance.now() - started)})
      const ms = performance.now() - started
      const importerCpu = process.cpuUsage(ownCpu)
      const lakeCpuAfter = processCpuMs(lake.child.pid)
      reader.stdin.end()
      await new Promise((resolve) => reader.once('exit', resolve))
      const {latencies, slow} = JSON.parse(readerOut) as {latencies: number[]; slow: string[]}
      latencies.sort((a, b) => a - b)
      console.log(
        JSON.stringify({
          via: how,
          documents: result.documents,
          throughRunningLake: result.throughRunningLake,
          mb: Math.round(bytes / 1e6),
          ms: Math.round(ms),
          docsPerSecond: Math.round(result.documents / (ms / 1000)),
          // Until the first progress report: the check pass (and the first batch or chunk).
          firstProgressMs: Math.round(firstWrite),
          importerCpuMs: Math.round((importerCpu.user + importerCpu.system) / 1000),
          // Its threads' too (the import's check worker, SQLite's checkpoints); the reader's queries included.
          lakeCpuMs: lakeCpu === null || lakeCpuAfter === null ? null : Math.round(lakeCpuAfter - lakeCpu),
          slowReads: slow.join(' '),
          readerQueries: latencies.length,
          readerP50Ms: Math.round(percentile(latencies, 50)),
          readerP99Ms: Math.round(percentile(latencies, 99)),
          readerMaxMs: Math.round(latencies.at(-1) ?? 0),
          loadAvgBefore: load,
          loadAvgAfter: os.loadavg()[0],
        }),
      )
    } finally {
      lake.child.kill('SIGINT')
      await new Promise((resolve) => lake.child.once('exit', resolve))
    }
  }
} finally {
  fs.rmSync(work, {recursive: true, force: true})
}
