/** Writes into a lake data directory with the engine, for when no lake is serving it. */
import path from 'node:path'
import fs from 'node:fs'
import {openEngine} from '@/lib/lake/engine'
import {IMPORT_AUTHOR, type ImportSink, type Mutation} from './types'

export function engineSink(options: {dataDir: string; dataset: string; projectId: string; origin: string}): ImportSink {
  fs.mkdirSync(options.dataDir, {recursive: true})
  const engine = openEngine({file: path.join(options.dataDir, 'lake.sqlite')})
  const {dataset} = options
  return {
    description: `the lake's data directory ${options.dataDir} (no lake running)`,
    async getDocuments(ids) {
      return engine.getDocuments(dataset, ids)
    },
    async query<T>(groq: string, params: Record<string, unknown> = {}) {
      return (await engine.query(dataset, groq, params, {perspective: 'raw', access: 'all'})).result as T
    },
    async commit(mutations: Mutation[]) {
      return (await engine.mutate(dataset, mutations, {author: IMPORT_AUTHOR, visibility: 'sync'})).transactionId
    },
    async uploadImage(data, filename) {
      // Loaded on first use: sharp (image inspection) costs ~20 MB of memory an import without images never needs.
      const {ingestImage} = await import('@/lib/lake/assets/ingest')
      const document = await ingestImage(data, {...options, fields: {originalFilename: filename}})
      await engine.mutate(dataset, [{createIfNotExists: document}], {author: IMPORT_AUTHOR, visibility: 'sync'})
      return document._id as string
    },
    async close() {
      engine.close()
    },
  }
}
