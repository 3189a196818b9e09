/**
 * The document events feed of Sanity's history API (`/data/history/{ds}/events/documents/{id}`),
 * which the Studio's History tab reads: publishes, unpublishes, draft creations and discards,
 * deletions. Sanity derives it from the transaction log; so do we, from the same transactions the
 * transactions endpoint serves. Edits inside a draft are not events: the Studio derives those from
 * the transactions itself, starting at the `versionRevisionId` of the newest event.
 */
import type {HistoryEntry} from '../engine/types'

export type DocumentEvent = {
  id: string
  type:
    | 'createDocumentVersion'
    | 'deleteDocumentVersion'
    | 'publishDocumentVersion'
    | 'unpublishDocument'
    | 'deleteDocumentGroup'
    | 'updateLiveDocument'
  documentId: string
  timestamp: string
  author: string
  revisionId?: string
  versionId?: string
  versionRevisionId?: string
  publishCause?: 'document.publish'
}

/** Whether one document existed before and after one transaction; undefined if it was not touched. */
interface Change {
  before: boolean
  after: boolean
  /** The document's revision before the transaction (the last transaction that wrote it). */
  previousRev?: string
}

/** `[0, null]` is mendoza's (and Sanity's) "no document": on revert it marks a creation, on apply a deletion. */
const isNothing = (patch: unknown) => Array.isArray(patch) && patch.length === 2 && patch[0] === 0 && patch[1] === null

function change(entry: HistoryEntry, id: string, revisions: Map<string, string>): Change | undefined {
  const effect = entry.effects?.[id]
  if (!effect) return undefined
  return {before: !isNothing(effect.revert), after: !isNothing(effect.apply), previousRev: revisions.get(id)}
}

export function publishedIdOf(id: string): string {
  return id.startsWith('drafts.') ? id.slice('drafts.'.length) : id
}

/** One transaction, seen from the document group (published id + its draft): an event, or null for a plain edit. */
function eventFor(entry: HistoryEntry, publishedId: string, draftId: string, revisions: Map<string, string>): DocumentEvent | null {
  const published = change(entry, publishedId, revisions)
  const draft = change(entry, draftId, revisions)
  const base = {id: entry.id, documentId: publishedId, timestamp: entry.timestamp, author: entry.author}

  if (published?.after) {
    if (draft?.before && !draft.after) {
      return {...base, type: 'publishDocumentVersion', revisionId: entry.id, versionId: draftId, versionRevisionId: draft.previousRev, publishCause: 'document.publish'}
    }
    if (!published.before) {
      // Created as published without a draft (an API client or an import).
      return {...base, type: 'publishDocumentVersion', revisionId: entry.id, versionId: draftId, publishCause: 'document.publish'}
    }
    return {...base, type: 'updateLiveDocument', revisionId: entry.id}
  }
  if (published?.before && !published.after) {
    if (draft?.after && !draft.before) return {...base, type: 'unpublishDocument', versionId: draftId, versionRevisionId: entry.id}
    return {...base, type: 'deleteDocumentGroup'}
  }
  if (draft && !draft.before && draft.after) return {...base, type: 'createDocumentVersion', versionId: draftId, versionRevisionId: entry.id}
  if (draft?.before && !draft.after) return {...base, type: 'deleteDocumentVersion', versionId: draftId, versionRevisionId: draft.previousRev}
  return null
}

/**
 * Events of a document group, newest first, from its transactions in commit order (oldest first;
 * timestamps alone cannot order transactions made in the same millisecond). `limit` bounds the
 * answer; the feed has no further pages (`nextCursor: ''`) beyond what the history holds.
 */
export function documentEvents(entries: HistoryEntry[], documentId: string, limit: number): DocumentEvent[] {
  const publishedId = publishedIdOf(documentId)
  const draftId = `drafts.${publishedId}`
  // Every transaction sets the `_rev` of the documents it writes to its own id.
  const revisions = new Map<string, string>()
  const events: DocumentEvent[] = []
  for (const entry of entries) {
    const event = eventFor(entry, publishedId, draftId, revisions)
    if (event) events.push(event)
    for (const id of Object.keys(entry.effects ?? {})) revisions.set(id, entry.id)
  }
  return events.reverse().slice(0, limit)
}
