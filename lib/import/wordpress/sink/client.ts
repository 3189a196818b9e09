/** Writes through `@sanity/client`: a running local lake (its CLI token) or hosted Sanity (the write token). */
import {createClient} from '@sanity/client'
import {IMPORT_AUTHOR, type ImportSink, type Mutation, type SlugRow} from './types'

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
    async slugs(types: string[]) {
      return client.fetch<SlugRow[]>(`*[_type in $types]{_id, _type, "slug": slug.current}`, {types})
    },
    async countReferences(id: string) {
      return client.fetch<number>('count(*[references($id)])', {id})
    },
    async documentAtRevision(id: string, revision: string) {
      // Sanity's history API (the local lake serves the same route).
      const {documents} = await client.request<{documents: Record<string, unknown>[]}>({
        uri: `/data/history/${options.dataset}/documents/${encodeURIComponent(id)}`,
        query: {revision},
      })
      return documents?.[0] ?? null
    },
    async query<T>(groq: string, params: Record<string, unknown> = {}) {
      return client.fetch<T>(groq, params)
    },
    async revisions(ids: string[]) {
      if (ids.length === 0) return []
      const rows = await client.fetch<{_id: string; _rev: string}[]>('*[_id in $ids]{_id, _rev}', {ids})
      const byId = new Map(rows.map((row) => [row._id, row._rev]))
      return ids.map((id) => byId.get(id) ?? null)
    },
    async commit(mutations: Mutation[], commitOptions: {transactionId?: string} = {}) {
      const result = await client.mutate(mutations as never, {
        visibility: 'sync',
        returnDocuments: false,
        tag: IMPORT_AUTHOR,
        ...(commitOptions.transactionId ? {transactionId: commitOptions.transactionId} : {}),
      })
      return (result as {transactionId: string}).transactionId
    },
    async uploadImage(data, filename) {
      const asset = await client.assets.upload('image', data, {filename, source: {name: IMPORT_AUTHOR, id: filename}})
      return asset._id
    },
    async close() {},
  }
}
