/**
 * Warming the planner's indexes after the lake opens. The indexes (view-index.ts: type lists,
 * orderings, equality, membership and reference indexes; executor.ts: lists filtered by a
 * pipeline's document-only terms and their orderings) are built on first use, which at 100,000
 * documents takes a first query hundreds of milliseconds. Each index a view builds is noted as a
 * hint (`IndexHint`, with the view's perspective), and the store keeps the most recent ones
 * (Store.indexHints). The next process builds them again right after it opens (once the integrity
 * check passed, so the first answer is not delayed), one index per step and yielding to queries and
 * commits between steps — so the first reader or editor finds them built.
 *
 * Nothing depends on a hint for correctness: a step builds exactly what the first query needing
 * the index would build (the same code), on the view current at that step; a query arriving
 * before a step builds what it needs itself, and a commit derives the built indexes as usual.
 * Hints that no longer parse (another version's) are skipped.
 */
import {withPathReads, type DatasetDocuments} from './document-cache'
import {warmStatic} from './executor'
import type {OrderKey} from './groq-order'
import type {ReaderScope, ResolvedPerspective} from './perspective'
import {ViewIndex, type IndexHint} from './view-index'

/**
 * The executor's own checks for a static key, for carrying the shared lists across commits
 * (ViewIndex.deriveMemos): the documents of `docs` the lists a key names would hold, found by
 * building those lists over `docs` alone (view-index.ts cannot import the executor, which imports it).
 */
ViewIndex.staticFilter = (staticKey, docs) => {
  const view = new ViewIndex(docs)
  warmStatic(view, staticKey, null)
  return view.memo(`static:${staticKey}`, () => {
    throw new Error(`lake: no static list for ${staticKey}`)
  })
}

/** Tunables (tests turn the warm-up off, or watch it). */
export const warmUpSettings = {enabled: true}

interface StoredHint {
  view: {perspective: ResolvedPerspective; scope: ReaderScope}
  index: IndexHint
}

/** Within a view: what later builds reuse first (orderings re-sort from earlier ones, static lists filter type lists). */
const KIND_ORDER: IndexHint['kind'][] = ['types', 'sorted', 'static', 'staticSorted', 'equality', 'containing', 'references']

function parseHint(text: string): StoredHint | null {
  try {
    const hint = JSON.parse(text) as StoredHint
    const {perspective, scope} = hint.view ?? {}
    if (!perspective || !['raw', 'published', 'stack'].includes(perspective.kind)) return null
    if (perspective.kind === 'stack' && !(Array.isArray(perspective.layers) && perspective.layers.every((layer) => typeof layer === 'string'))) return null
    if (!scope || (scope.access !== 'all' && scope.access !== 'public') || typeof scope.includeVersions !== 'boolean') return null
    if (!hint.index || !KIND_ORDER.includes(hint.index.kind)) return null
    return hint
  } catch {
    return null
  }
}

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string')
const isKeys = (value: unknown): value is OrderKey[] =>
  Array.isArray(value) && value.length > 0 && value.every((key) => isStrings((key as OrderKey)?.path) && typeof (key as OrderKey).desc === 'boolean')

/**
 * Builds the hinted indexes of one dataset, a step at a time. `documents` gives the dataset's
 * current documents (their views move on with commits); stops when `alive` turns false.
 */
export async function warmUp(hintTexts: string[], documents: () => DatasetDocuments, alive: () => boolean): Promise<void> {
  const hints = hintTexts.map(parseHint).filter((hint): hint is StoredHint => hint !== null)
  // Views in the order of their most recent hint; within a view, by kind.
  const viewOrder = new Map<string, number>()
  for (const hint of hints) {
    const key = JSON.stringify(hint.view)
    if (!viewOrder.has(key)) viewOrder.set(key, viewOrder.size)
  }
  const rank = (hint: StoredHint) => viewOrder.get(JSON.stringify(hint.view))! * KIND_ORDER.length + KIND_ORDER.indexOf(hint.index.kind)
  hints.sort((a, b) => rank(a) - rank(b))
  const step = async () => {
    await new Promise((resolve) => setImmediate(resolve))
    return alive()
  }
  for (const hint of hints) {
    if (!(await step())) return
    const {perspective, scope} = hint.view
    if (!documents().hasView(perspective, scope)) {
      documents().view(perspective, scope)
      if (!(await step())) return
    }
    const index = hint.index
    try {
      // A path without its SQLite index is looked at by a worker first (withPathReads), not read here.
      await withPathReads(() => warmOne(documents().view(perspective, scope), index))
    } catch (error) {
      // A hint another version wrote may not make sense to this one: skip it. Storage errors end the warm-up.
      if (error instanceof SyntaxError || error instanceof TypeError) continue
      throw error
    }
  }
}

/** Builds one hinted index on a view (what the first query needing it would build). */
function warmOne(view: ViewIndex, index: IndexHint): void {
  if (index.kind === 'static' || index.kind === 'staticSorted') {
    if (typeof index.key === 'string') warmStatic(view, index.key, index.kind === 'staticSorted' && isKeys(index.keys) ? index.keys : null)
  } else if (index.kind === 'types') {
    if (isStrings(index.types)) view.warm(index)
  } else if (index.kind === 'sorted') {
    if ((index.types === null || isStrings(index.types)) && isKeys(index.keys)) view.warm(index)
  } else if (index.kind === 'equality') {
    if (isStrings(index.path) && index.path.length > 0) view.warm(index)
  } else if (index.kind === 'containing') {
    if (isStrings(index.path) && isStrings(index.sub)) view.warm(index)
  } else {
    view.warm(index)
  }
}
