/**
 * Durable webhook deliveries: one row per (payload, target URL) in the lake's own SQLite database
 * (table `webhook_deliveries`, created here with CREATE TABLE IF NOT EXISTS, beside — never inside —
 * the engine's tables), written with `synchronous = FULL` like the documents. A row leaves the table
 * when its delivery succeeds, is refused for good (4xx) or runs out of attempts; until then it
 * survives crashes and restarts, and the dispatcher resumes it.
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
    const db = this.db
    this.statements = {
      insert: db.prepare('INSERT INTO webhook_deliveries (url, body, next_attempt_at, created_at) VALUES (?, ?, ?, ?)'),
      due: db.prepare<[number, number], {id: number; url: string; body: string; attempts: number; next_attempt_at: number}>(
        'SELECT id, url, body, attempts, next_attempt_at FROM webhook_deliveries WHERE next_attempt_at <= ? ORDER BY id LIMIT ?',
      ),
      nextDue: db.prepare<[], {at: number | null}>('SELECT MIN(next_attempt_at) AS at FROM webhook_deliveries'),
      count: db.prepare<[], {count: number}>('SELECT COUNT(*) AS count FROM webhook_deliveries'),
      remove: db.prepare('DELETE FROM webhook_deliveries WHERE id = ?'),
      retry: db.prepare('UPDATE webhook_deliveries SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?'),
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

  /** Delivered, refused for good, or given up: the row is done. */
  finish(id: number): void {
    this.statements.remove.run(id)
  }

  retryAt(id: number, attempts: number, at: number, error: string): void {
    this.statements.retry.run(attempts, at, error.slice(0, 500), id)
  }

  close(): void {
    this.db.close()
  }
}
