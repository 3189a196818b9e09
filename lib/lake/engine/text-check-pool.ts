/**
 * Checks an import's JSON texts (document-text.ts) partly on another thread: for kilobyte
 * documents the check is about as much CPU as SQLite's writes, and a worker can do it while the
 * lake commits the batch before. How much of each batch goes to the worker adapts
 * (`TextCheckSplit`): on a machine with a core to spare the worker takes nearly all of it; on a
 * busy one (where the worker would only make the lake wait for it) this thread checks most itself.
 * The worker is started on first use, left unreferenced when idle (it holds nothing) and ended
 * after `textCheckThreads.idleMs` without work (a thread's heap is some MiB the lake's process
 * would otherwise keep for as long as it runs after one import); if it cannot start or dies, texts are checked on this thread (same function, same answers), so an
 * import never depends on it.
 */
import os from 'node:os'
import {Worker} from 'node:worker_threads'
import {createDocumentTextInspector, inspectDocumentText, type DocumentTextFields} from './document-text'
import {MAX_DOCUMENT_DEPTH} from './mutations'

/** The worker runs the inspector built from the factory's own source (no module loading in the worker). */
const WORKER_SOURCE = `
const {parentPort} = require('node:worker_threads')
// Helpers a transpiler may have put into the factory's source (esbuild's keepNames).
const __name = (target) => target
const inspect = (${createDocumentTextInspector.toString()})(${MAX_DOCUMENT_DEPTH}, require('node:buffer').isUtf8)
// Texts come as strings, or as numbers k: the bytes bounds[2k]..bounds[2k + 1] of the one buffer sent.
parentPort.on('message', ({id, texts, bytes, bounds}) => {
  const fields = texts.map((text) => {
    if (typeof text === 'string') return inspect(text)
    if (typeof text === 'number') return inspect(new Uint8Array(bytes, bounds[2 * text], bounds[2 * text + 1] - bounds[2 * text]))
    return null
  })
  parentPort.postMessage({id, fields})
})
`

/** An import's text: a string, or its UTF-8 bytes (an NDJSON line read as bytes); null for an object. */
export type CheckedText = string | Uint8Array | null

interface Pending {
  resolve: (fields: (DocumentTextFields | null)[]) => void
  texts: CheckedText[]
}

/** Worker-side checking, on when the machine has a core to spare (tests can force either way). */
export const textCheckThreads = {enabled: os.availableParallelism() > 1, idleMs: 10_000}

class TextCheckPool {
  private worker: Worker | null = null
  private idleTimer: NodeJS.Timeout | null = null
  private failed = false
  private nextId = 0
  private readonly pending = new Map<number, Pending>()
  /** Batches the worker checked (tests: the worker path is really taken). */
  checkedInWorker = 0

  /** Whether checks can go to the worker (started on the first that does). */
  get available(): boolean {
    return textCheckThreads.enabled && !this.failed
  }

  /** Each text's fields (null: not vouched for, or not a text), checked on the worker if it runs. */
  check(texts: CheckedText[]): Promise<(DocumentTextFields | null)[]> {
    if (!texts.some(isText)) return Promise.resolve(texts.map(() => null))
    const worker = textCheckThreads.enabled ? this.start() : null
    if (!worker) return Promise.resolve(checkHere(texts))
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
    return new Promise((resolve) => {
      const id = this.nextId++
      this.pending.set(id, {resolve, texts})
      if (this.pending.size === 1) worker.ref()
      worker.postMessage(...message(id, texts))
    })
  }

  private start(): Worker | null {
    if (this.worker || this.failed) return this.worker
    try {
      const worker = new Worker(WORKER_SOURCE, {eval: true})
      worker.on('message', ({id, fields}: {id: number; fields: (DocumentTextFields | null)[]}) => {
        const pending = this.pending.get(id)
        if (!pending) return
        this.pending.delete(id)
        if (this.pending.size === 0) {
          worker.unref()
          this.idleTimer = setTimeout(() => this.retire(worker), textCheckThreads.idleMs).unref()
        }
        this.checkedInWorker++
        pending.resolve(fields)
      })
      const gone = (error?: unknown) => {
        if (this.worker !== worker) return
        if (error) console.error('lake: the import check worker failed; checking on the main thread', error)
        this.worker = null
        this.failed = true
        // What it had not answered is checked here.
        for (const [id, {resolve, texts}] of this.pending) {
          this.pending.delete(id)
          resolve(checkHere(texts))
        }
      }
      worker.once('error', gone)
      worker.once('exit', () => gone())
      // After the listeners (which may hold the process open): only a check waiting for it does.
      worker.unref()
      this.worker = worker
    } catch (error) {
      console.error('lake: the import check worker could not start; checking on the main thread', error)
      this.failed = true
    }
    return this.worker
  }

  /** Whether a worker thread is alive now (tests: it ends when idle). */
  get running(): boolean {
    return this.worker !== null
  }

  /** Ends an idle worker (not a failure: the next check starts another). */
  private retire(worker: Worker): void {
    this.idleTimer = null
    if (this.worker !== worker || this.pending.size > 0) return
    this.worker = null
    void worker.terminate()
  }
}

function isText(text: CheckedText): text is string | Uint8Array {
  return text !== null
}

/**
 * The worker's message for `texts`: byte texts are copied into one buffer that is moved (not
 * copied again) to the worker. (Structured cloning a view copies its whole underlying buffer: a
 * line read from a file is a view of a whole chunk of it.)
 */
function message(id: number, texts: CheckedText[]): [unknown, ArrayBuffer[]] {
  let size = 0
  for (const text of texts) if (text instanceof Uint8Array) size += text.byteLength
  if (size === 0) return [{id, texts}, []]
  // Not zero-filled (every byte is written below), and not from the shared pool: its whole buffer is moved.
  const bytes = Buffer.allocUnsafeSlow(size)
  const bounds: number[] = []
  let at = 0
  const sent = texts.map((text) => {
    if (!(text instanceof Uint8Array)) return text
    bytes.set(text, at)
    bounds.push(at, (at += text.byteLength))
    return bounds.length / 2 - 1
  })
  return [{id, texts: sent, bytes: bytes.buffer, bounds}, [bytes.buffer]]
}

export function checkHere(texts: CheckedText[]): (DocumentTextFields | null)[] {
  return texts.map((text) => (text === null ? null : inspectDocumentText(text)))
}

/** One pool per process: imports are serialised by the engine's write queue anyway. */
export const textCheckPool = new TextCheckPool()

/** Share of a batch sent to the worker at first, and how far one batch's outcome moves it. */
const FIRST_SHARE = 0.5
const SHARE_STEP = 0.125
/** Waiting longer than this for the worker's part means it was given too much. */
const WAIT_TOLERANCE_MS = 1

/**
 * One import's checks, batch after batch: `start` sends the worker its share of a batch at once;
 * `results` (called when the batch is needed, typically after the previous one committed) checks
 * the rest here, then takes the worker's part. If this thread then had to wait for the worker, the
 * next batch gives it less; if not, more.
 */
export class TextCheckSplit {
  /** The worker's share of the next batch (tests can pin it). */
  share = FIRST_SHARE

  start(texts: CheckedText[]): {results: () => Promise<(DocumentTextFields | null)[]>} {
    const cut = textCheckPool.available && texts.some(isText) ? Math.round(texts.length * this.share) : 0
    const remote = cut > 0 ? textCheckPool.check(texts.slice(0, cut)) : null
    return {
      results: async () => {
        const local = checkHere(texts.slice(cut))
        if (!remote) return local
        const waitFrom = performance.now()
        const fromWorker = await remote
        const waited = performance.now() - waitFrom
        this.share = Math.min(1, Math.max(0, this.share + (waited > WAIT_TOLERANCE_MS ? -SHARE_STEP : SHARE_STEP)))
        return fromWorker.concat(local)
      },
    }
  }
}
