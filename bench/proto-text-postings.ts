/**
 * PROTOTYPE for issue #12 part 1, not engine code (see HANDOFF.md): per-field inverted lists
 * persisted as SQLite BLOBs, one row per (field, word): the ordinals (fts_documents.rowid) as
 * Uint32 LE and the counts as Uint8. Builds them once from a store made by `lake-scale.ts import`
 * (after its `catchup`), then times the site search's score sum (title, excerpt, pt::text(body);
 * groq-js's BM25 term score) with a top-20 pick, read from SQLite each time, and the RSS. It adds a
 * `proto_postings` table to the file: use a throwaway copy.
 *   npx tsx bench/proto-text-postings.ts build <file>
 *   npx tsx bench/proto-text-postings.ts query <file>
 */
import Database from 'better-sqlite3'
import {foldCase, portableText, tokenize} from '@/lib/lake/engine/text-index'

const [cmd, file] = process.argv.slice(2)
const db = new Database(file)
type Doc = {title?: unknown; excerpt?: unknown; body?: unknown}
const FIELDS: [string, (doc: Doc) => string[]][] = [
  ['title', (d) => (typeof d.title === 'string' ? [d.title] : [])],
  ['excerpt', (d) => (typeof d.excerpt === 'string' ? [d.excerpt] : [])],
  [
    'pt::text(body)',
    (d) => {
      const t = portableText(d.body)
      return typeof t === 'string' ? [t] : []
    },
  ],
]
const mib = (b: number) => Math.round(b / 2 ** 20)
if (cmd === 'build') {
  const t0 = performance.now()
  db.exec('DROP TABLE IF EXISTS proto_postings; CREATE TABLE proto_postings (field TEXT NOT NULL, word TEXT NOT NULL, ords BLOB NOT NULL, counts BLOB NOT NULL, PRIMARY KEY (field, word)) WITHOUT ROWID')
  const lists = FIELDS.map(() => new Map<string, {ords: number[]; counts: number[]}>())
  const rows = db.prepare("SELECT f.rowid AS ord, d.json FROM documents d JOIN fts_documents f ON f.dataset = d.dataset AND f.id = d.id WHERE d.dataset = 'production' ORDER BY f.rowid").iterate() as Iterable<{ord: number; json: string}>
  let n = 0
  for (const row of rows) {
    const doc = JSON.parse(row.json) as Doc
    FIELDS.forEach(([, textOf], f) => {
      const counts = new Map<string, number>()
      for (const part of textOf(doc)) for (const w of tokenize(foldCase(part))) counts.set(w, (counts.get(w) ?? 0) + 1)
      for (const [w, c] of counts) {
        let l = lists[f].get(w)
        if (!l) lists[f].set(w, (l = {ords: [], counts: []}))
        l.ords.push(row.ord); l.counts.push(Math.min(c, 255))
      }
    })
    n++
  }
  const insert = db.prepare('INSERT INTO proto_postings VALUES (?, ?, ?, ?)')
  let blobs = 0
  db.transaction(() => {
    FIELDS.forEach(([name], f) => {
      for (const [w, l] of lists[f]) {
        const ords = Buffer.from(Uint32Array.from(l.ords).buffer)
        const counts = Buffer.from(Uint8Array.from(l.counts).buffer)
        blobs += ords.length + counts.length
        insert.run(name, w, ords, counts)
      }
    })
  })()
  console.log(`built from ${n} documents in ${Math.round(performance.now() - t0)} ms; ${FIELDS.map((_, f) => lists[f].size).join('/')} words; ${mib(blobs)} MiB of lists`)
} else {
  const get = db.prepare<[string, string], {ords: Buffer; counts: Buffer}>('SELECT ords, counts FROM proto_postings WHERE field = ? AND word = ?')
  const maxOrd = db.prepare('SELECT max(rowid) FROM fts_documents').pluck().get() as number
  const K = 1.2
  const search = (words: string[]) => {
    const totals = new Float64Array(maxOrd + 1)
    for (const [field] of FIELDS) {
      // one scorer per field: sum of per-term scores
      for (const word of words) {
        const row = get.get(field, word)
        if (!row) continue
        const ords = new Uint32Array(row.ords.buffer, row.ords.byteOffset, row.ords.byteLength / 4)
        const counts = row.counts
        for (let i = 0; i < ords.length; i++) { const f = counts[i]; totals[ords[i]] += (f * (K + 1)) / (f + K) }
      }
    }
    // top 20
    const top: number[] = []
    let min = -Infinity
    for (let i = 0; i < totals.length; i++) {
      if (totals[i] > min || top.length < 20) { top.push(i); if (top.length > 20) { top.sort((a, b) => totals[b] - totals[a]); top.length = 20; min = totals[top[19]] } }
    }
    return top.length
  }
  for (const words of [['INFLATION', 'GOVERNMENT'], ['INFLATION'], ['33333']]) {
    search(words)
    const samples: number[] = []
    for (let i = 0; i < 50; i++) { const t = performance.now(); search(words); samples.push(performance.now() - t) }
    samples.sort((a, b) => a - b)
    console.log(`${words.join(' ')}: p50 ${samples[25].toFixed(2)} ms, p99 ${samples[49].toFixed(2)} ms; RSS ${mib(process.memoryUsage().rss)} MiB`)
  }
}
db.close()
