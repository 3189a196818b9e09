/** Writes through `@sanity/client`: a running local lake (its CLI token) or hosted Sanity (the write token). */
import {createClient} from '@sanity/client'
import {IMPORT_AUTHOR, type ImportSink, type Mutation} from './types'

export function clientSink(options: {
  description: string
  projectId: string
  dataset: string
  apiVersion: string
  token: string
  /** Set for the local lake (`http://127.0.0.1:4445`); unset for hosted Sanity. */
  apiHost?: string
}): ImportSink {
  const client = createClient({
    projectId: options.projectId,
    dataset: options.dataset,
    apiVersion: options.apiVersion,
    token: options.token,
    useCdn: false,
    perspective: 'raw',
    ...(options.apiHost ? {apiHost: options.apiHost, useProjectHostname: false} : {}),
  })
  return {
    description: options.description,
    async getDocuments(ids) {
      if (ids.length === 0) return []
      const found = await client.getDocuments(ids)
      return found.map((doc) => (doc as Record<string, unknown> | null) ?? null)
    },
    async query<T>(groq: string, params: Record<string, unknown> = {}) {
      return client.fetch<T>(groq, params)
    },
    async commit(mutations: Mutation[]) {
      const result = await client.mutate(mutations as never, {visibility: 'sync', returnDocuments: false, tag: IMPORT_AUTHOR})
      return (result as {transactionId: string}).transactionId
    },
    async uploadImage(data, filename) {
      const asset = await client.assets.upload('image', data, {filename, source: {name: IMPORT_AUTHOR, id: filename}})
      return asset._id
    },
    async close() {},
  }
}
