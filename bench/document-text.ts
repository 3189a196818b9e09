/**
 * Micro-bench of the import's line check (`inspectDocumentText`, lib/lake/engine/document-text.ts)
 * on the bench's own export: the first N lines of an NDJSON file as Buffer views of it (as
 * `lineBuffers` gives them), several rounds, with `JSON.parse(buffer.toString())` per line in the
 * same run as the baseline.
 *
 *   mkdir -p /tmp/inspect
 *   npx tsx -e "import {writeExport} from './bench/lake'; writeExport('/tmp/inspect/export.ndjson', 20000)"
 *   heavy npx tsx bench/document-text.ts [/tmp/inspect/export.ndjson] [lines=20000] [rounds=7]
 */
import fs from 'node:fs'
import {inspectDocumentText} from '@/lib/lake/engine/document-text'

const file = process.argv[2] ?? '/tmp/inspect/export.ndjson'
const count = Number(process.argv[3] ?? 20000)
const rounds = Number(process.argv[4] ?? 7)

const data = fs.readFileSync(file)
const lines: Buffer[] = []
for (let start = 0; lines.length < count && start < data.length; ) {
  let end = data.indexOf(10, start)
  if (end === -1) end = data.length
  lines.push(data.subarray(start, end))
  start = end + 1
}
const bytes = lines.reduce((sum, line) => sum + line.length, 0)
console.log(`${lines.length} lines, ${(bytes / 1e6).toFixed(1)} MB (${Math.round(bytes / lines.length)} B/line avg) from ${file}`)

const cases: [string, (line: Buffer) => unknown][] = [
  ['JSON.parse(buffer.toString())', (line) => JSON.parse(line.toString())],
  ['inspectDocumentText(buffer)', (line) => inspectDocumentText(line)],
]

let vouched = 0
for (const line of lines) if (inspectDocumentText(line) !== null) vouched++
console.log(`vouched for ${vouched} of ${lines.length} lines`)

let sink = 0
for (const [name, run] of cases) {
  const times: number[] = []
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint()
    for (const line of lines) if (run(line) !== null) sink++
    times.push(Number(process.hrtime.bigint() - start) / 1e3)
  }
  // The first round warms the JIT; the best and median of the rest.
  const rest = times.slice(1).sort((a, b) => a - b)
  const best = rest[0]
  const median = rest[Math.floor(rest.length / 2)]
  const perDoc = (us: number) => (us / lines.length).toFixed(2)
  const rate = (us: number) => (bytes / us).toFixed(0)
  console.log(`${name.padEnd(32)} best ${perDoc(best)} µs/doc ${rate(best)} MB/s, median ${perDoc(median)} µs/doc ${rate(median)} MB/s`)
}
if (sink < 0) console.log(sink)
