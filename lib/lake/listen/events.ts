/** Builds Sanity's listener `mutation` events from a committed transaction. */
import {documentEffects} from '../engine/mendoza'
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

/** Every listener of a change gets the same effects: computed once per change, not per listener. */
const effectsCache = new WeakMap<DocumentChange, {apply: unknown; revert: unknown}>()
function effectsOf(change: DocumentChange) {
  let effects = effectsCache.get(change)
  if (!effects) {
    effects = documentEffects(change.before, change.after)
    effectsCache.set(change, effects)
  }
  return effects
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
  // Patches over documents without `_rev`: the Studio applies them so and sets `_rev` from resultRev.
  if (options.effectFormat === 'mendoza') event.effects = effectsOf(change)
  if (options.includeResult && change.after) event.result = change.after
  if (options.includePreviousRevision && change.before) event.previous = change.before
  return event
}
