/**
 * The contract between the lake's storage/query engine (lib/lake/engine) and everything that
 * serves it (lib/lake/http, the CLI, tests). The engine knows nothing about HTTP; the server knows
 * nothing about SQLite.
 */

import type {Database as SqliteDatabase} from 'better-sqlite3'

/** A stored Sanity document: system fields are always set by the engine. */
export interface SanityDocument {
  _id: string
  _type: string
  _rev: string
  _createdAt: string
  _updatedAt: string
  [key: string]: unknown
}

/**
 * One mutation as Sanity's HTTP API spells it: `{create: doc}`, `{createOrReplace: doc}`,
 * `{createIfNotExists: doc}`, `{delete: {id} | {query, params}}`, `{patch: {id | query, params, set, ...}}`.
 */
export type Mutation = Record<string, Record<string, unknown>>

/** One action of Sanity's Actions API (`sanity.action.document.*`). */
export interface Action {
  actionType: string
  [key: string]: unknown
}

/** `raw`, `drafts` (alias `previewDrafts`), `published`, or a release stack ending in `drafts`. */
export type Perspective = 'raw' | 'drafts' | 'previewDrafts' | 'published' | string[]

export type Visibility = 'sync' | 'async' | 'deferred'

export interface CommitOptions {
  /** Becomes the new `_rev` of every document the transaction touches (the Studio relies on it). */
  transactionId?: string
  /** User or token id that made the change: shows in history. */
  author: string
  dryRun?: boolean
  visibility?: Visibility
}

export type Operation = 'create' | 'update' | 'delete' | 'none'

export interface CommitResult {
  transactionId: string
  results: {id: string; operation: Operation}[]
  /** The documents after the transaction, in `results` order (null for deletes). */
  documents: (SanityDocument | null)[]
}

/** How one document changed in a committed transaction. */
export interface DocumentChange {
  id: string
  before: SanityDocument | null
  after: SanityDocument | null
}

/** A committed transaction, as listeners, webhooks and history see it. */
export interface Transaction {
  id: string
  dataset: string
  timestamp: string
  author: string
  mutations: Mutation[]
  changes: DocumentChange[]
}

/** A transaction as the history API returns it (NDJSON lines of /data/history/{ds}/transactions). */
export interface HistoryEntry {
  id: string
  timestamp: string
  author: string
  documentIDs: string[]
  mutations?: Mutation[]
  /** Per document: mendoza patches turning the previous version into the next, and back. */
  effects?: Record<string, {apply: unknown; revert: unknown}>
}

export interface HistoryQuery {
  fromTime?: string
  toTime?: string
  fromTransaction?: string
  toTransaction?: string
  reverse?: boolean
  limit?: number
  excludeMutations?: boolean
  /** Accepted for Sanity compatibility; effects are still returned (the Studio's timeline needs them). */
  excludeContent?: boolean
  /** Only list the requested ids in `documentIDs` (the Studio asks for this). */
  includeIdentifiedDocumentsOnly?: boolean
}

export interface QueryOptions {
  perspective?: Perspective
  /** The caller's id: GROQ's identity(). */
  identity?: string
  /**
   * Which documents the caller may read. `all` for tokens; `public` for anonymous callers: only
   * published documents whose id has no dot-separated prefix (Sanity's rule for public datasets).
   */
  access?: 'all' | 'public'
  /**
   * Whether release versions (`versions.<release>.<id>`) exist for this query. Sanity hides them
   * from API versions before 2025-02-19, whatever the perspective; default true.
   */
  includeVersions?: boolean
  /** Also return what the query read (`readSet`), for sync tags. */
  trackReads?: boolean
}

export interface ScanDependency {
  /** Types the scan can match (null: any type). */
  types: string[] | null
  /** Top-level fields that decide membership and order (null: any field). */
  fields: string[] | null
}

export interface DocumentRead {
  type: string
  /** Top-level fields read (null: all of them, e.g. the whole document was returned). */
  fields: Set<string> | null
  /** Reached through `->`: the result depends on its content whatever was read. */
  dereferenced: boolean
  /** The document as the query saw it (for Content Source Maps). */
  document: SanityDocument
}

export interface ReadSet {
  scans: ScanDependency[]
  /** By the id the query saw (the published id under the drafts perspective). */
  documents: Map<string, DocumentRead>
  /** Referenced ids that did not exist. */
  missing: Set<string>
}

export interface QueryResult {
  result: unknown
  ms: number
  /** With `trackReads`: the scans and documents the result depends on (engine/read-set.ts). */
  readSet?: ReadSet
}

export type ImportMode = 'create' | 'createOrReplace' | 'createIfNotExists'

/**
 * Errors the engine raises for bad input or conflicts. `status` and `body` are exactly what the
 * HTTP layer sends: Sanity's error shape, e.g.
 * `{error: {type: 'mutationError', description: '…'}}` or, for GROQ,
 * `{error: {type: 'queryParseError', description: '…', start, end, query}}`.
 */
export class LakeError extends Error {
  constructor(
    readonly status: number,
    readonly body: {error: {type: string; description: string; [key: string]: unknown}},
  ) {
    super(body.error.description)
    this.name = 'LakeError'
  }
}

export interface Engine {
  query(dataset: string, query: string, params: Record<string, unknown>, options?: QueryOptions): Promise<QueryResult>
  /** Raw documents by id, in the given order; null where missing. */
  getDocuments(dataset: string, ids: string[]): (SanityDocument | null)[]
  mutate(dataset: string, mutations: Mutation[], options: CommitOptions): Promise<CommitResult>
  act(dataset: string, actions: Action[], options: CommitOptions): Promise<{transactionId: string}>
  /** Evaluates a listener's GROQ filter query against one document (raw, as stored). */
  matches(filterQuery: string, params: Record<string, unknown>, document: SanityDocument): Promise<boolean>
  history(dataset: string, documentIds: string[], query?: HistoryQuery): HistoryEntry[]
  /**
   * A document as it was at a revision or at a point in time; null if it did not exist then.
   * `lastRevision`: its newest stored version that was not a deletion (a deleted document as it was).
   */
  documentAt(dataset: string, id: string, at: {revision?: string; time?: string; lastRevision?: boolean}): SanityDocument | null
  /** Called after each transaction is durably committed. Returns an unsubscribe function. */
  subscribe(listener: (tx: Transaction) => void): () => void
  /**
   * A module's own tables in the engine's SQLite database (the live event log): `setup` creates
   * them on the engine's connection; the hook it returns runs inside every commit's SQLite
   * transaction with the transaction's `seq`, so what it writes is durable exactly when the commit
   * is (a throw aborts the commit). The same `Transaction` object is then given to `subscribe`rs.
   */
  attachLog(setup: (db: SqliteDatabase) => ((tx: Transaction, seq: number) => void) | void): void
  /**
   * The transaction of `dataset` with id `transactionId` and those committed after it, oldest
   * first, with their changes (before and after) as listeners got them; null when that transaction
   * is unknown in the dataset or more than `limit` came after it (listen resume).
   */
  transactionsFrom(dataset: string, transactionId: string, limit: number): Transaction[] | null
  exportDocuments(dataset: string): Iterable<SanityDocument>
  /** Documents as objects or as JSON texts (an export file's lines, as strings or UTF-8 bytes; stored as they came when they can be). */
  importDocuments(
    dataset: string,
    documents: Iterable<Record<string, unknown> | string | Uint8Array> | AsyncIterable<Record<string, unknown> | string | Uint8Array>,
    options: {
      mode: ImportMode
      author: string
      onProgress?: (count: number) => void
      /** Transaction size (default: import-export.ts's IMPORT_BATCH); smaller for a lake serving readers meanwhile. */
      batch?: {documents: number; text: number}
    },
  ): Promise<{count: number}>
  /**
   * Imports leave the full-text index behind (filed afterwards in the background, `match` exact
   * meanwhile): resolves once it has caught up (or the engine closed).
   */
  catchUpTextIndex(): Promise<void>
  /** How many stored documents the full-text index has not filed yet. */
  readonly textIndexBehind: number
  datasets(): string[]
  /**
   * Resolves once the store passed its integrity check (run in the background while it opens);
   * rejects with DamagedDatabaseError if it did not. Queries and writes wait for it on their own.
   */
  intact(): Promise<void>
  close(): void
  /** close() after the background work on connections of its own (path index reads and builds) has ended. */
  closeWhenSettled(): Promise<void>
}
