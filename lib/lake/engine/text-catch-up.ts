/**
 * The full-text catch-up's reading and tokenising, on a worker thread (issue #12: 57.6 s at 100,000
 * posts on the lake's thread, three quarters of it JSON parsing and tokenising). The worker reads
 * the documents noted pending (`fts_pending`) on a read-only connection of its own, in pages along
 * (dataset, id), and hands the lake each one's FTS words (`indexedText`) and, when its persisted
 * lists are noted too, its counted words (`countFields` of fts.ts's persisted texts), with the
 * `rev` it read. The lake writes them (FullTextIndex.fileTokenized) in short transactions between
 * other work, checking first that the document is still pending with that rev: one a commit changed
 * meanwhile is left to the next pass (still pending, so still a `match` candidate).
 *
 * The worker runs the source of text-index.ts's `createTextTokenizer` (the tokenising the lake's
 * thread uses) and of `createCatchUpTokenizer` over it (no module loading in a worker, as
 * text-check-pool.ts). The latter restates fts.ts's `indexedText` and the persisted texts (`title`,
 * `excerpt`, `pt::text(body)`), kept identical by tests/lake/engine/text-catch-up.test.ts (same FTS
 * words and counts as the lake's own functions on generated posts, drafts, versions and random texts). If the worker cannot start or fails, the lake
 * catches up on its own thread as before.
 */
import {createRequire} from 'node:module'
import os from 'node:os'
import path from 'node:path'
import {Worker} from 'node:worker_threads'
import {createTextTokenizer, type TextTokenizer} from './text-index'

/** One pending document as the worker read it. `rev` null: deleted (its words go). */
export interface TokenizedDocument {
  dataset: string
  id: string
  rev: string | null
  /** Its FTS words (fts.ts `indexedText`); '' when deleted. */
  text: string
  /** Whether its persisted lists were noted (`text_pending`) when read. */
  lists: boolean
  /** Its counted words per persisted text (fts.ts `persistedFields` order); null when deleted or `lists` is false. */
  fields: {words: string[]; counts: number[]}[] | null
}

/**
 * What the worker does with one document, over text-index.ts's tokenizer (`createTextTokenizer`,
 * the same functions the lake's thread files with): fts.ts's `indexedText`, and `countFields` for
 * the persisted texts. Self-contained but for its argument (its source is what the worker runs).
 */
export function createCatchUpTokenizer(tokenizer: TextTokenizer) {
  const {wordsOf, escapeWord, tokensByParagraph, portableText, tokenMemo} = tokenizer
  type TokensOf = (text: string) => string[]

  /** ids.ts `publishedIdOf`. */
  function publishedIdOf(id: string): string {
    if (id.startsWith('drafts.')) return id.slice('drafts.'.length)
    if (id.startsWith('versions.')) {
      const rest = id.slice('versions.'.length)
      const dot = rest.indexOf('.')
      return dot === -1 ? rest : rest.slice(dot + 1)
    }
    return id
  }

  function indexedText(id: string, doc: unknown, tokensOf: TokensOf): string {
    const words = wordsOf(doc, tokensOf)
    for (const word of wordsOf(publishedIdOf(id), tokensOf)) words.add(word)
    let text = ''
    for (const word of words) text += (text ? ' ' : '') + escapeWord(word)
    return text
  }

  /** groq-order.ts `valueAt` for one key. */
  function attribute(value: unknown, key: string): unknown {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
    const out = Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : null
    return out === undefined ? null : out
  }

  /** field-index.ts `textParts` of a plain attribute. */
  function strings(value: unknown): string[] {
    if (typeof value === 'string') return [value]
    if (Array.isArray(value)) return value.filter((part): part is string => typeof part === 'string')
    return []
  }

  function counted(texts: string[], tokensOf: TokensOf): {words: string[]; counts: number[]} {
    const counts = new Map<string, number>()
    for (const text of texts) for (const token of tokensByParagraph(text, tokensOf)) counts.set(token, (counts.get(token) ?? 0) + 1)
    return {words: [...counts.keys()], counts: [...counts.values()]}
  }

  /** fts.ts's persisted texts, in its order: `title`, `excerpt`, `pt::text(body)`. */
  function countPersisted(doc: unknown, tokensOf: TokensOf): {words: string[]; counts: number[]}[] {
    return [counted(strings(attribute(doc, 'title')), tokensOf), counted(strings(attribute(doc, 'excerpt')), tokensOf), counted(strings(portableText(attribute(doc, 'body'))), tokensOf)]
  }

  /** One stored document's FTS words and (with `lists`) counted words. */
  function tokenizeDocument(id: string, json: string, lists: boolean): {text: string; fields: {words: string[]; counts: number[]}[] | null} {
    const doc = JSON.parse(json) as unknown
    const tokensOf = tokenMemo()
    const text = indexedText(id, doc, tokensOf)
    return {text, fields: lists ? countPersisted(doc, tokensOf) : null}
  }

  return {tokenizeDocument, indexedText, countPersisted}
}

/** Documents the worker reads and tokenises at a time (about 1.7 MB of JSON for 6.7 KB posts). */
export const CATCH_UP_PAGE = 256

const WORKER_SOURCE = `
const {parentPort, workerData} = require('node:worker_threads')
// Helpers a transpiler may have put into the factory's source (esbuild's keepNames).
const __name = (target) => target
const {tokenizeDocument} = (${createCatchUpTokenizer.toString()})((${createTextTokenizer.toString()})())
const Database = require(workerData.module)
const db = new Database(workerData.file, {fileMustExist: true, readonly: true})
// Background work: on Linux a thread's nice value is its own (setpriority on the calling thread),
// so the lake's thread (queries, commits, the catch-up's own steps) gets the CPU first.
try {
  require('node:os').setPriority(workerData.nice)
} catch {}
const columns =
  'SELECT p.dataset, p.id, d.rev, d.json, EXISTS (SELECT 1 FROM text_pending t WHERE t.dataset = p.dataset AND t.id = p.id) AS lists ' +
  'FROM fts_pending p LEFT JOIN documents d ON d.dataset = p.dataset AND d.id = p.id WHERE (p.dataset, p.id) > (?, ?) '
const pageTo = db.prepare(columns + 'AND (p.dataset, p.id) <= (?, ?) ORDER BY p.dataset, p.id')
const pageFrom = db.prepare(columns + 'ORDER BY p.dataset, p.id LIMIT ?')
// Every n-th pending key: where the pass's pages end.
const bounds = db.prepare('SELECT dataset, id FROM (SELECT dataset, id, row_number() OVER (ORDER BY dataset, id) AS n FROM fts_pending) WHERE n % ? = 0')
parentPort.on('message', (message) => {
  if (message.close) {
    db.close()
    // Told to the lake, which may be waiting to close its own connection last (see CatchUpReader.close).
    const closed = new Int32Array(workerData.closed)
    Atomics.store(closed, 0, 1)
    Atomics.notify(closed, 0)
    process.exit(0)
  }
  try {
    if (message.bounds) return parentPort.postMessage({bounds: bounds.all(message.bounds)})
    const {after, upTo} = message
    const rows = upTo ? pageTo.all(after.dataset, after.id, upTo.dataset, upTo.id) : pageFrom.all(after.dataset, after.id, message.limit)
    const docs = rows.map((row) => {
      if (row.json === null) return {dataset: row.dataset, id: row.id, rev: null, text: '', lists: row.lists === 1, fields: null}
      const {text, fields} = tokenizeDocument(row.id, row.json, row.lists === 1)
      return {dataset: row.dataset, id: row.id, rev: row.rev, text, lists: row.lists === 1, fields}
    })
    parentPort.postMessage({docs})
  } catch (error) {
    parentPort.postMessage({error: String(error && error.message)})
  }
})
`

type Key = {dataset: string; id: string}
type Reply = {docs: TokenizedDocument[]} | {bounds: Key[]} | {error: string}

/** One worker and the answers it owes, in the order asked. */
class TokenizerWorker {
  private readonly worker: Worker
  private readonly waiting: {resolve: (reply: Reply) => void; reject: (error: unknown) => void}[] = []
  private closed = false
  /** [0] 1 once the worker's connection is closed. */
  private readonly connection = new Int32Array(new SharedArrayBuffer(4))

  constructor(file: string) {
    this.worker = new Worker(WORKER_SOURCE, {eval: true, workerData: {file, module: betterSqlite3Path(), nice: catchUpWorkers.nice, closed: this.connection.buffer}})
    this.worker.on('message', (reply: Reply) => {
      const waiting = this.waiting.shift()
      if (this.waiting.length === 0) this.worker.unref()
      if ('error' in reply) waiting?.reject(new Error(reply.error))
      else waiting?.resolve(reply)
    })
    const gone = (error?: unknown) => {
      if (this.closed) return
      this.closed = true
      for (const waiting of this.waiting.splice(0)) waiting.reject(error ?? new Error('the full-text catch-up worker exited'))
    }
    this.worker.once('error', gone)
    this.worker.once('exit', () => gone())
    this.worker.unref()
  }

  ask(message: object): Promise<Reply> {
    if (this.closed) return Promise.reject(new Error('the full-text catch-up worker is closed'))
    return new Promise((resolve, reject) => {
      this.waiting.push({resolve, reject})
      this.worker.ref()
      this.worker.postMessage(message)
    })
  }

  /** Stops the worker once it has answered what it was asked; `wait`: until its connection is closed (briefly, blocking). */
  close(wait: boolean): void {
    if (!this.closed) {
      this.closed = true
      for (const waiting of this.waiting.splice(0)) waiting.reject(new Error('the full-text catch-up worker is closed'))
      this.worker.postMessage({close: true})
      this.worker.unref()
    }
    if (wait) Atomics.wait(this.connection, 0, 0, CLOSE_WAIT_MS)
  }
}

/** How long closing the lake waits for a worker to close its connection (it finishes the pages it was asked for first). */
const CLOSE_WAIT_MS = 5000

/**
 * Tokenising workers (each with its own connection): two use both cores of a small machine while
 * the lake writes; their nice value (Linux, per thread) leaves the lake's thread the CPU first.
 */
export const catchUpWorkers = {count: Math.max(1, Math.min(2, os.availableParallelism())), nice: 10}

/**
 * One pass over the documents noted pending when it starts, in pages along (dataset, id) (the pages'
 * ends read first), tokenised by `catchUpWorkers.count` workers, a few pages ahead of the lake:
 * `take()` hands over the pages in order. Documents noted after a page was read, or skipped by the
 * lake, are left to the next pass (or to the lake's own catch-up).
 */
export class CatchUpReader {
  private readonly workers: TokenizerWorker[]
  private pages: Promise<Key[]>
  /** Pages asked for and not taken, in order. */
  private readonly ahead: Promise<Reply>[] = []
  private asked = 0

  constructor(file: string) {
    this.workers = Array.from({length: catchUpWorkers.count}, () => new TokenizerWorker(file))
    this.pages = this.workers[0].ask({bounds: CATCH_UP_PAGE}).then((reply) => (reply as {bounds: Key[]}).bounds)
    // A failure is seen by `take`.
    this.pages.catch(() => {})
  }

  /** The next page of tokenised documents, or null when the pass is over. */
  async take(): Promise<TokenizedDocument[] | null> {
    const bounds = await this.pages
    // Page k: after bounds[k - 1] (from the start for k = 0), up to bounds[k]; the last one, after the last bound.
    while (this.ahead.length < this.workers.length + 1 && this.asked <= bounds.length) {
      const k = this.asked++
      const after = k === 0 ? {dataset: '', id: ''} : bounds[k - 1]
      const upTo = k < bounds.length ? bounds[k] : null
      const reply = this.workers[k % this.workers.length].ask({after, upTo, limit: CATCH_UP_PAGE})
      reply.catch(() => {})
      this.ahead.push(reply)
    }
    const reply = this.ahead.shift()
    if (!reply) return null
    return (await reply as {docs: TokenizedDocument[]}).docs
  }

  /**
   * Stops the workers. `wait` (the lake is closing): until their connections are closed, so the
   * lake's own close is the last one, which checkpoints and removes the WAL before the file is
   * handed on (as checkpointer.ts does).
   */
  close(wait = false): void {
    for (const worker of this.workers) worker.close(wait)
  }
}

/** Where the worker loads better-sqlite3 from (the module the store uses). */
function betterSqlite3Path(): string {
  return createRequire(path.join(process.cwd(), 'package.json')).resolve('better-sqlite3')
}
