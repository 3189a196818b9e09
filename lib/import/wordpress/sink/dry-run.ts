/** `--dry-run`: reads pass through (slug checks, existing documents), writes are counted, not made. */
import {createHash} from 'node:crypto'
import type {ImportSink} from './types'

export function dryRunSink(inner: ImportSink | null): ImportSink & {mutationCount: number} {
  let transactions = 0
  const sink = {
    description: `nothing (dry run${inner ? `; reading ${inner.description}` : ''})`,
    mutationCount: 0,
    async getDocuments(ids: string[]) {
      return inner ? inner.getDocuments(ids) : ids.map(() => null)
    },
    async slugs(types: string[]) {
      return inner ? inner.slugs(types) : []
    },
    async countReferences(id: string) {
      return inner ? inner.countReferences(id) : 0
    },
    async documentAtRevision(id: string, revision: string) {
      return inner ? inner.documentAtRevision(id, revision) : null
    },
    async query<T>(groq: string, params?: Record<string, unknown>) {
      return (inner ? inner.query<T>(groq, params) : ([] as T))
    },
    async revisions(ids: string[]) {
      return inner ? inner.revisions(ids) : ids.map(() => null)
    },
    async commit(mutations: unknown[]) {
      sink.mutationCount += mutations.length
      return `dry-run-${++transactions}`
    },
    async uploadImage(data: Buffer) {
      return `image-${createHash('sha1').update(data).digest('hex')}-dry-run`
    },
    async close() {
      await inner?.close()
    },
  }
  return sink
}
