/**
 * Opening a lake SQLite file safely: created readable by its owner only (0600, like the secrets
 * beside it; SQLite gives the -wal and -shm files the database file's mode), and checked with
 * SQLite's own `PRAGMA quick_check` before anything is served from or written to it. A damaged
 * file makes the lake refuse to start with what to do, instead of answering with part of the data
 * and writing more into the damage. Used by the document store and the auth store.
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

/**
 * `PRAGMA quick_check` of a store, run on its own connection in a worker thread while the opening
 * connection reads ids, types and columns (on a 100,000-post store the check alone takes ~1.6 s).
 * Nothing may be written to the store, nor any answer given from it, until the check passed:
 * `assert()` (blocking) or `settled` (awaitable), then `assert()`. If the worker cannot run, the
 * check runs on the opening connection instead, so it is never skipped.
 */
export class IntegrityCheck {
  private findings: string[] | null = null
  private readonly flag = new Int32Array(new SharedArrayBuffer(4))
  private readonly port: MessagePort | null = null
  private worker: Worker | null = null
  /** Resolves once the check has finished (passed or not); never rejects. */
  readonly settled: Promise<void>

  constructor(
    private readonly file: string,
    private readonly db: Database.Database,
    options: {background: boolean},
  ) {
    if (!options.background || file === ':memory:') {
      this.findings = quickCheck(db)
      this.settled = Promise.resolve()
      return
    }
    let started: {worker: Worker; port: MessagePort} | null = null
    try {
      const {port1, port2} = new MessageChannel()
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {file, module: betterSqlite3Path(), port: port2, flag: this.flag},
        transferList: [port2],
      })
      worker.unref()
      started = {worker, port: port1}
    } catch {
      this.findings = quickCheck(db)
    }
    if (!started) {
      this.settled = Promise.resolve()
      return
    }
    this.worker = started.worker
    this.port = started.port
    this.settled = new Promise<void>((resolve) => {
      const done = () => {
        this.receive()
        resolve()
      }
      started.port.once('message', (message: unknown) => {
        this.accept(message)
        resolve()
      })
      started.worker.once('error', done)
      started.worker.once('exit', done)
    })
  }

  /** Whether the check has finished. */
  get done(): boolean {
    return this.findings !== null
  }

  /** Waits (blocking) for the check and throws DamagedDatabaseError if it found damage. */
  assert(): void {
    if (this.findings === null) {
      // The worker sets the flag after posting its findings, so they are on the port once it is set.
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
    void this.worker?.terminate()
    this.worker = null
  }

  private workerAlive(): boolean {
    return this.worker !== null && this.worker.threadId !== -1
  }

  private receive(): void {
    if (this.findings !== null) return
    const message = this.port ? receiveMessageOnPort(this.port) : undefined
    if (message) this.accept(message.message)
    // No answer from the worker (it failed to start or crashed): check here instead.
    if (this.findings === null && this.db.open) this.findings = quickCheck(this.db)
  }

  private accept(message: unknown): void {
    if (this.findings !== null) return
    const {findings, error} = message as {findings?: string[]; error?: {message: string; code?: string}}
    if (findings) this.findings = findings
    else if (error && /^SQLITE_(NOTADB|CORRUPT)/.test(error.code ?? '')) this.findings = [error.message]
    else if (this.db.open) this.findings = quickCheck(this.db)
    this.close()
  }
}

/** Where the worker loads better-sqlite3 from (the module this file uses). */
function betterSqlite3Path(): string {
  return createRequire(path.join(process.cwd(), 'package.json')).resolve('better-sqlite3')
}

const WORKER_SOURCE = `
const {workerData} = require('node:worker_threads')
const {file, module, port, flag} = workerData
let message
try {
  const Database = require(module)
  const db = new Database(file, {fileMustExist: true, readonly: true})
  try {
    // Reading the file through a memory map halves the check's CPU time (no copy per page); the map
    // goes with this connection when the check ends.
    db.pragma('mmap_size = ' + 2 ** 40)
    const rows = db.pragma('quick_check')
    message = {findings: rows.map((row) => row.quick_check).filter((finding) => finding !== 'ok')}
  } finally {
    db.close()
  }
} catch (error) {
  message = {error: {message: String(error && error.message), code: error && error.code}}
}
port.postMessage(message)
Atomics.store(flag, 0, 1)
Atomics.notify(flag, 0)
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
