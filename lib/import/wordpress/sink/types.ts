/**
 * Where an import writes: a small interface with two implementations — straight into a lake data
 * directory with the engine (engine.ts, when no lake runs) and through a running lake or hosted
 * Sanity with `@sanity/client` (client.ts). dry-run.ts wraps either and writes nothing.
 */
export type Mutation = Record<string, Record<string, unknown>>

export interface ImportSink {
  /** Where the documents go, for the summary ("data directory .lake", "running lake at …"). */
  readonly description: string
  /** Raw documents by id, null where missing. */
  getDocuments(ids: string[]): Promise<(Record<string, unknown> | null)[]>
  query<T>(groq: string, params?: Record<string, unknown>): Promise<T>
  /** One atomic, durable transaction; resolves with its id. */
  commit(mutations: Mutation[]): Promise<string>
  /** Stores an image; resolves with its asset document id (the same bytes give the same id). */
  uploadImage(data: Buffer, filename: string): Promise<string>
  close(): Promise<void>
}

/** Who the transactions are attributed to in the lake's history. */
export const IMPORT_AUTHOR = 'wordpress-import'
