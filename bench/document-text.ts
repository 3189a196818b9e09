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

// The same lines decoded beforehand: what the check itself costs, without the UTF-8 decoding.
const texts = new Map(lines.map((line) => [line, line.toString()]))
const utf8 = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true})
const cases: [string, (line: Buffer) => unknown][] = [
  ['JSON.parse(buffer.toString())', (line) => JSON.parse(line.toString())],
  ['TextDecoder (fatal) only', (line) => utf8.decode(line)],
  ['inspectDocumentText(string)', (line) => inspectDocumentText(texts.get(line)!)],
  ['inspectDocumentText(buffer)', (line) => inspectDocumentText(line)],
]

let vouched = 0
for (const line of lines) if (inspectDocumentText(line) !== null) vouched++
console.log(`vouched for ${vouched} of ${lines.length} lines`)

// Rounds interleave the cases (the machine's load drifts); each round is timed in CPU time of the
// process (less disturbed by other processes than wall time on a busy machine), and wall time.
let sink = 0
const cpu: number[][] = cases.map(() => [])
const wall: number[][] = cases.map(() => [])
for (let round = 0; round < rounds; round++) {
  cases.forEach(([, run], c) => {
    const usage = process.cpuUsage()
    const start = process.hrtime.bigint()
    for (const line of lines) if (run(line) !== null) sink++
    wall[c].push(Number(process.hrtime.bigint() - start) / 1e3)
    const used = process.cpuUsage(usage)
    cpu[c].push(used.user + used.system)
  })
}
const perDoc = (us: number) => `${(us / lines.length).toFixed(2)} µs/doc`.padStart(12)
const rate = (us: number) => `${(bytes / us).toFixed(0)} MB/s`.padStart(10)
cases.forEach(([name], c) => {
  // The first round warms the JIT; the best and median of the rest.
  const figures = [cpu[c], wall[c]].map((times) => {
    const rest = times.slice(1).sort((a, b) => a - b)
    const [best, median] = [rest[0], rest[Math.floor(rest.length / 2)]]
    return `best ${perDoc(best)} ${rate(best)}, median ${perDoc(median)}`
  })
  console.log(`${name.padEnd(30)} cpu: ${figures[0]} | wall: ${figures[1]}`)
})
if (sink < 0) console.log(sink)
