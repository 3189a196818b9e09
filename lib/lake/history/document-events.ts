/**
 * The document events feed of Sanity's history API (`/data/history/{ds}/events/documents/{id}`),
 * which the Studio's History tab reads: publishes, unpublishes, draft creations and discards,
 * deletions. Sanity derives it from the transaction log; so do we, from the same transactions the
 * transactions endpoint serves. Edits inside a draft are not events: the Studio derives those from
 * the transactions itself, starting at the `versionRevisionId` of the newest event.
 */
import type {HistoryEntry, SanityDocument} from '../engine/types'

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

type Version = SanityDocument | null

/** The before and after of one document in one transaction, or undefined if it was not touched. */
function change(entry: HistoryEntry, id: string): {before: Version; after: Version} | undefined {
  const effect = entry.effects?.[id]
  if (!effect) return undefined
  const value = (patch: unknown): Version => (Array.isArray(patch) && patch[0] === 0 ? ((patch[1] as Version) ?? null) : null)
  return {before: value(effect.revert), after: value(effect.apply)}
}

export function publishedIdOf(id: string): string {
  return id.startsWith('drafts.') ? id.slice('drafts.'.length) : id
}

/** One transaction, seen from the document group (published id + its draft): an event, or null for a plain edit. */
function eventFor(entry: HistoryEntry, publishedId: string, draftId: string): DocumentEvent | null {
  const published = change(entry, publishedId)
  const draft = change(entry, draftId)
  const base = {id: entry.id, documentId: publishedId, timestamp: entry.timestamp, author: entry.author}

  if (published?.after) {
    if (draft?.before && !draft.after) {
      return {...base, type: 'publishDocumentVersion', revisionId: entry.id, versionId: draftId, versionRevisionId: draft.before._rev, publishCause: 'document.publish'}
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
  if (draft?.before && !draft.after) return {...base, type: 'deleteDocumentVersion', versionId: draftId, versionRevisionId: draft.before._rev}
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
  return [...entries]
    .reverse()
    .map((entry) => eventFor(entry, publishedId, draftId))
    .filter((event): event is DocumentEvent => event !== null)
    .slice(0, limit)
}
