/**
 * Writes into a lake data directory when no lake is serving it — without holding the dataset in
 * memory. The lake engine keeps every document of a dataset parsed in memory (its query cache),
 * which for a 10,000-post import is ~200 MB the import never needs: it only writes, and reads by
 * id. So this sink commits through the engine's own pieces, not its cache: each transaction runs
 * the engine's mutation code (`applyMutations`, @sanity/mutator semantics) on a working set whose
 * committed documents are read one by one from SQLite, and is stored by the engine's `Store`
 * (documents, transaction log, versions: the same rows, atomically, fsync'd). Reads go to a
 * read-only connection on the same file: by id, by type (slugs), by reference text, by revision.
 * Only `query` (tests, tools) opens a full engine for the moment of the query.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import {openEngine} from '@/lib/lake/engine'
import {documentAt} from '@/lib/lake/engine/history'
import {generateTransactionId, isValidTransactionId} from '@/lib/lake/engine/ids'
import {applyMutations} from '@/lib/lake/engine/mutations'
import {Store} from '@/lib/lake/engine/store'
import type {SanityDocument} from '@/lib/lake/engine/types'
import {WorkingSet} from '@/lib/lake/engine/working-set'
import {IMPORT_AUTHOR, type ImportSink, type Mutation, type SlugRow} from './types'

export function engineSink(options: {dataDir: string; dataset: string; projectId: string; origin: string}): ImportSink {
  fs.mkdirSync(options.dataDir, {recursive: true})
  const file = path.join(options.dataDir, 'lake.sqlite')
  const store = new Store(file) // creates or upgrades the schema first
  const db = new Database(file, {readonly: true})
  const {dataset} = options
  const byId = db.prepare<[string, string], {json: string}>('SELECT json FROM documents WHERE dataset = ? AND id = ?')
  const get = (id: string): SanityDocument | undefined => {
    const row = byId.get(dataset, id)
    return row ? (JSON.parse(row.json) as SanityDocument) : undefined
  }

  const revisionOf = db.prepare<[string, string], {rev: string}>('SELECT rev FROM documents WHERE dataset = ? AND id = ?')

  async function commit(mutations: Mutation[], commitOptions: {transactionId?: string} = {}): Promise<string> {
    const transactionId = commitOptions.transactionId ?? generateTransactionId()
    if (!isValidTransactionId(transactionId) || store.hasTransaction(dataset, transactionId)) throw new Error(`Transaction id ${transactionId} is invalid or already used`)
    const timestamp = new Date().toISOString()
    const workingSet = new WorkingSet(get, () => {
      throw new Error('query-targeted mutations are not used by the import')
    })
    const outcome = await applyMutations(mutations as never, {
      workingSet,
      transactionId,
      timestamp,
      resolveQuery: async () => {
        throw new Error('query-targeted mutations are not used by the import')
      },
    })
    const changes = workingSet.changes().map(({id, after}) => ({id, after}))
    store.commit({id: transactionId, dataset, timestamp, author: IMPORT_AUTHOR, mutations: outcome.applied, changes})
    return transactionId
  }

  return {
    description: `the lake's data directory ${options.dataDir} (no lake running)`,
    async getDocuments(ids) {
      return ids.map((id) => get(id) ?? null)
    },
    async revisions(ids: string[]) {
      return ids.map((id) => revisionOf.get(dataset, id)?.rev ?? null)
    },
    async slugs(types: string[]) {
      if (types.length === 0) return []
      const rows = db
        .prepare<unknown[], SlugRow>(
          `SELECT id AS _id, type AS _type, json_extract(json, '$.slug.current') AS slug FROM documents WHERE dataset = ? AND type IN (${types.map(() => '?').join(', ')})`,
        )
        .all(dataset, ...types)
      return rows.map((row) => ({...row, slug: typeof row.slug === 'string' ? row.slug : null}))
    },
    async countReferences(id: string) {
      // Documents are stored as JSON.stringify output: a reference to `id` is exactly this text.
      const row = db
        .prepare<[string, string, string], {n: number}>(`SELECT count(*) AS n FROM documents WHERE dataset = ? AND id != ? AND instr(json, ?) > 0`)
        .get(dataset, id, `"_ref":${JSON.stringify(id)}`)
      return row?.n ?? 0
    },
    async documentAtRevision(id: string, revision: string) {
      return documentAt(store, dataset, id, {revision})
    },
    async query<T>(groq: string, params: Record<string, unknown> = {}) {
      const engine = openEngine({file})
      try {
        return (await engine.query(dataset, groq, params, {perspective: 'raw', access: 'all'})).result as T
      } finally {
        engine.close()
      }
    },
    commit,
    async uploadImage(data, filename) {
      // Loaded on first use: sharp (image inspection) costs ~20 MB of memory an import without images never needs.
      const {ingestImage} = await import('@/lib/lake/assets/ingest')
      const document = await ingestImage(data, {...options, fields: {originalFilename: filename}})
      await commit([{createIfNotExists: document}])
      return document._id as string
    },
    async close() {
      db.close()
      store.close()
    },
  }
}
