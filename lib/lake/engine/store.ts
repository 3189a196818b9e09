/**
 * Durable storage in SQLite: current documents, the transaction log and every document version a
 * transaction produced (the history). WAL + synchronous=FULL: once `commit` returns, the
 * transaction survives a crash or kill -9 of the process.
 */
import Database from 'better-sqlite3'
import {FullTextIndex} from './fts'
import {CatchUpReader, type TokenizedDocument} from './text-catch-up'
import {BackgroundCheckpointer} from './checkpointer'
import {asDamaged, IntegrityCheck, openDatabase} from './integrity'
import {rawTextOf, SplicedBytes, type RawText} from './raw-document'
import {PathIndexes} from './path-indexes'
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
  // 2: documents and versions in rowid tables. WITHOUT ROWID keeps whole rows in the primary key's
  // b-tree, which suits small rows; documents are kilobytes, and inserting them there (an import)
  // was 2-3x slower than into a rowid table with a separate key index.
  `
  CREATE TABLE documents_v2 (
    dataset TEXT NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    json TEXT NOT NULL,
    rev TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (dataset, id)
  );
  INSERT INTO documents_v2 (dataset, id, type, json, rev, created_at, updated_at)
    SELECT dataset, id, type, json, rev, created_at, updated_at FROM documents ORDER BY dataset, id;
  DROP TABLE documents;
  ALTER TABLE documents_v2 RENAME TO documents;
  CREATE INDEX documents_by_type ON documents (dataset, type);

  CREATE TABLE document_versions_v2 (
    dataset TEXT NOT NULL,
    document_id TEXT NOT NULL,
    seq INTEGER NOT NULL REFERENCES transactions (seq),
    rev TEXT,
    json TEXT,
    PRIMARY KEY (dataset, document_id, seq)
  );
  INSERT INTO document_versions_v2 (dataset, document_id, seq, rev, json)
    SELECT dataset, document_id, seq, rev, json FROM document_versions ORDER BY seq;
  DROP TABLE document_versions;
  ALTER TABLE document_versions_v2 RENAME TO document_versions;
  CREATE INDEX document_versions_by_rev ON document_versions (dataset, document_id, rev);
  `,
  // 3: the type index also holds ids, so opening a store (every id and type) reads one small index
  // instead of the first page of every document row (0.5-0.8 s at 100,000 posts).
  `
  DROP INDEX documents_by_type;
  CREATE INDEX documents_by_type_id ON documents (dataset, type, id);
  `,
]

/** A document's stored JSON: a string, or its UTF-8 bytes (an import line read as bytes, raw-document.ts). */
export type DocumentText = RawText

/** Index hints kept per dataset (see indexHints). */
const MAX_INDEX_HINTS = 64

/**
 * The page size of a new store. Documents are kilobytes: with SQLite's default of 4 KiB each row
 * spills into a chain of overflow pages, and an import's batch of megabytes is thousands of WAL
 * frames, each its own write and checksum. With 32 KiB pages a document usually fits on a page
 * with others, and a 100,000-post import (6.7 KB each) took 20% less CPU on the lake's thread
 * (bench/lake-scale.ts import). The price: a small commit writes ~17 pages of 32 KiB to the WAL
 * instead of ~22 of 4 KiB (64 KiB pages imported no faster and doubled that again). An existing
 * store keeps the size it was made with (changing it takes a VACUUM of the whole file).
 */
export const NEW_STORE_PAGE_SIZE = 32 * 1024

/** What SQLite truncates the WAL file to when it starts over after a checkpoint (bytes). */
const WAL_SIZE_LIMIT = 64 * 2 ** 20

/**
 * The page cache (KiB) of the lake's connection. better-sqlite3's default is 16,000 KiB; with
 * 32 KiB pages that took a 10,000-post WordPress import's peak RSS from 215 to 320 MB, and
 * 8 MiB took it back to 200 MB. (The lake keeps the documents it serves in memory itself.)
 */
const CACHE_KIB = 8 * 1024
/** ...and while an import writes (see beginBulkWrites). */
const BULK_CACHE_KIB = 32 * 1024

export interface StoredChange {
  id: string
  after: SanityDocument | null
  /** The document before the transaction, when the caller knows it (commit hooks read it). */
  before?: SanityDocument | null
}

/**
 * Work that must be durable exactly when a commit is (the live event log): runs inside the
 * commit's SQLite transaction, after its `transactions` row (`seq`); a throw aborts the commit.
 */
export type CommitHook = (tx: StoredTransaction, seq: number) => void

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
  private readonly columnStatements = new Map<string, Database.Statement<[string], [string, string]>>()
  private readonly commitHooks: CommitHook[] = []
  /** Checkpoints off this thread while imports write (see beginBulkWrites). */
  readonly checkpointer: BackgroundCheckpointer

  /**
   * SQLite's quick_check of the file, run in a worker while the store opens (integrity.ts). Nothing
   * is written before it passed (`commit`), and the engine answers nothing before it passed.
   */
  readonly integrity: IntegrityCheck

  /**
   * The full-text index's own check (integrity.ts, part 2, after the store serves): 'ok', it now
   * narrows searches; 'rebuilt', it was damaged and is being filed again (`findings`); 'damaged',
   * it was and could not be rebuilt (not used until the next start); 'unchecked', the store closed first.
   */
  readonly textIndexChecked: Promise<{outcome: 'ok' | 'rebuilt' | 'damaged' | 'unchecked'; findings?: string[]}>

  /**
   * The attribute paths' covering indexes (path-indexes.ts), built in a worker, never on this
   * connection: a query on a path without one is answered by a scan meanwhile. Builds start only
   * once the store's checks are done (nothing is written before) and when `mayStart` allows.
   */
  readonly pathIndexes: PathIndexes
  private checked = false
  /** Imports (and catch-ups) writing now (see beginBulkWrites). */
  private bulkWrites = 0

  constructor(private readonly file: string) {
    this.db = openDatabase(file)
    let integrity: IntegrityCheck | null = null
    try {
      const fresh = this.db.pragma('journal_mode', {simple: true}) !== 'wal'
      // A new store, or one not in WAL mode yet, is checked before anything else (and is small or old).
      integrity = new IntegrityCheck(file, this.db, {background: !fresh})
      if (fresh) integrity.assert()
      // Only an empty file takes it (before its first write); an existing store keeps its own.
      this.db.pragma(`page_size = ${NEW_STORE_PAGE_SIZE}`)
      this.db.pragma('journal_mode = WAL')
      // FULL: fsync the WAL on every commit, so an acknowledged transaction survives power loss / kill -9.
      this.db.pragma('synchronous = FULL')
      this.db.pragma('foreign_keys = ON')
      this.db.pragma('busy_timeout = 5000')
      this.db.pragma(`cache_size = -${CACHE_KIB}`)
      // A WAL file keeps the size of its largest span between checkpoints unless told otherwise
      // (an import and its full-text catch-up left a 1 GB file beside a 1.1 GB store).
      this.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`)
      this.fullText = this.prepareSchema(integrity)
    } catch (error) {
      integrity?.close()
      this.db.close()
      throw asDamaged(file, error)
    }
    this.integrity = integrity
    this.checkpointer = new BackgroundCheckpointer(file, this.db)
    this.textIndexChecked = this.watchTextIndex(integrity)
    // Not while the checks run (nothing is written before they passed, and a damaged full-text
    // index is rebuilt on this connection); then as the engine allows (PathIndexes.mayStart).
    this.pathIndexes = new PathIndexes(this.db, file, () => this.checked && this.db.open && this.passed())
    void this.textIndexChecked.then(() => {
      this.checked = true
      this.pathIndexes.kick()
    })
    const db = this.db
    this.statements = {
      allDocuments: db.prepare<[string], {json: string}>('SELECT json FROM documents WHERE dataset = ? ORDER BY id'),
      skeleton: db.prepare<[string], {id: string; type: string}>('SELECT id, type FROM documents INDEXED BY documents_by_type_id WHERE dataset = ?'),
      documentJson: db.prepare<[string, string], {json: string}>('SELECT json FROM documents WHERE dataset = ? AND id = ?'),
      upsertDocument: db.prepare(
        `INSERT INTO documents (dataset, id, type, json, rev, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (dataset, id) DO UPDATE SET type = excluded.type, json = excluded.json, rev = excluded.rev,
         created_at = excluded.created_at, updated_at = excluded.updated_at`,
      ),
      // The same for JSON given as a string head (often empty) and UTF-8 bytes (checked valid): SQLite reads them as the text they encode.
      upsertDocumentBytes: db.prepare(
        `INSERT INTO documents (dataset, id, type, json, rev, created_at, updated_at) VALUES (?, ?, ?, ? || CAST(? AS TEXT), ?, ?, ?)
         ON CONFLICT (dataset, id) DO UPDATE SET type = excluded.type, json = excluded.json, rev = excluded.rev,
         created_at = excluded.created_at, updated_at = excluded.updated_at`,
      ),
      deleteDocument: db.prepare('DELETE FROM documents WHERE dataset = ? AND id = ?'),
      insertTransaction: db.prepare(
        'INSERT INTO transactions (id, dataset, timestamp, author, mutations, document_ids) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      insertVersion: db.prepare('INSERT INTO document_versions (dataset, document_id, seq, rev, json) VALUES (?, ?, ?, ?, ?)'),
      // The same for many documents: a JSON array of [id, rev] (rev null: deleted).
      insertVersions: db.prepare<[string, number | bigint, string]>(
        'INSERT INTO document_versions (dataset, document_id, seq, rev, json) SELECT ?, value ->> 0, ?, value ->> 1, NULL FROM json_each(?)',
      ),
      // A version stored as "the current document row" gets its JSON before that row changes. Only
      // a document's newest version can be one (each commit materialises it before adding the next),
      // so only that row is read: a draft with thousands of versions costs what a new one does.
      materialiseVersion: db.prepare<[{dataset: string; id: string}]>(
        `UPDATE document_versions SET json = (SELECT json FROM documents WHERE dataset = @dataset AND id = @id)
         WHERE rowid = (SELECT rowid FROM document_versions WHERE dataset = @dataset AND document_id = @id ORDER BY seq DESC LIMIT 1)
         AND json IS NULL AND rev IS NOT NULL`,
      ),
      transactionExists: db.prepare<[string, string], {one: number}>('SELECT 1 AS one FROM transactions WHERE dataset = ? AND id = ?'),
      transactionSeq: db.prepare<[string, string], {seq: number}>('SELECT seq FROM transactions WHERE dataset = ? AND id = ?'),
      datasets: db.prepare<[], {dataset: string}>(
        'SELECT dataset FROM documents UNION SELECT dataset FROM transactions ORDER BY dataset',
      ),
      versionByRev: db.prepare<[string, string, string], VersionRow>(
        `SELECT document_id, seq, rev, ${VERSION_JSON} AS json FROM document_versions v WHERE dataset = ? AND document_id = ? AND rev = ?
         ORDER BY seq DESC LIMIT 1`,
      ),
      versionAtTime: db.prepare<[string, string, string], VersionRow>(
        `SELECT v.document_id, v.seq, v.rev, ${VERSION_JSON} AS json FROM document_versions v
         JOIN transactions t ON t.seq = v.seq
         WHERE v.dataset = ? AND v.document_id = ? AND t.timestamp <= ? ORDER BY v.seq DESC LIMIT 1`,
      ),
      versionBefore: db.prepare<[string, string, number], VersionRow>(
        `SELECT document_id, seq, rev, ${VERSION_JSON} AS json FROM document_versions v WHERE dataset = ? AND document_id = ? AND seq < ?
         ORDER BY seq DESC LIMIT 1`,
      ),
    }
  }

  /** Whether the integrity check's first part has passed (never waits for it). */
  private passed(): boolean {
    if (!this.integrity.done) return false
    try {
      this.integrity.assert()
      return true
    } catch {
      return false
    }
  }

  private watchTextIndex(integrity: IntegrityCheck): Store['textIndexChecked'] {
    const verdict = (findings: string[] | null): Awaited<Store['textIndexChecked']> => {
      this.fullText.checking = null
      if (findings === null || !this.db.open) return {outcome: 'unchecked'}
      if (findings.length === 0) {
        this.fullText.verified = true
        return {outcome: 'ok'}
      }
      try {
        this.fullText.rebuild()
        return {outcome: 'rebuilt', findings}
      } catch (error) {
        // Left unverified: never used to narrow a search in this process.
        return {outcome: 'damaged', findings: [...findings, `rebuild failed: ${(error as Error).message}`]}
      }
    }
    // Known already (a store checked before it opened): no search of this process goes unnarrowed.
    const known = integrity.virtualVerdict
    if (known !== undefined) return Promise.resolve(verdict(known))
    const checked = integrity.virtualTables.then(verdict)
    this.fullText.checking = checked
    return checked
  }

  /**
   * Schema migrations and the full-text index's own (fts.ts). While the integrity check runs the
   * connection is read-only (`query_only`): an up-to-date store opens without writing, and one that
   * needs writing waits for the check first, then opens again.
   */
  private prepareSchema(integrity: IntegrityCheck): FullTextIndex {
    if (!integrity.done) {
      this.db.pragma('query_only = ON')
      try {
        this.migrate()
        return new FullTextIndex(this.db)
      } catch (error) {
        if ((error as {code?: string}).code !== 'SQLITE_READONLY') throw error
      } finally {
        this.db.pragma('query_only = OFF')
      }
    }
    integrity.assert()
    this.migrate()
    return new FullTextIndex(this.db)
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

  /** Every stored document's id and type, without reading their bodies (cold start). */
  skeleton(dataset: string): {id: string; type: string}[] {
    return this.statements.skeleton.all(dataset)
  }

  /** One stored document as JSON text, or undefined. */
  documentJson(dataset: string, id: string): string | undefined {
    return this.statements.documentJson.get(dataset, id)?.json
  }

  /** Every stored document, parsed one at a time in `_id` order (exports: nothing is kept). */
  *iterateDocuments(dataset: string): Generator<SanityDocument> {
    for (const row of this.statements.allDocuments.iterate(dataset)) yield JSON.parse(row.json) as SanityDocument
  }

  /**
   * The value at an attribute path of every stored document that has one (GROQ attribute access:
   * objects only), extracted by SQLite from the stored JSON without parsing documents in JS.
   * Objects and arrays are given as `composite`. Returns null when the path cannot be written as an SQLite JSON path (then callers read documents).
   */
  column(dataset: string, path: string[], composite: unknown, read?: [string, string], idOf?: (id: string) => string): Map<string, unknown> | null {
    const expression = this.pathExpression(path)
    if (!expression) return null
    let statement = this.columnStatements.get(expression)
    if (!statement && !read) {
      statement = this.db.prepare<[string], [string, string]>(columnSql(expression)).raw(true) as unknown as Database.Statement<[string], [string, string]>
      this.columnStatements.set(expression, statement)
    }
    const [idsText, valuesText] = read ?? (statement!.get(dataset) as unknown as [string, string])
    const ids = JSON.parse(idsText) as string[]
    const found = JSON.parse(valuesText) as unknown[]
    // Documents hold values there: the path qualifies for its index (path-indexes.ts), built in the background.
    // So does `_score`, held by almost no document: every score() reads it (the stored values start
    // groq-js's sums), and without its index each process's first search reads every document for it.
    if (ids.length > 0 || (path.length === 1 && path[0] === '_score')) void this.pathIndexes.want(expression)
    const values = new Map<string, unknown>()
    // Memory: the ids are keyed by the caller's own strings (idOf: the handles' ids), not by the
    // copies JSON.parse made, and a value equal to the one before is kept once (the index hands
    // them over in value order, so repeats are adjacent: the timestamps of an import batch).
    let previous: unknown = undefined
    for (let i = 0; i < ids.length; i++) {
      let value = found[i]
      if (value === null) continue
      if (value === previous) value = previous
      else previous = value
      // Objects and arrays: only "present and not a scalar" matters to an index (see indexValue).
      values.set(idOf ? idOf(ids[i]) : ids[i], typeof value === 'object' ? composite : value)
    }
    return values
  }

  /**
   * `json -> '$."a"."b"'` for an attribute path, written as a literal so SQLite matches the
   * expression of the path's covering index (built in the background once a query found values
   * there, see path-indexes.ts); null when the path cannot be written as an SQLite JSON path (then
   * callers read documents).
   */
  private pathExpression(path: string[]): string | null {
    if (path.length === 0 || path.some((key) => key === '' || key.includes('"') || key.includes('\\'))) return null
    const jsonPath = '$' + path.map((key) => `."${key}"`).join('')
    return `json -> '${jsonPath.replaceAll("'", "''")}'`
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

  /**
   * Before a first read of `path` (column, arrayColumn) while it has no index: see
   * PathIndexes.prepare (null: read now).
   */
  preparePath(dataset: string, path: string[], sub: string[] | null): Promise<[string, string] | null> | null {
    const expression = this.pathExpression(path)
    if (!expression || this.pathIndexes.has(expression)) return null
    if (sub && sub.some((key) => key === '' || key.includes('"') || key.includes('\\'))) return null
    return this.pathIndexes.read(dataset, expression, sub ? arrayColumnSql(expression, sub) : columnSql(expression))
  }

  /**
   * For `x in path[].sub`: the values at `sub` of the elements of the array at `path` (the
   * elements themselves for an empty `sub`; missing: null; objects and arrays: {}), of every
   * document holding an array there, extracted by SQLite from the path's covering index and each
   * handed to `each` (only what it keeps stays in memory); null: path not extractable.
   */
  arrayColumn<T>(dataset: string, path: string[], sub: string[], each: (values: unknown[]) => T, read?: [string, string], idOf?: (id: string) => string): Map<string, T> | null {
    const expression = this.pathExpression(path)
    if (!expression || sub.some((key) => key === '' || key.includes('"') || key.includes('\\'))) return null
    const [idsText, listsText] = read ?? (this.db.prepare<[string], [string, string]>(arrayColumnSql(expression, sub)).raw(true).get(dataset) as unknown as [string, string])
    const ids = JSON.parse(idsText) as string[]
    const lists = JSON.parse(listsText) as unknown[][]
    if (ids.length > 0) void this.pathIndexes.want(expression)
    const values = new Map<string, T>()
    for (let i = 0; i < ids.length; i++) values.set(idOf ? idOf(ids[i]) : ids[i], each(lists[i]))
    return values
  }

  /**
   * The indexes the planner built in earlier runs (warm-up.ts), most recently noted first: hints
   * only, kept apart from the documents (no answer depends on them). Read-only, so it works while
   * the integrity check still runs; none before the first were noted.
   */
  indexHints(): {dataset: string; hint: string}[] {
    const exists = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'index_hints'").get()
    if (!exists) return []
    return this.db.prepare<[], {dataset: string; hint: string}>('SELECT dataset, hint FROM index_hints ORDER BY noted_at DESC, rowid DESC').all()
  }

  /** Remembers hints (the newest MAX_INDEX_HINTS per dataset are kept). Only after the integrity check passed. */
  noteIndexHints(dataset: string, hints: string[]): void {
    this.integrity.assert()
    this.db.transaction(() => {
      this.db.exec('CREATE TABLE IF NOT EXISTS index_hints (dataset TEXT NOT NULL, hint TEXT NOT NULL, noted_at INTEGER NOT NULL, UNIQUE (dataset, hint))')
      const upsert = this.db.prepare('INSERT INTO index_hints (dataset, hint, noted_at) VALUES (?, ?, ?) ON CONFLICT (dataset, hint) DO UPDATE SET noted_at = excluded.noted_at')
      const now = Date.now()
      for (const hint of hints) upsert.run(dataset, hint, now)
      this.db
        .prepare('DELETE FROM index_hints WHERE dataset = ? AND rowid NOT IN (SELECT rowid FROM index_hints WHERE dataset = ? ORDER BY noted_at DESC, rowid DESC LIMIT ?)')
        .run(dataset, dataset, MAX_INDEX_HINTS)
      // IMMEDIATE: takes the write lock first (waiting for a path index's build, if one holds it),
      // rather than reading first and failing at once when that build committed meanwhile.
    }).immediate()
  }

  /**
   * For `value in path[].sub` (sub empty: `value in path[]`) with a plain string `value`: the ids of
   * the documents holding an array at `path` with an element whose value at `sub` is that string,
   * found from the path's covering index (the arrays' JSON holding the quoted string, then each
   * such array's elements checked). Null when the path cannot be extracted or `value` could be
   * written differently in JSON (only letters, digits, `_.- ` are taken), or when the path has no
   * index yet: each lookup would then read every document, so the caller builds its own list of
   * all the path's values from one such read instead (arrayColumn).
   */
  memberIds(dataset: string, path: string[], sub: string[], value: string): string[] | null {
    if (!/^[A-Za-z0-9_.\- ]+$/.test(value)) return null
    const expression = this.pathExpression(path)
    if (!expression || sub.some((key) => key === '' || key.includes('"') || key.includes('\\'))) return null
    if (!this.pathIndexes.has(expression)) return null
    const subPath = ('$' + sub.map((key) => `."${key}"`).join('')).replaceAll("'", "''")
    const element = sub.length === 0 ? `j.type = 'text' AND j.value = ?` : `j.type = 'object' AND json_type(j.value, '${subPath}') = 'text' AND j.value ->> '${subPath}' = ?`
    const text = this.db
      .prepare<[string, string, string], string>(
        `SELECT json_group_array(id) FROM (SELECT id, ${expression} AS v FROM documents WHERE dataset = ? AND v IS NOT NULL)
         WHERE instr(v, ?) > 0 AND EXISTS (SELECT 1 FROM json_each(v) j WHERE ${element})`,
      )
      .pluck()
      .get(dataset, JSON.stringify(value), value) as string
    return JSON.parse(text) as string[]
  }

  /** Writes one transaction atomically: either all of it is durable or none of it. */
  commit(tx: StoredTransaction, options: {deferTextIndex?: boolean} = {}): Map<object, DocumentText> {
    return this.commitGroup([{tx, deferTextIndex: options.deferTextIndex}])[0]
  }

  /**
   * Writes transactions in order, in one SQLite transaction (group commit: one WAL fsync for all of
   * them): each keeps its own `transactions` row, versions and commit-hook work, and either all of
   * them are durable or none is. Returns each transaction's JSON texts (see below).
   */
  commitGroup(group: readonly {tx: StoredTransaction; deferTextIndex?: boolean}[]): Map<object, DocumentText>[] {
    // Never write into a store that failed its check (or before the check is done).
    this.integrity.assert()
    // Each document is serialised once: its row, its version and the mutations that carry it whole
    // (create/createOrReplace of an import) share the same JSON text.
    const allTexts = group.map(({tx}) => {
      const texts = new Map<object, DocumentText>()
      for (const {after} of tx.changes) if (after) texts.set(after, rawTextOf(after) ?? JSON.stringify(after))
      return texts
    })
    // The full-text index is filed once per dataset for the whole group, with each document as the
    // group leaves it (one segment per word in the persisted lists instead of one per transaction).
    // An import batch (deferred) in the group keeps its own call.
    const merged = group.length > 1 && group.every(({deferTextIndex}) => !deferTextIndex)
    const write = this.db.transaction(() => {
      group.forEach(({tx, deferTextIndex}, i) => this.write(tx, allTexts[i], deferTextIndex === true, !merged))
      if (merged) {
        const byDataset = new Map<string, Map<string, StoredChange>>()
        for (const {tx} of group) {
          let changes = byDataset.get(tx.dataset)
          if (!changes) byDataset.set(tx.dataset, (changes = new Map()))
          // A document changed twice is filed once, as the last change left it.
          for (const change of tx.changes) changes.set(change.id, {id: change.id, after: change.after})
        }
        for (const [dataset, changes] of byDataset) this.fullText.index(dataset, [...changes.values()])
      }
    })
    try {
      write.immediate()
    } catch (error) {
      this.fullText.recount()
      throw error
    }
    return allTexts
  }

  /** One transaction's rows, inside the caller's SQLite transaction. */
  private write(tx: StoredTransaction, texts: Map<object, DocumentText>, deferTextIndex: boolean, textIndex: boolean): void {
    const {dataset} = tx
    const {lastInsertRowid} = this.statements.insertTransaction.run(
      tx.id,
      dataset,
      tx.timestamp,
      tx.author,
      serializeMutations(tx.mutations, texts),
      JSON.stringify(tx.changes.map((change) => change.id)),
    )
    // Many changes with plain ids and revisions (an import batch): their version rows in one
    // statement, after every document row (each document's newest version is materialised before
    // its row changes, and the new versions are not there yet to be mistaken for it).
    const versions: (string | null)[][] | null = tx.changes.length > 1 && tx.changes.every(plainVersion) ? [] : null
    for (const {id, after, before} of tx.changes) {
      // The document's latest version may be stored as "the current row": give it its JSON first
      // (a document known not to exist before, e.g. an import's new ones, has no such version).
      if (before !== null) this.statements.materialiseVersion.run({dataset, id})
      if (after) {
        const json = texts.get(after)!
        if (typeof json === 'string') this.statements.upsertDocument.run(dataset, id, after._type, json, after._rev, after._createdAt, after._updatedAt)
        else {
          const [head, bytes] = json instanceof SplicedBytes ? [json.head, json.bytes] : ['', json]
          this.statements.upsertDocumentBytes.run(dataset, id, after._type, head, bytes, after._rev, after._createdAt, after._updatedAt)
        }
        // The version this transaction wrote is the document row itself (no second copy of the JSON).
        if (versions) versions.push([id, after._rev])
        else this.statements.insertVersion.run(dataset, id, lastInsertRowid, after._rev, null)
      } else {
        this.statements.deleteDocument.run(dataset, id)
        if (versions) versions.push([id, null])
        else this.statements.insertVersion.run(dataset, id, lastInsertRowid, null, null)
      }
    }
    if (versions) this.statements.insertVersions.run(dataset, lastInsertRowid, JSON.stringify(versions))
    if (textIndex) this.fullText.index(dataset, tx.changes, {defer: deferTextIndex})
    for (const hook of this.commitHooks) hook(tx, Number(lastInsertRowid))
  }

  /**
   * Lets a module keep its own tables in this database, beside the engine's: `setup` creates them
   * and prepares its statements on the store's connection; the hook it returns is written in every
   * commit's transaction (see CommitHook).
   */
  attach(setup: (db: Database.Database) => CommitHook | void): void {
    const hook = setup(this.db)
    if (hook) this.commitHooks.push(hook)
  }

  /** The transactions of `dataset` committed after `seq`, oldest first, at most `limit`. */
  transactionsAfter(dataset: string, seq: number, limit: number): TransactionRow[] {
    return this.db
      .prepare<[string, number, number], TransactionRow>(
        'SELECT seq, id, timestamp, author, mutations, document_ids FROM transactions WHERE dataset = ? AND seq > ? ORDER BY seq LIMIT ?',
      )
      .all(dataset, seq, limit)
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

  /** Mutations of a transaction as they were committed (documents stored as version references put back). */
  inflateMutations(dataset: string, seq: number, text: string): Mutation[] {
    const mutations = JSON.parse(text) as Record<string, Record<string, unknown>>[]
    const wanted: string[] = []
    for (const mutation of mutations) {
      for (const body of Object.values(mutation)) {
        if (body && typeof body[VERSION_MARKER] === 'string' && Object.keys(body).length === 1) wanted.push(body[VERSION_MARKER] as string)
      }
    }
    if (wanted.length === 0) return mutations as Mutation[]
    const versions = new Map<string, unknown>()
    for (let i = 0; i < wanted.length; i += 500) {
      for (const row of this.versionsInTransaction(dataset, seq, wanted.slice(i, i + 500))) versions.set(row.document_id, row.json && JSON.parse(row.json))
    }
    return mutations.map((mutation) => {
      const [key] = Object.keys(mutation)
      const body = mutation[key]
      return body && typeof body[VERSION_MARKER] === 'string' && versions.has(body[VERSION_MARKER] as string)
        ? ({[key]: versions.get(body[VERSION_MARKER] as string)} as Mutation)
        : (mutation as Mutation)
    })
  }

  /** The versions of `ids` written by the transaction `seq`. */
  versionsInTransaction(dataset: string, seq: number, ids: string[]): VersionRow[] {
    const placeholders = ids.map(() => '?').join(', ')
    return this.db
      .prepare<unknown[], VersionRow>(
        `SELECT document_id, seq, rev, ${VERSION_JSON} AS json FROM document_versions v WHERE dataset = ? AND seq = ? AND document_id IN (${placeholders})`,
      )
      .all(dataset, seq, ...ids)
  }

  /**
   * Files documents the full-text index is behind for (bulk imports defer it, see fts.ts) for
   * about `budgetMs`, in one transaction; returns how many remain. Derived data only: its commit is not
   * fsynced on its own (synchronous NORMAL; the WAL stays consistent, and a lost batch is simply
   * still pending after a crash, so search stays exact), the next durable commit flushes it.
   */
  catchUpTextIndex(budgetMs: number): number {
    this.integrity.assert()
    this.db.pragma('synchronous = NORMAL')
    try {
      return this.fullText.catchUp(budgetMs)
    } catch (error) {
      this.fullText.recount()
      throw error
    } finally {
      this.db.pragma('synchronous = FULL')
    }
  }

  /**
   * A reader of the documents the full-text index is behind for, tokenised on a worker thread
   * (text-catch-up.ts), for `fileTokenized`; null for a store in memory (no second connection).
   */
  textCatchUpReader(): CatchUpReader | null {
    if (this.file === ':memory:' || !this.db.open) return null
    return new CatchUpReader(this.file)
  }

  /** FullTextIndex.fileTokenized, as `catchUpTextIndex` runs catchUp (derived data: not fsynced on its own). */
  fileTokenized(docs: readonly TokenizedDocument[], from: number, budgetMs: number): number {
    this.integrity.assert()
    this.db.pragma('synchronous = NORMAL')
    try {
      return this.fullText.fileTokenized(docs, from, budgetMs)
    } finally {
      this.db.pragma('synchronous = FULL')
    }
  }

  /**
   * An import is writing (until `endBulkWrites`): WAL checkpoints move to a worker
   * (checkpointer.ts), and the connection's page cache grows to BULK_CACHE_KIB so that a batch's
   * pages stay in memory until its COMMIT rather than spilling into the WAL midway.
   */
  beginBulkWrites(): void {
    if (this.bulkWrites++ === 0) this.db.pragma(`cache_size = -${BULK_CACHE_KIB}`)
    this.checkpointer.begin()
  }

  endBulkWrites(): void {
    if (this.bulkWrites > 0 && --this.bulkWrites === 0 && this.db.open) this.db.pragma(`cache_size = -${CACHE_KIB}`)
    this.checkpointer.end()
  }

  close(): void {
    this.checkpointer.close()
    this.pathIndexes.close()
    this.integrity.close()
    if (this.db.open) this.db.close()
  }
}

/** Ids and revisions that JSON writes as they are (no escapes): version rows for many go to SQLite as one JSON array. */
const PLAIN = /^[A-Za-z0-9._-]+$/

function plainVersion({id, after}: StoredChange): boolean {
  return PLAIN.test(id) && (after === null || (typeof after._rev === 'string' && PLAIN.test(after._rev)))
}

/**
 * A version row's JSON. The newest version of a document that exists is stored without JSON
 * (json NULL, rev set: "the current document row"), so each document's JSON is written once per
 * commit; `commit` copies the row's JSON into that version before the row changes or goes (in the
 * same SQLite transaction). Deleted versions have json and rev NULL.
 */
const VERSION_JSON = `CASE WHEN v.json IS NOT NULL OR v.rev IS NULL THEN v.json
  ELSE (SELECT d.json FROM documents d WHERE d.dataset = v.dataset AND d.id = v.document_id) END`

/**
 * A mutation body stored as "the version of document <id> this transaction wrote" instead of a
 * second copy of that document (an import's creates). No real mutation body looks like this: a
 * stored create always has `_type`. `history` puts the document back (`inflateMutations`).
 */
export const VERSION_MARKER = '__lake_version_of'

/** JSON of a mutation list; a create/createOrReplace carrying a document this transaction stores refers to its version row. */
function serializeMutations(mutations: Mutation[], texts: Map<object, DocumentText>): string {
  const parts = mutations.map((mutation) => {
    const keys = Object.keys(mutation)
    if (keys.length === 1) {
      const body = (mutation as Record<string, unknown>)[keys[0]] as {_id?: unknown} | null
      if (typeof body === 'object' && body !== null && texts.has(body) && typeof body._id === 'string') {
        return JSON.stringify({[keys[0]]: {[VERSION_MARKER]: body._id}})
      }
    }
    return JSON.stringify(mutation)
  })
  return `[${parts.join(',')}]`
}

/**
 * A path's column as one row (two JSON arrays, parsed natively): 100,000 rows handed to JS one by
 * one cost more than SQLite's walk of the covering index. Objects and arrays come as {}.
 */
function columnSql(expression: string): string {
  return `SELECT json_group_array(id), json_group_array(${scalarJson('v')}) FROM (SELECT id, ${expression} AS v FROM documents WHERE dataset = ? AND v IS NOT NULL)`
}

/** For arrayColumn: each array's elements' values at `sub` as JSON, by id, as one row. */
function arrayColumnSql(expression: string, sub: string[]): string {
  // An element's value as JSON text: json_each gives SQL values for scalars, so quote those back.
  const element = `CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null' WHEN 'object' THEN j.value WHEN 'array' THEN j.value ELSE json_quote(j.value) END`
  const item = sub.length === 0 ? element : `coalesce((${element}) -> '${('$' + sub.map((key) => `."${key}"`).join('')).replaceAll("'", "''")}', 'null')`
  return `SELECT json_group_array(id), json_group_array(json(items)) FROM (
     SELECT id, (SELECT json_group_array(${scalarJson(item)}) FROM json_each(v) j) AS items
     FROM (SELECT id, ${expression} AS v FROM documents WHERE dataset = ? AND v IS NOT NULL) WHERE substr(v, 1, 1) = '[')`
}

/** SQL: JSON text `x` (NULL stays NULL) as a JSON value for json_group_array, objects and arrays as {}. */
function scalarJson(x: string): string {
  return `CASE WHEN substr(${x}, 1, 1) IN ('{', '[') THEN json_object() ELSE json(${x}) END`
}
