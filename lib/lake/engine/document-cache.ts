/**
 * The in-memory copy of each dataset's documents, so queries never re-read or re-parse JSON.
 * Documents are deep-frozen: everything that hands them out (queries, getDocuments, listeners)
 * shares the same objects, and nothing may change them behind the store's back. Each commit swaps
 * in the new versions and drops the derived per-perspective views, which are rebuilt on demand.
 */
import {LruCache} from './lru'
import {applyPerspective, compareIds, perspectiveKey, type ReaderScope, type ResolvedPerspective} from './perspective'
import type {SanityDocument} from './types'

export interface DocumentView {
  /** Documents the perspective sees, sorted by `_id`. */
  all: SanityDocument[]
  byId: Map<string, SanityDocument>
  /** Lazily built: the view's documents of one type, in `all` order. */
  ofTypes(types: Set<string>): SanityDocument[]
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

const MAX_VIEWS = 16
const MAX_TYPE_LISTS_PER_VIEW = 64

export class DatasetDocuments {
  private readonly documents = new Map<string, SanityDocument>()
  private sorted: SanityDocument[] | null = null
  /** Bounded: callers choose perspectives (release stacks), and each view holds a list per document. */
  private views = new LruCache<string, DocumentView>(MAX_VIEWS)

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

  /** Applies committed changes. Views in use by running queries keep their own arrays. */
  apply(changes: {id: string; after: SanityDocument | null}[]): void {
    for (const {id, after} of changes) {
      if (after) this.documents.set(id, deepFreeze(after))
      else this.documents.delete(id)
    }
    this.sorted = null
    this.views = new LruCache(MAX_VIEWS)
  }

  view(perspective: ResolvedPerspective, scope: ReaderScope): DocumentView {
    const key = perspectiveKey(perspective, scope)
    let view = this.views.get(key)
    if (!view) {
      view = buildView(applyPerspective(this.all(), perspective, scope))
      this.views.set(key, view)
    }
    return view
  }
}

function buildView(all: SanityDocument[]): DocumentView {
  // Overlaid drafts are fresh shallow copies: freeze them like the stored documents.
  for (const doc of all) deepFreeze(doc)
  const byId = new Map(all.map((doc) => [doc._id, doc]))
  const byTypes = new LruCache<string, SanityDocument[]>(MAX_TYPE_LISTS_PER_VIEW)
  return {
    all,
    byId,
    ofTypes(types) {
      const key = [...types].sort().join('\u0000')
      let docs = byTypes.get(key)
      if (!docs) {
        docs = all.filter((doc) => types.has(doc._type))
        byTypes.set(key, docs)
      }
      return docs
    },
  }
}
