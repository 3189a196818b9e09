/**
 * Durable webhook deliveries: one row per (payload, target URL) in the lake's own SQLite database
 * (table `webhook_deliveries`, created here with CREATE TABLE IF NOT EXISTS, beside — never inside —
 * the engine's tables), written with `synchronous = FULL` like the documents. A row leaves the table
 * when its delivery succeeds; until then it survives crashes and restarts, and the dispatcher
 * resumes it. A delivery that failed for good (refused with a 4xx other than 408/429, out of
 * attempts, or its URL no longer configured) is not deleted: it stays as a failed row
 * (`failed_at`, `last_error`), logged when it fails, listed by `failed()` and put back in line by
 * `retryFailed()` — never silently lost. Failed rows are kept for FAILED_KEEP_MS, at most
 * FAILED_KEEP_ROWS of them.
 *
 * A separate connection to the same file: SQLite in WAL mode lets it write while the engine reads
 * and writes, and the engine's schema stays the engine's.
 */
import Database from 'better-sqlite3'

export interface DeliveryRow {
  id: number
  url: string
  body: string
  attempts: number
  nextAttemptAt: number
}

export interface FailedDelivery {
  id: number
  url: string
  body: string
  attempts: number
  lastError: string | null
  failedAt: number
  createdAt: number
}

const FAILED_KEEP_MS = 30 * 24 * 3600_000
const FAILED_KEEP_ROWS = 1_000

export class WebhookOutbox {
  private readonly db: Database.Database
  private readonly statements

  /** `file`: the lake's `lake.sqlite` (or ':memory:' when nothing needs to survive). */
  constructor(file: string) {
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = FULL')
    this.db.pragma('busy_timeout = 5000')
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS webhook_deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        url TEXT NOT NULL,
        body TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id);
    `)
    // Added after the first release: older lakes get the column on their next start.
    const columns = this.db.prepare<[], {name: string}>('PRAGMA table_info(webhook_deliveries)').all()
    if (!columns.some((column) => column.name === 'failed_at')) this.db.exec('ALTER TABLE webhook_deliveries ADD COLUMN failed_at INTEGER')
    const db = this.db
    this.statements = {
      insert: db.prepare('INSERT INTO webhook_deliveries (url, body, next_attempt_at, created_at) VALUES (?, ?, ?, ?)'),
      due: db.prepare<[number, number], {id: number; url: string; body: string; attempts: number; next_attempt_at: number}>(
        'SELECT id, url, body, attempts, next_attempt_at FROM webhook_deliveries WHERE failed_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?',
      ),
      nextDue: db.prepare<[], {at: number | null}>('SELECT MIN(next_attempt_at) AS at FROM webhook_deliveries WHERE failed_at IS NULL'),
      count: db.prepare<[], {count: number}>('SELECT COUNT(*) AS count FROM webhook_deliveries WHERE failed_at IS NULL'),
      remove: db.prepare('DELETE FROM webhook_deliveries WHERE id = ?'),
      retry: db.prepare('UPDATE webhook_deliveries SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?'),
      fail: db.prepare('UPDATE webhook_deliveries SET attempts = ?, failed_at = ?, last_error = ? WHERE id = ?'),
      failed: db.prepare<[number], {id: number; url: string; body: string; attempts: number; last_error: string | null; failed_at: number; created_at: number}>(
        'SELECT id, url, body, attempts, last_error, failed_at, created_at FROM webhook_deliveries WHERE failed_at IS NOT NULL ORDER BY id DESC LIMIT ?',
      ),
      pruneOld: db.prepare('DELETE FROM webhook_deliveries WHERE failed_at IS NOT NULL AND failed_at < ?'),
      pruneMany: db.prepare(
        'DELETE FROM webhook_deliveries WHERE failed_at IS NOT NULL AND id NOT IN (SELECT id FROM webhook_deliveries WHERE failed_at IS NOT NULL ORDER BY id DESC LIMIT ?)',
      ),
      requeueOne: db.prepare('UPDATE webhook_deliveries SET failed_at = NULL, attempts = 0, next_attempt_at = ? WHERE failed_at IS NOT NULL AND id = ?'),
      requeueAll: db.prepare('UPDATE webhook_deliveries SET failed_at = NULL, attempts = 0, next_attempt_at = ? WHERE failed_at IS NOT NULL'),
    }
  }

  /** Stores deliveries due now, atomically (all of one transaction's payloads or none). */
  enqueue(deliveries: {url: string; body: string}[], now = Date.now()): void {
    if (deliveries.length === 0) return
    this.db.transaction(() => {
      for (const delivery of deliveries) this.statements.insert.run(delivery.url, delivery.body, now, now)
    })()
  }

  /** Deliveries whose time has come, oldest first. */
  due(now = Date.now(), limit = 100): DeliveryRow[] {
    return this.statements.due.all(now, limit).map((row) => ({
      id: row.id,
      url: row.url,
      body: row.body,
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at,
    }))
  }

  /** When the earliest pending delivery is due; null when none is pending. */
  nextDueAt(): number | null {
    return this.statements.nextDue.get()?.at ?? null
  }

  pending(): number {
    return this.statements.count.get()?.count ?? 0
  }

  /** Delivered: the row is done. */
  finish(id: number): void {
    this.statements.remove.run(id)
  }

  /** Failed for good (refused, out of attempts, target gone): kept as a failed row, not retried. */
  fail(id: number, attempts: number, error: string, now = Date.now()): void {
    this.db.transaction(() => {
      this.statements.fail.run(attempts, now, error.slice(0, 500), id)
      this.statements.pruneOld.run(now - FAILED_KEEP_MS)
      this.statements.pruneMany.run(FAILED_KEEP_ROWS)
    })()
  }

  /** Deliveries that failed for good, newest first. */
  failed(limit = 100): FailedDelivery[] {
    return this.statements.failed.all(limit).map((row) => ({
      id: row.id,
      url: row.url,
      body: row.body,
      attempts: row.attempts,
      lastError: row.last_error,
      failedAt: row.failed_at,
      createdAt: row.created_at,
    }))
  }

  /** Puts failed deliveries (one, or all) back in line, due now; returns how many. */
  retryFailed(id?: number, now = Date.now()): number {
    return (id === undefined ? this.statements.requeueAll.run(now) : this.statements.requeueOne.run(now, id)).changes
  }

  retryAt(id: number, attempts: number, at: number, error: string): void {
    this.statements.retry.run(attempts, at, error.slice(0, 500), id)
  }

  close(): void {
    this.db.close()
  }
}
