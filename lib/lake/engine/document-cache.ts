/**
 * The in-memory copy of each dataset's documents, so queries never re-read or re-parse JSON.
 * Documents are deep-frozen: everything that hands them out (queries, getDocuments, listeners)
 * shares the same objects, and nothing may change them behind the store's back.
 *
 * Each perspective a query asked for has a view (view-index.ts): its documents and the indexes
 * built on them. A commit does not throw views away: it derives each one's next version from the
 * documents the transaction changed, so indexes stay current at the cost of the change, not of
 * the dataset.
 */
import {DRAFTS_PREFIX, publishedIdOf, VERSIONS_PREFIX} from './ids'
import {LruCache} from './lru'
import {applyPerspective, compareIds, perspectiveKey, type ReaderScope, type ResolvedPerspective} from './perspective'
import type {SanityDocument} from './types'
import {ViewIndex} from './view-index'

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

const MAX_VIEWS = 16

interface CachedView {
  perspective: ResolvedPerspective
  scope: ReaderScope
  view: ViewIndex
}

export class DatasetDocuments {
  private readonly documents = new Map<string, SanityDocument>()
  private sorted: SanityDocument[] | null = null
  /** Bounded: callers choose perspectives (release stacks), and each view holds a list per document. */
  private views = new LruCache<string, CachedView>(MAX_VIEWS)

  constructor(initial: SanityDocument[]) {
    for (const doc of initial) this.documents.set(doc._id, deepFreeze(doc))
  }

  get(id: string): SanityDocument | undefined {
    return this.documents.get(id)
  }

  get size(): number {
    return this.documents.size
  }

  /** All stored documents sorted by `_id` (a fresh array each commit; never mutated after). */
  all(): SanityDocument[] {
    if (!this.sorted) this.sorted = [...this.documents.values()].sort((a, b) => compareIds(a._id, b._id))
    return this.sorted
  }

  /** Applies committed changes, deriving every cached view. Running queries keep the views they hold. */
  apply(changes: {id: string; after: SanityDocument | null}[]): void {
    for (const {id, after} of changes) {
      if (after) this.documents.set(id, deepFreeze(after))
      else this.documents.delete(id)
    }
    this.sorted = null
    const affected = new Set<string>()
    for (const {id} of changes) {
      affected.add(id)
      affected.add(publishedIdOf(id))
    }
    const next = new LruCache<string, CachedView>(MAX_VIEWS)
    for (const [key, cached] of this.views.entries()) {
      next.set(key, {...cached, view: this.derive(cached, affected)})
    }
    this.views = next
  }

  /** A view's next version: the documents it shows under the affected ids recomputed from storage. */
  private derive(cached: CachedView, affected: Set<string>): ViewIndex {
    const {perspective, scope, view} = cached
    const layers = perspective.kind === 'stack' ? perspective.layers : []
    const candidates = new Map<string, SanityDocument>()
    for (const id of affected) {
      const ids = [id, `${DRAFTS_PREFIX}${id}`, ...layers.map((layer) => `${VERSIONS_PREFIX}${layer}.${id}`)]
      for (const candidate of ids) {
        const doc = this.documents.get(candidate)
        if (doc) candidates.set(candidate, doc)
      }
    }
    const sortedCandidates = [...candidates.values()].sort((a, b) => compareIds(a._id, b._id))
    const added = applyPerspective(sortedCandidates, perspective, scope).filter((doc) => affected.has(doc._id))
    for (const doc of added) deepFreeze(doc)
    const removed = [...affected].flatMap((id) => view.byId.get(id) ?? [])
    return view.derive(removed, added)
  }

  view(perspective: ResolvedPerspective, scope: ReaderScope): ViewIndex {
    const key = perspectiveKey(perspective, scope)
    let cached = this.views.get(key)
    if (!cached) {
      const docs = applyPerspective(this.all(), perspective, scope)
      // Overlaid drafts are fresh shallow copies: freeze them like the stored documents.
      for (const doc of docs) deepFreeze(doc)
      cached = {perspective, scope, view: new ViewIndex(docs)}
      this.views.set(key, cached)
    }
    return cached.view
  }
}
