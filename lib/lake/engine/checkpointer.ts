/**
 * WAL checkpoints off the lake's thread while an import writes. Normally the connection that
 * commits also checkpoints (SQLite's wal_autocheckpoint: after a commit that leaves the WAL over
 * 1,000 pages it copies the WAL into the database file and syncs it, inside that commit's call).
 * An import's batches are megabytes each, so every one of them paid a checkpoint of its own size:
 * about a fifth of an import's time on the lake's thread. While `begin` is in force the lake's
 * connection does not checkpoint, and a worker thread on its own connection runs PASSIVE
 * checkpoints every CHECKPOINT_EVERY_MS instead, alongside the next batch's work.
 *
 * Durability is unchanged: a commit is durable once its WAL frames are synced (synchronous=FULL),
 * whoever copies them into the database file later. PASSIVE checkpoints never block the writer or
 * readers; they copy what no reader still needs, and the WAL is reused from its start once all of
 * it has been copied. If the worker cannot start, the lake's connection keeps checkpointing itself.
 */
import {createRequire} from 'node:module'
import path from 'node:path'
import {Worker} from 'node:worker_threads'
import type Database from 'better-sqlite3'

const CHECKPOINT_EVERY_MS = 100
/** How long closing the lake waits for the worker to close its connection. */
const CLOSE_WAIT_MS = 5000
/** SQLite's default, which the lake otherwise keeps. */
const AUTOCHECKPOINT_PAGES = 1000

const WORKER_SOURCE = `
const {workerData, parentPort} = require('node:worker_threads')
const Database = require(workerData.module)
const db = new Database(workerData.file, {fileMustExist: true})
db.pragma('busy_timeout = 0')
// [0] 1: checkpoint every interval; 0: idle; 2: close. [1] checkpoints run. [2] 1 once closed.
const state = new Int32Array(workerData.state)
let checkpoints = 0
for (;;) {
  const now = Atomics.load(state, 0)
  if (now === 2) break
  if (now === 0) {
    Atomics.wait(state, 0, 0)
    continue
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
    checkpoints++
  } catch (error) {
    // Busy (another checkpoint) or any other failure: the lake's own checkpoints take over at the end.
  }
  Atomics.store(state, 1, checkpoints)
  Atomics.wait(state, 0, 1, workerData.every)
}
db.close()
Atomics.store(state, 2, 1)
Atomics.notify(state, 2)
`

export class BackgroundCheckpointer {
  private worker: Worker | null = null
  private failed = false
  private readonly state = new Int32Array(new SharedArrayBuffer(12))
  /** Nested begin/end (imports into several datasets at once). */
  private depth = 0

  constructor(
    private readonly file: string,
    private readonly db: Database.Database,
  ) {}

  /** Checkpoints the worker has run (tests). */
  get checkpoints(): number {
    return Atomics.load(this.state, 1)
  }

  /** From now until `end`, the worker checkpoints and the lake's connection does not. */
  begin(): void {
    if (this.depth++ > 0 || this.file === ':memory:') return
    if (!this.start()) return
    this.db.pragma('wal_autocheckpoint = 0')
    Atomics.store(this.state, 0, 1)
    Atomics.notify(this.state, 0)
  }

  /** The lake's connection checkpoints again (its next commit copies what the worker left). */
  end(): void {
    if (this.depth === 0 || --this.depth > 0 || !this.worker) return
    Atomics.store(this.state, 0, 0)
    Atomics.notify(this.state, 0)
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`)
  }

  /**
   * Stops the worker and waits (briefly, blocking) until its connection is closed: the lake's own
   * close then is the last one, which checkpoints and removes the WAL before the file is handed on.
   */
  close(): void {
    Atomics.store(this.state, 0, 2)
    Atomics.notify(this.state, 0)
    if (this.worker) Atomics.wait(this.state, 2, 0, CLOSE_WAIT_MS)
    this.worker = null
  }

  private start(): boolean {
    if (this.worker) return true
    if (this.failed) return false
    try {
      const sqlite = createRequire(path.join(process.cwd(), 'package.json')).resolve('better-sqlite3')
      const worker = new Worker(WORKER_SOURCE, {eval: true, workerData: {file: this.file, module: sqlite, state: this.state.buffer, every: CHECKPOINT_EVERY_MS}})
      worker.unref()
      const gone = (error?: unknown) => {
        if (this.worker !== worker) return
        if (error) console.error('lake: the checkpoint worker failed; the lake checkpoints itself', error)
        this.worker = null
        this.failed = true
        if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`)
      }
      worker.once('error', gone)
      worker.once('exit', () => gone())
      this.worker = worker
      return true
    } catch (error) {
      console.error('lake: the checkpoint worker could not start; the lake checkpoints itself', error)
      this.failed = true
      return false
    }
  }
}
