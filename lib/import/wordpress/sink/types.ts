/**
 * Where an import writes: a small interface with two implementations — straight into a lake data
 * directory (engine.ts, when no lake runs) and through a running lake or hosted Sanity with
 * `@sanity/client` (client.ts). dry-run.ts wraps either and writes nothing.
 *
 * The import reads only by id (`getDocuments`), by slug (`slugs`), reference counts and history
 * (`documentAtRevision`): never a query over the whole dataset, so writing into a data directory
 * never needs the dataset in memory (a 10,000-post import stays under 300 MB).
 */
export type Mutation = Record<string, Record<string, unknown>>

export interface SlugRow {
  _id: string
  _type: string
  slug: string | null
}

export interface ImportSink {
  /** Where the documents go, for the summary ("data directory .lake", "running lake at …"). */
  readonly description: string
  /** Raw documents by id, null where missing. */
  getDocuments(ids: string[]): Promise<(Record<string, unknown> | null)[]>
  /** `_id`, `_type` and `slug.current` of every document (drafts included) of these types. */
  slugs(types: string[]): Promise<SlugRow[]>
  /** How many documents reference this id (strong or weak). */
  countReferences(id: string): Promise<number>
  /** A document as it was at a revision (its `_rev` then), from the history; null when unknown. */
  documentAtRevision(id: string, revision: string): Promise<Record<string, unknown> | null>
  /** Any GROQ query (perspective raw). Tests and tools; the import itself does not query. */
  query<T>(groq: string, params?: Record<string, unknown>): Promise<T>
  /** The current `_rev` of each id, null where missing. */
  revisions(ids: string[]): Promise<(string | null)[]>
  /** One atomic, durable transaction (with this id when given); resolves with its id. */
  commit(mutations: Mutation[], options?: {transactionId?: string}): Promise<string>
  /** Stores an image; resolves with its asset document id (the same bytes give the same id). */
  uploadImage(data: Buffer, filename: string): Promise<string>
  close(): Promise<void>
}

/** Who the transactions are attributed to in the lake's history. */
export const IMPORT_AUTHOR = 'wordpress-import'
