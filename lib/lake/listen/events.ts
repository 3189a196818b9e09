/** Builds Sanity's listener `mutation` events from a committed transaction. */
import type {DocumentChange, Mutation, SanityDocument, Transaction} from '../engine/types'

export interface ListenOptions {
  includeResult: boolean
  includePreviousRevision: boolean
  includeMutations: boolean
  effectFormat: 'mendoza' | null
  /** Echoed in events: `query` (the default) or `transaction`. */
  visibility: string
  /** `public`: an anonymous listener, which may read only public documents. */
  access: 'all' | 'public'
}

export type Transition = 'appear' | 'update' | 'disappear'

export interface MutationEvent {
  eventId: string
  documentId: string
  transactionId: string
  transition: Transition
  identity: string
  previousRev?: string
  resultRev?: string
  timestamp: string
  visibility: string
  transactionTotalEvents: number
  transactionCurrentEvent: number
  mutations?: Mutation[]
  effects?: {apply: unknown; revert: unknown}
  result?: SanityDocument
  previous?: SanityDocument
}

/** Mendoza patches work on documents without `_rev` (the Studio sets `_rev` from `resultRev`). */
function withoutRev(doc: SanityDocument | null): Omit<SanityDocument, '_rev'> | null {
  if (!doc) return null
  const {_rev, ...rest} = doc
  void _rev
  return rest
}

/**
 * The mutations of the transaction that concern this document, as far as the listener may read
 * them. A mutation naming this document by id is shown; one without an id (patch or delete by
 * query, create with a generated id) may have touched documents the listener cannot read, and
 * carries their query text and values: only token holders see those.
 */
export function mutationsFor(mutations: Mutation[], documentId: string, access: ListenOptions['access']): Mutation[] {
  return mutations.filter((mutation) => {
    const body = Object.values(mutation)[0] ?? {}
    const target = typeof body.id === 'string' ? body.id : typeof body._id === 'string' ? body._id : null
    if (target === null) return access === 'all'
    return target === documentId
  })
}

export function mutationEvent(
  tx: Transaction,
  change: DocumentChange,
  index: number,
  transition: Transition,
  options: ListenOptions,
): MutationEvent {
  const event: MutationEvent = {
    eventId: `${tx.id}#${change.id}`,
    documentId: change.id,
    transactionId: tx.id,
    transition,
    identity: tx.author,
    previousRev: change.before?._rev,
    resultRev: change.after?._rev ?? tx.id,
    timestamp: tx.timestamp,
    visibility: options.visibility,
    transactionTotalEvents: tx.changes.length,
    transactionCurrentEvent: index + 1,
  }
  if (options.includeMutations) event.mutations = mutationsFor(tx.mutations, change.id, options.access)
  // A whole-document replacement ([0, value] is mendoza's "set to this value") is a valid effect.
  if (options.effectFormat === 'mendoza') event.effects = {apply: [0, withoutRev(change.after)], revert: [0, withoutRev(change.before)]}
  if (options.includeResult && change.after) event.result = change.after
  if (options.includePreviousRevision && change.before) event.previous = change.before
  return event
}
