/**
 * Opening a lake SQLite file safely: created readable by its owner only (0600, like the secrets
 * beside it; SQLite gives the -wal and -shm files the database file's mode), and checked with
 * SQLite's own `PRAGMA quick_check` before anything is served from or written to it (a store: of
 * every table, see `IntegrityCheck`). A damaged file makes the lake refuse to start with what to
 * do, instead of answering with part of the data and writing more into the damage. Used by the document store and the auth store.
 */
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {MessageChannel, receiveMessageOnPort, Worker, type MessagePort} from 'node:worker_threads'
import Database from 'better-sqlite3'

export class DamagedDatabaseError extends Error {
  constructor(
    readonly file: string,
    readonly findings: string[],
  ) {
    const name = path.basename(file)
    super(
      [
        `The lake refuses to start: ${file} is damaged (SQLite quick_check: ${findings.slice(0, 5).join('; ')}${findings.length > 5 ? '; …' : ''}).`,
        `Nothing was read from or written to it. To recover, stop everything that uses ${path.dirname(file)}, then either`,
        `  - restore your last backup: \`npm run lake -- restore <backup.tar.gz> --replace\` (made by \`npm run lake -- backup\`), or`,
        name === 'auth.sqlite'
          ? `  - move ${name} away: the next start creates a new first account; re-create tokens with \`npm run lake -- token create\`.`
          : `  - move ${name} (and its -wal/-shm) away and load an export: \`npm run lake -- import backup.ndjson --replace\`.`,
        `Keep the damaged file: \`sqlite3 ${name} .recover\` may rescue what it still holds.`,
      ].join('\n'),
    )
    this.name = 'DamagedDatabaseError'
  }
}

/** Opens `file` (created 0600 if new), or throws DamagedDatabaseError when it fails quick_check. */
export function openCheckedDatabase(file: string): Database.Database {
  let db: Database.Database | null = null
  try {
    db = openDatabase(file)
    const findings = quickCheck(db)
    if (findings.length > 0) throw new DamagedDatabaseError(file, findings)
    return db
  } catch (error) {
    db?.close()
    throw asDamaged(file, error)
  }
}

/** Opens `file` (created 0600 if new) without checking it: pair with `IntegrityCheck`. */
export function openDatabase(file: string): Database.Database {
  if (file !== ':memory:') ownerOnly(file)
  try {
    return new Database(file)
  } catch (error) {
    throw asDamaged(file, error)
  }
}

/** SQLITE_NOTADB / SQLITE_CORRUPT while opening, reading or checking: the same refusal as a failed check. */
export function asDamaged(file: string, error: unknown): unknown {
  if (error instanceof DamagedDatabaseError) return error
  const code = (error as {code?: string}).code ?? ''
  if (/^SQLITE_(NOTADB|CORRUPT)/.test(code)) return new DamagedDatabaseError(file, [(error as Error).message])
  return error
}

function quickCheck(db: Database.Database): string[] {
  const rows = db.pragma('quick_check') as {quick_check: string}[]
  return rows.map((row) => row.quick_check).filter((finding) => finding !== 'ok')
}

/*
 * The store's check comes in two parts (`IntegrityCheck`):
 *
 * 1. Blocking: `PRAGMA quick_check(<table>)` of every ordinary table (with its indexes), the schema
 *    table and the FTS5 index's shadow tables included, in one read transaction. That is every
 *    b-tree of the file: its pages, cells, overflow chains, key order and NOT NULL columns, so any
 *    damaged page that holds data or an index is found. Checked per table it leaves out what only a
 *    whole-file check sees: the free list, pages that no b-tree and no free-list entry uses, and a
 *    page claimed by two different tables. Those are space accounting, not data: a leaked or
 *    misfiled free page loses nothing the lake serves, and a free page that is still in use makes
 *    the write that reuses it fail with SQLITE_CORRUPT (no answer is given from a page that failed).
 *    A whole-file quick_check would run the FTS5 index's own deep check too, which is most of the
 *    cost (5.2 of 5.3 s on a 100,000-post store).
 * 2. In the background, after 1 passed: each virtual table's own check (`quick_check(<vtab>)`: the
 *    FTS5 index's structure and doclists, `fts_words`). The full-text index is derived data: the
 *    store does not use it to narrow searches until it passed, and rebuilds it if it failed (fts.ts).
 */

/** Lists the tables of a schema: ordinary ones (part 1, with the schema table itself) and virtual ones (part 2). */
function tablesOf(db: Database.Database): {ordinary: string[]; virtual: string[]} {
  const rows = db.prepare<[], {name: string; sql: string | null}>(`SELECT name, sql FROM sqlite_schema WHERE type = 'table'`).all()
  const virtual = rows.filter((row) => /^CREATE\s+VIRTUAL\s/i.test(row.sql ?? '')).map((row) => row.name)
  const ordinary = ['sqlite_schema', ...rows.map((row) => row.name).filter((name) => !virtual.includes(name))]
  return {ordinary, virtual}
}

function checkEach(db: Database.Database, tables: string[]): string[] {
  const findings: string[] = []
  for (const table of tables) {
    const rows = db.pragma(`quick_check('${table.replaceAll("'", "''")}')`) as {quick_check: string}[]
    for (const row of rows) if (row.quick_check !== 'ok') findings.push(row.quick_check)
  }
  return findings
}

/** Part 1 on this connection (one read transaction, unless the caller is in one). */
function checkTables(db: Database.Database): string[] {
  return db.transaction(() => checkEach(db, tablesOf(db).ordinary))()
}

/** Part 2 on this connection. */
function checkVirtualTables(db: Database.Database): string[] {
  return db.transaction(() => checkEach(db, tablesOf(db).virtual))()
}

type CheckMessage = {part: 1 | 2; findings?: string[]; error?: {message: string; code?: string}}

/**
 * The integrity check of a store (see the two parts above), run on its own connection in a worker
 * thread while the opening connection reads ids, types and columns. Nothing may be written to the
 * store, nor any answer given from it, until part 1 passed: `assert()` (blocking) or `settled`
 * (awaitable), then `assert()`. `virtualTables` resolves with part 2's findings (null: not run,
 * because part 1 failed or the store closed first). If the worker cannot run, each part runs on
 * the opening connection instead, so neither is ever skipped.
 */
export class IntegrityCheck {
  private findings: string[] | null = null
  private virtualFindings: string[] | null | undefined = undefined
  private readonly flag = new Int32Array(new SharedArrayBuffer(4))
  private port: MessagePort | null = null
  private worker: Worker | null = null
  private settle!: () => void
  private settleVirtual!: (findings: string[] | null) => void
  /** Resolves once part 1 has finished (passed or not); never rejects. */
  readonly settled = new Promise<void>((resolve) => (this.settle = resolve))
  /** Part 2's findings once it has run (empty: passed), null if it will not run; never rejects. */
  readonly virtualTables = new Promise<string[] | null>((resolve) => (this.settleVirtual = resolve))

  constructor(
    private readonly file: string,
    private readonly db: Database.Database,
    options: {background: boolean},
  ) {
    if (!options.background || file === ':memory:') {
      this.setFindings(checkTables(db))
      if (this.findings!.length === 0) this.setVirtual(checkVirtualTables(db))
      return
    }
    try {
      const {port1, port2} = new MessageChannel()
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {file, module: betterSqlite3Path(), port: port2, flag: this.flag},
        transferList: [port2],
      })
      worker.unref()
      this.worker = worker
      this.port = port1
      port1.on('message', (message: CheckMessage) => this.accept(message))
      const gone = () => {
        this.worker = null
        this.receive()
      }
      worker.once('error', gone)
      worker.once('exit', gone)
    } catch {
      this.worker = null
      this.receive()
    }
  }

  /** Whether part 1 has finished. */
  get done(): boolean {
    return this.findings !== null
  }

  /** Part 2's verdict if it is known now (undefined: still running; null: will not run). */
  get virtualVerdict(): string[] | null | undefined {
    return this.virtualFindings
  }

  /** Waits (blocking) for part 1 and throws DamagedDatabaseError if it found damage. */
  assert(): void {
    if (this.findings === null) {
      // The worker sets the flag after posting part 1's findings, so they are on the port once it is set.
      while (Atomics.load(this.flag, 0) === 0 && this.worker) {
        if (Atomics.wait(this.flag, 0, 0, 50) === 'timed-out' && this.findings === null && !this.workerAlive()) break
      }
      this.receive()
    }
    if (this.findings === null) throw new Error('The lake store was closed before its integrity check finished')
    if (this.findings.length > 0) throw new DamagedDatabaseError(this.file, this.findings!)
  }

  close(): void {
    this.port?.close()
    this.port = null
    void this.worker?.terminate()
    this.worker = null
    this.settle()
    this.setVirtual(null)
  }

  private workerAlive(): boolean {
    return this.worker !== null && this.worker.threadId !== -1
  }

  /** Takes what the worker has posted; a part it will not answer (it failed to start or crashed) runs here instead. */
  private receive(): void {
    for (let message; this.port && (message = receiveMessageOnPort(this.port)); ) this.accept(message.message as CheckMessage)
    if (!this.db.open) return
    if (this.findings === null) this.setFindings(checkTables(this.db))
    if (this.findings!.length === 0 && this.virtualFindings === undefined && !this.workerAlive()) {
      // Part 2 is the slow one: not in the middle of whatever called this.
      setImmediate(() => {
        if (this.db.open && this.virtualFindings === undefined) this.setVirtual(checkVirtualTables(this.db))
      })
    }
  }

  private accept(message: CheckMessage): void {
    const {findings, error} = message
    const verdict = findings ?? (error && /^SQLITE_(NOTADB|CORRUPT)/.test(error.code ?? '') ? [error.message] : null)
    if (message.part === 1 && this.findings === null) {
      if (verdict) this.setFindings(verdict)
      else if (this.db.open) this.setFindings(checkTables(this.db))
      // Part 2 must not keep a process alive that has nothing else to do.
      this.port?.unref()
      if ((this.findings as string[] | null)?.length) this.close()
    } else if (message.part === 2 && this.virtualFindings === undefined) {
      if (verdict) this.setVirtual(verdict)
      else if (this.db.open) this.setVirtual(checkVirtualTables(this.db))
      this.close()
    }
  }

  private setFindings(findings: string[]): void {
    if (this.findings !== null) return
    this.findings = findings
    this.settle()
    if (findings.length > 0) this.setVirtual(null)
  }

  private setVirtual(findings: string[] | null): void {
    if (this.virtualFindings !== undefined) return
    this.virtualFindings = findings
    this.settleVirtual(findings)
  }
}

/** Where the worker loads better-sqlite3 from (the module this file uses). */
function betterSqlite3Path(): string {
  return createRequire(path.join(process.cwd(), 'package.json')).resolve('better-sqlite3')
}

// The worker runs the two parts above with the same SQL (kept in step with tablesOf/checkEach).
const WORKER_SOURCE = `
const {workerData} = require('node:worker_threads')
const {file, module, port, flag} = workerData
const failure = (error) => ({error: {message: String(error && error.message), code: error && error.code}})
function checkEach(db, tables) {
  const findings = []
  db.exec('BEGIN')
  try {
    for (const table of tables) {
      for (const row of db.pragma("quick_check('" + table.replaceAll("'", "''") + "')")) if (row.quick_check !== 'ok') findings.push(row.quick_check)
    }
  } finally {
    db.exec('COMMIT')
  }
  return findings
}
let db = null
let tables = null
let first
try {
  const Database = require(module)
  db = new Database(file, {fileMustExist: true, readonly: true})
  // Reading the file through a memory map halves the check's CPU time (no copy per page); the map
  // goes with this connection when the check ends.
  db.pragma('mmap_size = ' + 2 ** 40)
  const rows = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table'").all()
  const virtual = rows.filter((row) => /^CREATE\\s+VIRTUAL\\s/i.test(row.sql || '')).map((row) => row.name)
  tables = {ordinary: ['sqlite_schema', ...rows.map((row) => row.name).filter((name) => !virtual.includes(name))], virtual}
  first = {part: 1, findings: checkEach(db, tables.ordinary)}
} catch (error) {
  first = {part: 1, ...failure(error)}
}
port.postMessage(first)
Atomics.store(flag, 0, 1)
Atomics.notify(flag, 0)
if (first.findings && first.findings.length === 0) {
  // Unmap the file before the slow part: every page part 1 touched stays mapped (and counted in the
  // process's RSS, ~1.2 GiB at 100,000 posts) for as long as the map lives.
  try {
    db.pragma('mmap_size = 0')
  } catch {}
  // Part 2 is background work: on Linux a thread's nice value is its own (setpriority on the
  // calling thread), so it yields the CPU to the lake's first queries. Elsewhere it would apply
  // to the whole process: left alone.
  if (process.platform === 'linux') {
    try {
      require('node:os').setPriority(19)
    } catch {}
  }
  let second
  try {
    // Not through the memory map: the pages it maps count in the process's resident memory, and
    // part 2 runs for seconds beside the lake's own work.
    db.pragma('mmap_size = 0')
    second = {part: 2, findings: checkEach(db, tables.virtual)}
  } catch (error) {
    second = {part: 2, ...failure(error)}
  }
  port.postMessage(second)
}
try {
  if (db) db.close()
} catch {}
port.close()
`

/** Creates the file empty with mode 0600 (SQLite accepts an empty file as a new database), or tightens an existing one. */
function ownerOnly(file: string): void {
  fs.mkdirSync(path.dirname(file), {recursive: true})
  try {
    fs.writeFileSync(file, '', {flag: 'wx', mode: 0o600})
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  for (const companion of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(companion).mode & 0o077) !== 0) fs.chmodSync(companion, 0o600)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
}
