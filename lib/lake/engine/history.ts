/**
 * Document history from the transaction log: which transactions touched a document, with mendoza
 * effects (patches from the previous version to this one and back, over documents without `_rev`
 * as the Studio applies them; `[0, null]` is how Sanity marks a deletion, see mendoza.ts) and the
 * document as it was at a revision or a point in time.
 */
import {badRequest} from './errors'
import {isValidDocumentId} from './ids'
import {documentEffects} from './mendoza'
import {isTimestamp} from './mutations'
import type {Store, VersionRow} from './store'
import {LakeError, type DocumentChange, type HistoryEntry, type HistoryQuery, type SanityDocument, type Transaction} from './types'

export const DEFAULT_HISTORY_LIMIT = 1000
export const MAX_HISTORY_LIMIT = 10_000
const MAX_HISTORY_IDS = 100

function parseVersion(row: VersionRow | undefined): SanityDocument | null {
  return row?.json ? (JSON.parse(row.json) as SanityDocument) : null
}

function transactionSeq(store: Store, dataset: string, id: string | undefined, field: string): number | undefined {
  if (id === undefined) return undefined
  const seq = store.transactionSeq(dataset, id)
  if (seq === undefined) {
    throw new LakeError(404, {error: {type: 'notFoundError', description: `${field}: no transaction "${id}" in dataset "${dataset}"`}})
  }
  return seq
}

export function history(store: Store, dataset: string, documentIds: string[], query: HistoryQuery): HistoryEntry[] {
  if (!Array.isArray(documentIds) || documentIds.length === 0 || documentIds.length > MAX_HISTORY_IDS) {
    throw badRequest(`History needs 1 to ${MAX_HISTORY_IDS} document ids`)
  }
  for (const id of documentIds) if (!isValidDocumentId(id)) throw badRequest(`Malformed document ID: ${JSON.stringify(id)}`)
  for (const field of ['fromTime', 'toTime'] as const) {
    if (query[field] !== undefined && !isTimestamp(query[field])) throw badRequest(`"${field}" must be an ISO 8601 timestamp`)
  }
  const limit = query.limit ?? DEFAULT_HISTORY_LIMIT
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT) throw badRequest(`"limit" must be 1 to ${MAX_HISTORY_LIMIT}`)
  const ids = [...new Set(documentIds)]
  const rows = store.transactionsTouching(dataset, ids, {
    fromSeq: transactionSeq(store, dataset, query.fromTransaction, 'fromTransaction'),
    toSeq: transactionSeq(store, dataset, query.toTransaction, 'toTransaction'),
    fromTime: query.fromTime && new Date(query.fromTime).toISOString(),
    toTime: query.toTime && new Date(query.toTime).toISOString(),
    reverse: query.reverse === true,
    limit,
  })
  return rows.map((row) => {
    const touched = JSON.parse(row.document_ids) as string[]
    const entry: HistoryEntry = {
      id: row.id,
      timestamp: row.timestamp,
      author: row.author,
      documentIDs: query.includeIdentifiedDocumentsOnly ? touched.filter((id) => ids.includes(id)) : touched,
    }
    if (!query.excludeMutations) entry.mutations = store.inflateMutations(dataset, row.seq, row.mutations)
    const effects: NonNullable<HistoryEntry['effects']> = {}
    for (const version of store.versionsInTransaction(dataset, row.seq, ids)) {
      const before = parseVersion(store.versionBefore(dataset, version.document_id, row.seq))
      effects[version.document_id] = documentEffects(before, parseVersion(version))
    }
    entry.effects = effects
    return entry
  })
}

/**
 * A document at a transaction that did not write a version of it, as the Studio's History tab asks
 * (it reads the draft at the revision of each event, publishes included): the document the
 * transaction deleted (a publish deletes the draft it published: that draft), or, for a draft that
 * never existed, what the transaction made of its published document (created as published by an
 * API client). Null otherwise.
 */
function documentAtTransaction(store: Store, dataset: string, id: string, transactionId: string): SanityDocument | null {
  const seq = store.transactionSeq(dataset, transactionId)
  if (seq === undefined) return null
  const [own] = store.versionsInTransaction(dataset, seq, [id])
  if (own && !own.json) return parseVersion(store.versionBefore(dataset, id, seq))
  if (own || !id.startsWith('drafts.') || store.versionBefore(dataset, id, seq + 1)) return null
  const [published] = store.versionsInTransaction(dataset, seq, [id.slice('drafts.'.length)])
  return parseVersion(published)
}

/** How far back `lastRevision` looks past deletions (a document deleted and recreated this often is rare). */
const MAX_DELETIONS_SKIPPED = 100

export function documentAt(
  store: Store,
  dataset: string,
  id: string,
  at: {revision?: string; time?: string; lastRevision?: boolean},
): SanityDocument | null {
  if (!isValidDocumentId(id)) throw badRequest(`Malformed document ID: ${JSON.stringify(id)}`)
  if (at?.lastRevision === true) {
    // The newest version, stepping back over deletions: a release's published versions are
    // deleted by the publish, and the Releases tool shows them as they were.
    let row = store.versionBefore(dataset, id, Number.MAX_SAFE_INTEGER)
    for (let skipped = 0; row && !row.json && skipped < MAX_DELETIONS_SKIPPED; skipped++) row = store.versionBefore(dataset, id, row.seq)
    return parseVersion(row)
  }
  if (typeof at?.revision === 'string' && at.revision !== '') {
    const written = store.versionByRevision(dataset, id, at.revision)
    if (written) return parseVersion(written)
    return documentAtTransaction(store, dataset, id, at.revision)
  }
  if (at?.time !== undefined) {
    if (!isTimestamp(at.time)) throw badRequest('"time" must be an ISO 8601 timestamp')
    return parseVersion(store.versionAtTime(dataset, id, new Date(at.time).toISOString()))
  }
  throw badRequest('Give a "revision" or a "time"')
}

/**
 * The transaction of `dataset` with id `transactionId` and those after it, rebuilt from the log as
 * the engine gave them to listeners (each change's document before and after, in the order the
 * transaction touched them); null when that transaction is unknown or more than `limit` followed.
 */
export function transactionsFrom(store: Store, dataset: string, transactionId: string, limit: number): Transaction[] | null {
  const seq = store.transactionSeq(dataset, transactionId)
  if (seq === undefined) return null
  const rows = store.transactionsAfter(dataset, seq - 1, limit + 2)
  if (rows.length > limit + 1) return null
  return rows.map((row) => {
    const ids = JSON.parse(row.document_ids) as string[]
    const after = new Map<string, SanityDocument | null>()
    for (let i = 0; i < ids.length; i += 500) {
      for (const version of store.versionsInTransaction(dataset, row.seq, ids.slice(i, i + 500))) after.set(version.document_id, parseVersion(version))
    }
    const changes: DocumentChange[] = ids.map((id) => ({
      id,
      before: parseVersion(store.versionBefore(dataset, id, row.seq)),
      after: after.get(id) ?? null,
    }))
    return {
      id: row.id,
      dataset,
      timestamp: row.timestamp,
      author: row.author,
      mutations: store.inflateMutations(dataset, row.seq, row.mutations),
      changes,
    }
  })
}
