/**
 * SQLite's covering indexes on attribute paths (`documents (dataset, json -> '$."a"."b"', id)`,
 * see Store.column), and first reads of paths that have none, all off the event loop. A first read
 * of a path without an index reads every document's JSON (2.7 s for `categories` at 100,000
 * posts), and so does `CREATE INDEX` (it took 3.1 s): run on the lake's own connection, either
 * froze every reader, the Studio and every write, on the first query naming a path no query had
 * named before. Here both run on a second connection in a worker thread: the query waits for the
 * worker's read asynchronously (document-cache.ts, withPathReads) and answers from it, exactly,
 * before the index exists; the index is built afterwards, in the background.
 *
 * A build holds SQLite's write lock for its whole duration. The engine's writes therefore never
 * start while one runs (a commit would otherwise wait on the lock synchronously, the event loop
 * blocked, and fail after the busy timeout): `idle()` is awaited before a group of writes is
 * prepared, and a build only starts when `mayStart()` says no write is in progress; writes held
 * meanwhile are committed after it and acknowledged once durable, as any other. A build is one
 * SQLite statement in its own transaction: it commits whole or not at all (a crash or kill
 * mid-build leaves no index; the next use of the path reads it in a worker and asks again).
 *
 * Which paths get an index, and why an anonymous query may cause one: the site's own reads are
 * anonymous (public access, no token), so refusing anonymous callers would leave the site's own
 * paths without an index. What bounds a caller instead: a path qualifies only once a worker's read
 * found documents with a value there (`*[foo.bar == 1]` on a path nobody writes never gets one,
 * nor a slot), at most MAX_PATH_INDEXES exist per store (each is kept on every commit), and each
 * path is asked for once per process. The worst a stranger can do is spend those slots once, on
 * paths the documents really have, each costing one background build and the writes it holds
 * (about as long as the read: 1–3 s at 100,000 posts).
 */
import {createHash} from 'node:crypto'
import {createRequire} from 'node:module'
import path from 'node:path'
import {Worker} from 'node:worker_threads'
import type Database from 'better-sqlite3'

/** Attribute paths that get a persistent index (per store: they are kept current on every commit). */
export const MAX_PATH_INDEXES = 16

export const PATH_INDEX_PREFIX = 'documents_path_'

/** Tunables (tests hold builds back to look at what happens meanwhile). */
export const pathIndexSettings = {
  /** Build wanted indexes in the background; off: they are wanted but never built (tests call `buildNow`). */
  background: true,
}

interface Wanted {
  name: string
  expression: string
  done: (built: boolean) => void
}

export class PathIndexes {
  /** Index names that exist in the store (read at open, then kept by this class). */
  private readonly existing = new Set<string>()
  /** Paths asked for in this process (built, queued or refused), so each is asked for once. */
  private readonly asked = new Set<string>()
  private readonly queue: Wanted[] = []
  /** Reads running in a worker (`read`). */
  private readonly reading = new Map<string, Promise<[string, string] | null>>()
  private readonly unreadable = new Set<string>()
  private running: Promise<void> | null = null
  private closed = false
  /** Set by the engine: whether a build may take SQLite's write lock now (no write in progress). */
  mayStart: () => boolean = () => true
  /** Builds that finished, and reads done in a worker (tests, figures). */
  built = 0
  workerReads = 0
  /** Told when a build ends (with the error, if it failed). */
  onBuilt: ((name: string, error?: unknown) => void) | null = null

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    /** The store's own condition for writing (its checks passed). */
    private readonly ready: () => boolean,
  ) {
    for (const name of db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'documents\\_path\\_%' ESCAPE '\\'").pluck().all()) {
      this.existing.add(name)
    }
  }

  has(expression: string): boolean {
    return this.existing.has(indexName(expression))
  }

  /** Whether a build holds the write lock now. */
  get busy(): boolean {
    return this.running !== null
  }

  /** Resolves once no build holds SQLite's write lock (at once if none does). */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  /**
   * A first read of a path without an index (`sql`, one row for `dataset`), done in a worker on a
   * connection of its own instead of on the event loop (it reads every document's JSON); when
   * documents hold values there, the path's index is then built in the background (the caller
   * does not wait for it). Reads asked for while the same one runs share it. Null: read it on the
   * caller's connection (a store in memory has no other; a worker failed on this read before).
   */
  read(dataset: string, expression: string, sql: string): Promise<[string, string] | null> | null {
    const key = `${dataset}\u0000${sql}`
    if (this.file === ':memory:' || this.closed || this.unreadable.has(key)) return null
    let pending = this.reading.get(key)
    if (!pending) {
      this.workerReads++
      pending = (this.runWorker({sql, params: [dataset], readonly: true}) as Promise<[string, string]>)
        .then(
          (row) => {
            if (row[0] !== '[]') void this.want(expression)
            return row
          },
          (error) => {
            if (!this.closed) console.error('lake: reading a path in a worker failed (read on the lake\'s connection instead)', error)
            this.unreadable.add(key)
            return null
          },
        )
        .finally(() => this.reading.delete(key))
      this.reading.set(key, pending)
    }
    return pending
  }

  /**
   * Asks for the path's index (its SQLite expression), built in the background when no write is in
   * progress; resolves with whether it exists then. Only for paths documents hold values at (see
   * the module's note).
   */
  want(expression: string): Promise<boolean> {
    const name = indexName(expression)
    if (this.existing.has(name)) return Promise.resolve(true)
    if (this.asked.has(name) || this.closed) return Promise.resolve(false)
    this.asked.add(name)
    if (this.existing.size + this.queue.length >= MAX_PATH_INDEXES) return Promise.resolve(false)
    // A store in memory has no second connection: its indexes are built in place (it is small).
    if (this.file === ':memory:') {
      this.db.exec(createIndexSql(name, expression))
      this.existing.add(name)
      this.built++
      return Promise.resolve(true)
    }
    return new Promise<boolean>((done) => {
      this.queue.push({name, expression, done})
      this.kick()
    })
  }

  /** Starts the next wanted build if none runs and no write is in progress. The engine calls this when its writes drain. */
  kick(): void {
    if (this.running || this.closed || this.queue.length === 0 || !pathIndexSettings.background || !this.ready() || !this.mayStart()) return
    this.startNext()
  }

  /** Tests: builds what is wanted now, in the background as usual, and resolves when done. */
  async buildNow(): Promise<void> {
    while (this.queue.length > 0 || this.running) {
      if (!this.running && this.ready() && this.mayStart()) this.startNext()
      if (this.running) await this.running
      else await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }

  private startNext(): void {
    const job = this.queue.shift()!
    this.running = this.build(job).finally(() => {
      this.running = null
      // The engine's held writes go first (they wait in `idle`); the next build after them.
      setImmediate(() => this.kick())
    })
  }

  private async build(job: Wanted): Promise<void> {
    let error: unknown
    try {
      if (this.existing.size >= MAX_PATH_INDEXES) return
      await this.runWorker({sql: createIndexSql(job.name, job.expression), params: [], readonly: false})
      this.existing.add(job.name)
      this.built++
    } catch (failure) {
      error = failure
      if (!this.closed) console.error(`lake: building the index ${job.name} failed (queries stay exact, without it)`, failure)
    } finally {
      job.done(this.existing.has(job.name))
      this.onBuilt?.(job.name, error)
    }
  }

  /** Runs one statement on a connection of its own in a worker: a read's single value, or a write (undefined). */
  private runWorker(job: {sql: string; params: unknown[]; readonly: boolean}): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const worker = new Worker(WORKER_SOURCE, {eval: true, workerData: {file: this.file, module: betterSqlite3Path(), ...job}})
      // A process may end during a build: the statement then never commits (no index, asked for again).
      worker.unref()
      let settled = false
      const done = (error?: unknown, value?: unknown) => {
        if (settled) return
        settled = true
        if (error) reject(error)
        else resolve(value)
      }
      worker.once('message', (message: {value: unknown} | {error: string}) => done('error' in message ? new Error(message.error) : undefined, 'value' in message ? message.value : undefined))
      worker.once('error', done)
      worker.once('exit', (code) => done(new Error(`index worker exited with ${code} before it answered`)))
    })
  }

  /**
   * The lake shuts down: nothing new starts, and this resolves once the reads and the build under
   * way (each on a connection of its own, a build writing the WAL) have ended, so nothing writes
   * into the store's folder after the store has closed.
   */
  async quiesce(): Promise<void> {
    this.close()
    await Promise.allSettled([...this.reading.values()])
    await this.idle()
  }

  /** The store closes: a build under way finishes on its own connection (its worker is not killed mid-statement). */
  close(): void {
    this.closed = true
    this.queue.length = 0
  }
}

export function indexName(expression: string): string {
  // The same names as before builds moved to the background (indexes of older stores are found).
  const jsonPath = /^json -> '(.*)'$/s.exec(expression)![1].replaceAll("''", "'")
  return `${PATH_INDEX_PREFIX}${hash(jsonPath)}`
}

function hash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 16)
}

function createIndexSql(name: string, expression: string): string {
  return `CREATE INDEX IF NOT EXISTS ${name} ON documents (dataset, ${expression}, id)`
}

/** Where the worker loads better-sqlite3 from (the module the store uses). */
function betterSqlite3Path(): string {
  return createRequire(path.join(process.cwd(), 'package.json')).resolve('better-sqlite3')
}

// One statement on its own connection: SQLite commits the index whole or not at all. The busy
// timeout covers a write the engine had begun (it holds new ones while this runs).
const WORKER_SOURCE = `
const {parentPort, workerData} = require('node:worker_threads')
const {file, module, sql, params, readonly} = workerData
let db = null
try {
  const Database = require(module)
  db = new Database(file, {fileMustExist: true, readonly})
  db.pragma('busy_timeout = 10000')
  if (readonly) {
    parentPort.postMessage({value: db.prepare(sql).raw(true).get(...params)})
  } else {
    db.pragma('synchronous = FULL')
    db.exec(sql)
    parentPort.postMessage({value: null})
  }
} catch (error) {
  parentPort.postMessage({error: String(error && error.message)})
} finally {
  try { if (db) db.close() } catch {}
}
`
