/**
 * Durable storage in SQLite: current documents, the transaction log and every document version a
 * transaction produced (the history). WAL + synchronous=FULL: once `commit` returns, the
 * transaction survives a crash or kill -9 of the process.
 */
import Database from 'better-sqlite3'
import {FullTextIndex} from './fts'
import {openCheckedDatabase} from './integrity'
import type {Mutation, SanityDocument} from './types'

/** Bump when the schema changes and add a step to MIGRATIONS: old stores are upgraded in place. */
const MIGRATIONS: string[] = [
  // 1: initial schema
  `
  CREATE TABLE documents (
    dataset TEXT NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    json TEXT NOT NULL,
    rev TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (dataset, id)
  ) WITHOUT ROWID;
  CREATE INDEX documents_by_type ON documents (dataset, type);

  -- seq orders transactions; id is the client-visible transaction id (= the new _rev).
  CREATE TABLE transactions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    dataset TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    author TEXT NOT NULL,
    mutations TEXT NOT NULL,
    document_ids TEXT NOT NULL
  );
  CREATE UNIQUE INDEX transactions_by_id ON transactions (dataset, id);
  CREATE INDEX transactions_by_time ON transactions (dataset, timestamp);

  -- One row per document a transaction touched: the document as it was after it (json NULL =
  -- deleted). A transaction's effects on a document (mendoza apply/revert) are this row and the
  -- document's previous row, so each version is stored once.
  CREATE TABLE document_versions (
    dataset TEXT NOT NULL,
    document_id TEXT NOT NULL,
    seq INTEGER NOT NULL REFERENCES transactions (seq),
    rev TEXT,
    json TEXT,
    PRIMARY KEY (dataset, document_id, seq)
  ) WITHOUT ROWID;
  CREATE INDEX document_versions_by_rev ON document_versions (dataset, document_id, rev);
  `,
]

export interface StoredChange {
  id: string
  after: SanityDocument | null
}

export interface StoredTransaction {
  id: string
  dataset: string
  timestamp: string
  author: string
  mutations: Mutation[]
  changes: StoredChange[]
}

export interface TransactionRow {
  seq: number
  id: string
  timestamp: string
  author: string
  mutations: string
  document_ids: string
}

export interface VersionRow {
  document_id: string
  seq: number
  rev: string | null
  json: string | null
}

export class Store {
  private readonly db: Database.Database
  private readonly statements
  /** Full-text index for GROQ `match` (fts.ts), kept in the commit transaction. */
  readonly fullText: FullTextIndex

  constructor(file: string) {
    this.db = openCheckedDatabase(file)
    this.db.pragma('journal_mode = WAL')
    // FULL: fsync the WAL on every commit, so an acknowledged transaction survives power loss / kill -9.
    this.db.pragma('synchronous = FULL')
    this.db.pragma('foreign_keys = ON')
    this.db.pragma('busy_timeout = 5000')
    try {
      this.migrate()
      this.fullText = new FullTextIndex(this.db)
    } catch (error) {
      this.db.close()
      throw error
    }
    const db = this.db
    this.statements = {
      allDocuments: db.prepare<[string], {json: string}>('SELECT json FROM documents WHERE dataset = ? ORDER BY id'),
      upsertDocument: db.prepare(
        `INSERT INTO documents (dataset, id, type, json, rev, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (dataset, id) DO UPDATE SET type = excluded.type, json = excluded.json, rev = excluded.rev,
         created_at = excluded.created_at, updated_at = excluded.updated_at`,
      ),
      deleteDocument: db.prepare('DELETE FROM documents WHERE dataset = ? AND id = ?'),
      insertTransaction: db.prepare(
        'INSERT INTO transactions (id, dataset, timestamp, author, mutations, document_ids) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      insertVersion: db.prepare('INSERT INTO document_versions (dataset, document_id, seq, rev, json) VALUES (?, ?, ?, ?, ?)'),
      transactionExists: db.prepare<[string, string], {one: number}>('SELECT 1 AS one FROM transactions WHERE dataset = ? AND id = ?'),
      transactionSeq: db.prepare<[string, string], {seq: number}>('SELECT seq FROM transactions WHERE dataset = ? AND id = ?'),
      datasets: db.prepare<[], {dataset: string}>(
        'SELECT dataset FROM documents UNION SELECT dataset FROM transactions ORDER BY dataset',
      ),
      versionByRev: db.prepare<[string, string, string], VersionRow>(
        `SELECT document_id, seq, rev, json FROM document_versions WHERE dataset = ? AND document_id = ? AND rev = ?
         ORDER BY seq DESC LIMIT 1`,
      ),
      versionAtTime: db.prepare<[string, string, string], VersionRow>(
        `SELECT v.document_id, v.seq, v.rev, v.json FROM document_versions v
         JOIN transactions t ON t.seq = v.seq
         WHERE v.dataset = ? AND v.document_id = ? AND t.timestamp <= ? ORDER BY v.seq DESC LIMIT 1`,
      ),
      versionBefore: db.prepare<[string, string, number], VersionRow>(
        `SELECT document_id, seq, rev, json FROM document_versions WHERE dataset = ? AND document_id = ? AND seq < ?
         ORDER BY seq DESC LIMIT 1`,
      ),
    }
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', {simple: true}) as number
    if (current > MIGRATIONS.length) {
      throw new Error(`Lake store schema version ${current} is newer than this code supports (${MIGRATIONS.length})`)
    }
    for (let version = current; version < MIGRATIONS.length; version++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[version])
        this.db.pragma(`user_version = ${version + 1}`)
      })()
    }
  }

  loadDocuments(dataset: string): SanityDocument[] {
    return this.statements.allDocuments.all(dataset).map((row) => JSON.parse(row.json) as SanityDocument)
  }

  hasTransaction(dataset: string, id: string): boolean {
    return this.statements.transactionExists.get(dataset, id) !== undefined
  }

  transactionSeq(dataset: string, id: string): number | undefined {
    return this.statements.transactionSeq.get(dataset, id)?.seq
  }

  datasets(): string[] {
    return this.statements.datasets.all().map((row) => row.dataset)
  }

  /** Writes one transaction atomically: either all of it is durable or none of it. */
  commit(tx: StoredTransaction): void {
    const {dataset} = tx
    this.db.transaction(() => {
      const {lastInsertRowid} = this.statements.insertTransaction.run(
        tx.id,
        dataset,
        tx.timestamp,
        tx.author,
        JSON.stringify(tx.mutations),
        JSON.stringify(tx.changes.map((change) => change.id)),
      )
      for (const {id, after} of tx.changes) {
        if (after) {
          const json = JSON.stringify(after)
          this.statements.upsertDocument.run(dataset, id, after._type, json, after._rev, after._createdAt, after._updatedAt)
          this.statements.insertVersion.run(dataset, id, lastInsertRowid, after._rev, json)
        } else {
          this.statements.deleteDocument.run(dataset, id)
          this.statements.insertVersion.run(dataset, id, lastInsertRowid, null, null)
        }
      }
      this.fullText.index(dataset, tx.changes)
    }).immediate()
  }

  versionByRevision(dataset: string, id: string, rev: string): VersionRow | undefined {
    return this.statements.versionByRev.get(dataset, id, rev)
  }

  versionAtTime(dataset: string, id: string, time: string): VersionRow | undefined {
    return this.statements.versionAtTime.get(dataset, id, time)
  }

  versionBefore(dataset: string, id: string, seq: number): VersionRow | undefined {
    return this.statements.versionBefore.get(dataset, id, seq)
  }

  /** Transactions touching any of `ids`, in commit order, bounded by seq and time. */
  transactionsTouching(
    dataset: string,
    ids: string[],
    bounds: {fromSeq?: number; toSeq?: number; fromTime?: string; toTime?: string; reverse: boolean; limit: number},
  ): TransactionRow[] {
    const conditions = ['t.dataset = ?']
    const args: unknown[] = [dataset]
    const bound = (condition: string, value: unknown) => {
      if (value === undefined) return
      conditions.push(condition)
      args.push(value)
    }
    bound('t.seq >= ?', bounds.fromSeq)
    bound('t.seq <= ?', bounds.toSeq)
    bound('t.timestamp >= ?', bounds.fromTime)
    bound('t.timestamp <= ?', bounds.toTime)
    const placeholders = ids.map(() => '?').join(', ')
    const sql = `SELECT t.seq, t.id, t.timestamp, t.author, t.mutations, t.document_ids FROM transactions t
      WHERE ${conditions.join(' AND ')}
      AND t.seq IN (SELECT v.seq FROM document_versions v WHERE v.dataset = ? AND v.document_id IN (${placeholders}))
      ORDER BY t.seq ${bounds.reverse ? 'DESC' : 'ASC'} LIMIT ?`
    return this.db.prepare<unknown[], TransactionRow>(sql).all(...args, dataset, ...ids, bounds.limit)
  }

  /** The versions of `ids` written by the transaction `seq`. */
  versionsInTransaction(dataset: string, seq: number, ids: string[]): VersionRow[] {
    const placeholders = ids.map(() => '?').join(', ')
    return this.db
      .prepare<unknown[], VersionRow>(
        `SELECT document_id, seq, rev, json FROM document_versions WHERE dataset = ? AND seq = ? AND document_id IN (${placeholders})`,
      )
      .all(dataset, seq, ...ids)
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}
