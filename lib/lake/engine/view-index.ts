/**
 * The secondary indexes of one perspective view (the documents a query sees): per-type lists,
 * orderings by any attribute paths, equality by any attribute path, membership, references and
 * per-expression token counts for `match`/`score()` (full-text candidates come from SQLite FTS5,
 * fts.ts, not from here). Each is built the first time a query needs it and then kept current
 * commit by commit (`derive`): a view is an immutable snapshot, so a commit produces a new view
 * whose indexes are copies of the old ones with the changed documents taken out and put back in.
 * Running queries keep the snapshot they started with.
 *
 * Orders and equality follow groq-js exactly (see groq-order.ts), so the planner can answer from
 * an index what groq-js would answer by scanning.
 */
import {FieldIndex, OrdinalSpace} from './field-index'
import {groqKeyOf, totalCompare, type OrderKey} from './groq-order'
import {indexValue, memberKeys} from './document-cache'
import {LruCache} from './lru'
import {collectReferences} from './references'
import {compareIds} from './perspective'
import type {TreeNode} from './scan-plan'
import type {SanityDocument} from './types'

/** A view's documents ordered by some attribute paths, ties by `_id` (groq-js's order is stable over `*`). */
export interface SortedIndex {
  keys: OrderKey[]
  entries: SortedEntry[]
}

/**
 * One document of an ordering with the values of the ordering's keys (null where missing). The
 * values are held in fields, not in an array of their own: an ordering has an entry per document
 * (100,000 at 100,000 posts, several orderings per view), and an entry with its array cost about
 * twice as much. `rest` is the second key's value, an array of the values of the keys after the
 * first when there are more than two, or undefined for one key (a key's value is a scalar, null or
 * the opaque marker: never an array).
 */
export class SortedEntry {
  readonly v0: unknown
  readonly rest: unknown

  constructor(
    readonly doc: SanityDocument,
    values: unknown[],
  ) {
    this.v0 = values[0]
    // A second key's value is held bare unless it is itself an array (`rest` being an array means
    // "several keys"): an array value goes in an array of one, so `value(1)` still finds it whole.
    this.rest = values.length === 1 ? undefined : values.length === 2 && !Array.isArray(values[1]) ? values[1] : values.slice(1)
  }

  /** The value of the k-th key (0-based). */
  value(k: number): unknown {
    if (k === 0) return this.v0
    const rest = this.rest
    if (Array.isArray(rest)) return rest[k - 1]
    return k === 1 ? rest : undefined
  }

  /** The keys' values as an array (a new one each time: comparisons read `value(k)`). */
  get values(): unknown[] {
    const rest = this.rest
    if (rest === undefined) return [this.v0]
    return Array.isArray(rest) ? [this.v0, ...rest] : [this.v0, rest]
  }
}

function entryOfKeys(doc: SanityDocument, keys: OrderKey[]): SortedEntry {
  return new SortedEntry(doc, keys.map((k) => indexValue(doc, k.path)))
}

/**
 * An index a view built, written out so a later process can build it again ahead of queries
 * (warm-up.ts): what the planner needed once it will likely need again after a restart.
 */
export type IndexHint =
  | {kind: 'types'; types: string[]}
  | {kind: 'sorted'; types: string[] | null; keys: OrderKey[]}
  | {kind: 'equality'; path: string[]}
  | {kind: 'containing'; path: string[]; sub: string[]}
  | {kind: 'references'}
  /** The documents passing a pipeline's document-only terms (executor.ts, staticKeyOf). */
  | {kind: 'static'; key: string}
  | {kind: 'staticSorted'; key: string; keys: OrderKey[]}

/** Lookups by a path answered by scanning its column before its equality index is built regardless. */
const MAX_SCANS = 4
const MAX_TYPE_LISTS = 64
const MAX_SORTED = 32
const MAX_EQUALITY = 32
const MAX_MEMOS = 64
const MAX_FIELD_INDEXES = 64

export class ViewIndex {
  /** Documents the perspective sees, sorted by `_id`. */
  readonly all: SanityDocument[]
  readonly byId: Map<string, SanityDocument>
  private typeLists = new LruCache<string, SanityDocument[]>(MAX_TYPE_LISTS)
  private sortedIndexes = new LruCache<string, SortedIndex>(MAX_SORTED)
  private equalityIndexes = new LruCache<string, EqualityIndex>(MAX_EQUALITY)
  private referenceIndex: Map<string, SanityDocument[]> | null = null
  private memberIndexes = new LruCache<string, Map<string, SanityDocument[]>>(MAX_EQUALITY)
  private fieldIndexes = new LruCache<string, FieldIndex>(MAX_FIELD_INDEXES)
  /** Document ordinals for the field indexes' bulk mode (field-index.ts), shared along the derived views. */
  private ordinals = new OrdinalSpace()
  /**
   * Derived lists the planner caches per view (executor.ts): the documents passing a pipeline's
   * document-only terms (`static:<key>`, in `_id` order) and orderings of them
   * (`sorted:<key>`, by the orderings' keys), carried across commits like the indexes above
   * (`derive`); any other memo is not carried.
   */
  private memos = new LruCache<string, unknown>(MAX_MEMOS)

  /**
   * Of `docs` (in `_id` order), those passing the document-only terms a static key names, in the
   * same order (executor.ts's own checks; set by warm-up.ts, which may import the executor). Null:
   * shared lists are not carried across commits (built again by the next query needing them).
   */
  static staticFilter: ((staticKey: string, docs: SanityDocument[]) => SanityDocument[]) | null = null

  /** Told of each index this view (or one derived from it) builds (see IndexHint). */
  recorder: ((hint: IndexHint, built: boolean) => void) | null = null
  /**
   * While this view is its perspective's current one: the documents whose value at a path equals
   * a scalar, found by scanning the values SQLite extracted (DatasetDocuments.scanEqual) rather
   * than building the equality index; null when that cannot answer (then the index is built).
   */
  scanEqual: ((path: string[], value: unknown) => SanityDocument[] | null) | null = null
  /** Likewise for `value in path[].sub`, from SQLite (Store.memberIds) rather than the membership index. */
  scanContaining: ((path: string[], sub: string[], value: unknown) => SanityDocument[] | null) | null = null
  /**
   * While this view is current: its documents holding a value at `path`, with that value, in the
   * order SQLite's index of the path keeps them (its JSON text order, close to GROQ's for the
   * dates and names lists are ordered by), read from the path's column (DatasetDocuments.columnOrder).
   */
  columnOrder: ((path: string[]) => {docs: SanityDocument[]; values: unknown[]} | null) | null = null

  /**
   * The entries of `docs` (a type list or all) for `keys`, in an order close to theirs (SQLite's
   * order of the first key's values, reversed for `desc`; documents without a value last), so the
   * sort that follows runs in about one comparison per entry. Null when the view cannot tell.
   */
  private presorted(docs: SanityDocument[], types: Set<string> | null, keys: OrderKey[]): SortedEntry[] | null {
    const hint = this.columnOrder?.(keys[0].path)
    if (!hint) return null
    const entries: SortedEntry[] = []
    const n = hint.docs.length
    for (let i = 0; i < n; i++) {
      const at = keys[0].desc ? n - 1 - i : i
      const doc = hint.docs[at]
      if (types && !types.has(doc._type)) continue
      entries.push(new SortedEntry(doc, keys.length === 1 ? [hint.values[at]] : keys.map((key, k) => (k === 0 ? hint.values[at] : indexValue(doc, key.path)))))
    }
    // The hint's documents of these types are among `docs`, once each: the rest have no value.
    const missing: SortedEntry[] = []
    if (entries.length < docs.length) {
      const placed = new Set(entries.map((entry) => entry.doc))
      for (const doc of docs) if (!placed.has(doc)) missing.push(entryOfKeys(doc, keys))
    }
    // Without a value (null) they rank apart from the scalars: after them ascending, before them descending.
    return keys[0].desc ? [...missing, ...entries] : [...entries, ...missing]
  }

  /** Asks for an index to be built in the background, on the perspective's view current then. */
  buildLater: ((hint: IndexHint) => void) | null = null
  private scans = new Map<string, number>()
  private scanResults = new LruCache<string, SanityDocument[]>(MAX_SCANS * 4)

  constructor(all: SanityDocument[], byId?: Map<string, SanityDocument>) {
    this.all = all
    this.byId = byId ?? idMap(all)
  }

  /** `built`: false for an index a query asked to be built later (noted now: it may not be built before the process ends). */
  note(hint: IndexHint, built = true): void {
    this.recorder?.(hint, built)
  }

  private later(hint: IndexHint): void {
    this.note(hint, false)
    this.buildLater?.(hint)
  }

  /** Builds the index a hint names, if this view has not yet (what the first query needing it would build). */
  warm(hint: IndexHint): void {
    switch (hint.kind) {
      case 'types':
        this.ofTypes(new Set(hint.types))
        return
      case 'sorted':
        this.sorted(hint.types ? new Set(hint.types) : null, hint.keys)
        return
      case 'equality':
        this.equality(hint.path)
        return
      case 'containing':
        this.members(hint.path, hint.sub)
        return
      case 'references':
        this.references()
        return
    }
  }

  /** The view's documents of these types, in `_id` order. */
  ofTypes(types: Set<string>): SanityDocument[] {
    const key = typesKey(types)
    let docs = this.typeLists.get(key)
    if (!docs) {
      docs = this.all.filter((doc) => types.has(doc._type))
      this.typeLists.set(key, docs)
      this.note({kind: 'types', types: [...types].sort()})
    }
    return docs
  }

  /** Documents of `types` (null: all) ordered as `order(keys…)` orders them. */
  sorted(types: Set<string> | null, keys: OrderKey[]): SortedIndex {
    const key = sortedKey(types, keys)
    let index = this.sortedIndexes.get(key)
    if (!index) {
      // An ordering of the same documents by the same first path, if built: nearly in order already.
      const sibling = this.sortedOn(types, keys[0].path)
      if (sibling) index = reordered(sibling, keys)
      else {
        const docs = types ? this.ofTypes(types) : this.all
        const entries = this.presorted(docs, types, keys) ?? docs.map((doc) => entryOfKeys(doc, keys))
        entries.sort((a, b) => compareEntries(keys, a, b))
        index = {keys, entries}
      }
      this.sortedIndexes.set(key, index)
      this.note({kind: 'sorted', types: types ? [...types].sort() : null, keys})
    }
    return index
  }

  /** An ordering of `types` already built whose first key is `path` (either direction), if any. */
  sortedOn(types: Set<string> | null, path: string[]): SortedIndex | undefined {
    const prefix = JSON.stringify([types ? [...types].sort() : null]).slice(0, -1) + ','
    for (const [key, index] of this.sortedIndexes.entries()) {
      const first = index.keys[0].path
      if (key.startsWith(prefix) && first.length === path.length && first.every((part, i) => part === path[i])) return index
    }
    return undefined
  }

  memo<T>(key: string, build: () => T): T {
    let value = this.memos.get(key) as T | undefined
    if (value === undefined) {
      value = build()
      this.memos.set(key, value)
    }
    return value
  }

  /** Documents whose value at `path` is GROQ-equal to `value` (a scalar or null), in `_id` order. */
  equal(path: string[], value: unknown): SanityDocument[] {
    const valueKey = groqKeyOf(value)
    if (valueKey === null) return []
    if (path.length === 1 && path[0] === '_id') {
      const doc = typeof value === 'string' ? this.byId.get(value) : undefined
      return doc ? [doc] : []
    }
    const key = path.join('\u0000')
    if (!this.equalityIndexes.get(key) && valueKey !== 'null' && this.scanEqual) {
      // A first lookup by a path (a post by its slug after a restart): a scan of one column
      // answers it in a few milliseconds; the index is built in the background, or now if
      // lookups keep coming before that ran.
      const scanned = (this.scans.get(key) ?? 0) + 1
      const docs = this.scanned(`=${key}\u0000${valueKey}`, scanned, () => this.scanEqual!(path, value))
      if (docs) {
        this.scans.set(key, scanned)
        if (scanned === 1) this.later({kind: 'equality', path})
        return docs
      }
    }
    // A scalar or null here (groqKeyOf filed nothing else).
    return docsOf(this.equality(path).get(equalityKey(value) as EqualityKey))
  }

  /** A scan's answer, remembered for the view (a page asks for its list and its count); null once scans are used up. */
  private scanned(key: string, scans: number, scan: () => SanityDocument[] | null): SanityDocument[] | null {
    const known = this.scanResults.get(key)
    if (known) return known
    if (scans > MAX_SCANS) return null
    const docs = scan()
    if (docs) this.scanResults.set(key, docs)
    return docs
  }

  private equality(path: string[]): EqualityIndex {
    const key = path.join('\u0000')
    let index = this.equalityIndexes.get(key)
    if (!index) {
      index = new Map()
      for (const doc of this.all) addToEquality(index, equalityKey(indexValue(doc, path)), doc)
      this.equalityIndexes.set(key, index)
      this.note({kind: 'equality', path})
    }
    return index
  }

  /** Documents for which `value in path[].sub` is true (value: a scalar or null), in `_id` order. */
  containing(path: string[], sub: string[], value: unknown): SanityDocument[] {
    const valueKey = groqKeyOf(value)
    if (valueKey === null) return []
    const key = JSON.stringify([path, sub])
    if (!this.memberIndexes.get(key) && this.scanContaining) {
      // A first category page after a restart: SQLite finds that one value's documents.
      const scanned = (this.scans.get(key) ?? 0) + 1
      const docs = this.scanned(`in${key}\u0000${valueKey}`, scanned, () => this.scanContaining!(path, sub, value))
      if (docs) {
        this.scans.set(key, scanned)
        if (scanned === 1) this.later({kind: 'containing', path, sub})
        return docs
      }
    }
    return this.members(path, sub).get(valueKey) ?? []
  }

  private members(path: string[], sub: string[]): Map<string, SanityDocument[]> {
    const key = JSON.stringify([path, sub])
    let index = this.memberIndexes.get(key)
    if (!index) {
      index = new Map()
      for (const doc of this.all) for (const member of new Set(memberKeys(doc, path, sub))) addTo(index, member, doc)
      this.memberIndexes.set(key, index)
      this.note({kind: 'containing', path, sub})
    }
    return index
  }

  /** Documents for which groq-js's `references(id)` is true, in `_id` order. */
  referencing(id: string): SanityDocument[] {
    return this.references().get(id) ?? []
  }

  private references(): Map<string, SanityDocument[]> {
    if (!this.referenceIndex) {
      this.referenceIndex = new Map()
      for (const doc of this.all) for (const ref of collectReferences(doc)) addTo(this.referenceIndex, ref, doc)
      this.note({kind: 'references'})
    }
    return this.referenceIndex
  }

  /** The full-text index of a `match` left side (its syntax tree), built on first use. */
  field(left: TreeNode, element = false): FieldIndex {
    const key = (element ? 'e' : '') + JSON.stringify(left)
    let index = this.fieldIndexes.get(key)
    if (!index) {
      index = FieldIndex.build(left, this.all, this.ordinals, (part, asElement) => this.field(part, asElement), element)
      this.fieldIndexes.set(key, index)
    }
    return index
  }

  /** Whether this view holds exactly this document object. */
  has(doc: SanityDocument): boolean {
    return this.byId.get(doc._id) === doc
  }

  /**
   * The view after a commit: `removed` documents (as this view had them) go, `added` ones come in.
   * Indexes this view had built are carried over, updated; the rest are built on demand.
   */
  derive(removed: SanityDocument[], added: SanityDocument[]): ViewIndex {
    const all = this.all.slice()
    const byId = new Map(this.byId)
    for (const doc of removed) {
      removeSorted(all, doc, byIdOrder)
      byId.delete(doc._id)
    }
    for (const doc of added) {
      insertSorted(all, doc, byIdOrder)
      byId.set(doc._id, doc)
    }
    const next = new ViewIndex(all, byId)
    next.recorder = this.recorder
    for (const [key, docs] of this.typeLists.entries()) {
      const types = new Set(key.split('\u0000'))
      const list = docs.slice()
      for (const doc of removed) if (types.has(doc._type)) removeSorted(list, doc, byIdOrder)
      for (const doc of added) if (types.has(doc._type)) insertSorted(list, doc, byIdOrder)
      next.typeLists.set(key, list)
    }
    for (const [key, index] of this.sortedIndexes.entries()) {
      const types = typesOfSortedKey(key)
      const entries = index.entries.slice()
      const compare = (a: SortedEntry, b: SortedEntry) => compareEntries(index.keys, a, b)
      const entryOf = (doc: SanityDocument) => entryOfKeys(doc, index.keys)
      for (const doc of removed) if (!types || types.has(doc._type)) removeSorted(entries, entryOf(doc), compare)
      for (const doc of added) if (!types || types.has(doc._type)) insertSorted(entries, entryOf(doc), compare)
      next.sortedIndexes.set(key, {keys: index.keys, entries})
    }
    for (const [key, index] of this.equalityIndexes.entries()) {
      const path = key.split('\u0000')
      next.equalityIndexes.set(key, updateEquality(index, removed, added, (doc) => equalityKey(indexValue(doc, path))))
    }
    for (const [key, index] of this.memberIndexes.entries()) {
      const [path, sub] = JSON.parse(key) as [string[], string[]]
      next.memberIndexes.set(key, updateMultiMap(index, removed, added, (doc) => memberKeys(doc, path, sub) ?? []))
    }
    // Replaced documents stay in the field indexes' inverted lists (older views may still read
    // them): once they outnumber the live ones, the next view starts those indexes afresh.
    this.ordinals.garbage += removed.length
    if (this.ordinals.garbage <= Math.max(4096, all.length)) {
      next.ordinals = this.ordinals
      for (const [key, index] of this.fieldIndexes.entries()) next.fieldIndexes.set(key, index.derive(added, next))
    }
    if (this.referenceIndex) next.referenceIndex = updateMultiMap(this.referenceIndex, removed, added, collectReferences)
    this.deriveMemos(next, removed, added)
    return next
  }

  /**
   * The shared static lists and their orderings (see `memos`), updated for a commit: the removed
   * documents taken out, the added ones that pass the key's terms put in (its checks are run on
   * those only), instead of one pass over the whole view by the next query after every edit.
   * Lists are copied: the views of queries in flight keep theirs.
   */
  private deriveMemos(next: ViewIndex, removed: SanityDocument[], added: SanityDocument[]): void {
    const filter = ViewIndex.staticFilter
    if (!filter) return
    const passing = new Map<string, SanityDocument[]>()
    const passingOf = (key: string) => {
      let docs = passing.get(key)
      if (!docs) passing.set(key, (docs = added.length === 0 ? [] : filter(key, added)))
      return docs
    }
    // Least recently used first, so the LRU order carries over.
    for (const [memoKey, value] of this.memos.entries()) {
      try {
        if (memoKey.startsWith('static:')) {
          const list = (value as SanityDocument[]).slice()
          for (const doc of removed) removeSorted(list, doc, byIdOrder)
          for (const doc of passingOf(memoKey.slice('static:'.length))) insertSorted(list, doc, byIdOrder)
          next.memos.set(memoKey, list)
        } else if (memoKey.startsWith('sorted:')) {
          const orderings = new Map<string, SortedIndex>()
          const docs = passingOf(memoKey.slice('sorted:'.length))
          for (const [keysKey, index] of value as Map<string, SortedIndex>) {
            const entries = index.entries.slice()
            const compare = (a: SortedEntry, b: SortedEntry) => compareEntries(index.keys, a, b)
            const entryOf = (doc: SanityDocument) => entryOfKeys(doc, index.keys)
            for (const doc of removed) removeSorted(entries, entryOf(doc), compare)
            for (const doc of docs) insertSorted(entries, entryOf(doc), compare)
            orderings.set(keysKey, {keys: index.keys, entries})
          }
          next.memos.set(memoKey, orderings)
        }
      } catch {
        // Not carried: built again by the next query needing it (a commit must not fail after it is durable).
        continue
      }
    }
  }
}

/** Documents by `_id` (a loop: no pair array per document, which at 100,000 documents was most of a new view's cost). */
function idMap(docs: SanityDocument[]): Map<string, SanityDocument> {
  const byId = new Map<string, SanityDocument>()
  for (const doc of docs) byId.set(doc._id, doc)
  return byId
}

function typesKey(types: Set<string>): string {
  return [...types].sort().join('\u0000')
}

function sortedKey(types: Set<string> | null, keys: OrderKey[]): string {
  return JSON.stringify([types ? [...types].sort() : null, keys.map((k) => [k.path, k.desc])])
}

function typesOfSortedKey(key: string): Set<string> | null {
  const [types] = JSON.parse(key) as [string[] | null]
  return types ? new Set(types) : null
}

function byIdOrder(a: SanityDocument, b: SanityDocument): number {
  return compareIds(a._id, b._id)
}

/**
 * The entries of `index` ordered by `keys`, whose first path is the index's first path: taken in
 * the index's order (reversed for the other direction), then sorted, which a merge sort (V8's
 * TimSort) does in about one comparison per entry for input this close to sorted.
 */
export function reordered(index: SortedIndex, keys: OrderKey[]): SortedIndex {
  const reverse = index.keys[0].desc !== keys[0].desc
  const n = index.entries.length
  // Entries hold the values of their index's keys; comparisons read only the first keys.length of
  // them, so with the same paths up to there (`order(a desc)` from `order(a desc, _id desc)`) the
  // same entry objects serve.
  const shared = keys.length <= index.keys.length && keys.every((key, k) => samePath(key.path, index.keys[k].path))
  let entries: SortedEntry[]
  if (shared) {
    entries = reverse ? index.entries.slice().reverse() : index.entries.slice()
  } else {
    entries = new Array(n)
    for (let i = 0; i < n; i++) {
      const entry = index.entries[reverse ? n - 1 - i : i]
      const values = keys.map((key, k) => (k === 0 ? entry.v0 : indexValue(entry.doc, key.path)))
      entries[i] = new SortedEntry(entry.doc, values)
    }
  }
  entries.sort((a, b) => compareEntries(keys, a, b))
  return {keys, entries}
}

function samePath(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i])
}

export function compareEntries(keys: OrderKey[], a: SortedEntry, b: SortedEntry): number {
  // compareOrderKeys over the entries' fields (no array per comparison).
  for (let k = 0; k < keys.length; k++) {
    let c = totalCompare(a.value(k), b.value(k))
    if (keys[k].desc) c = -c
    if (c !== 0) return c
  }
  return compareIds(a.doc._id, b.doc._id)
}

/**
 * An equality index: the documents (in `_id` order) holding each scalar value or null at a path.
 * Keyed by the value itself (a Map tells "1" from 1 and true from "true", as GROQ's `==` does;
 * NaN finds NaN, as the string keys of groqKeyOf did), not by a key string made for each document,
 * and a value held by one document maps to that document, not to an array of one: most values of
 * an indexed path are unique (a slug), and at 100,000 documents the strings and arrays were ≈ 9 MiB.
 */
type EqualityIndex = Map<EqualityKey, SanityDocument | SanityDocument[]>
type EqualityKey = string | number | boolean | null

/** Not filed (objects and arrays equal nothing). */
const UNFILED = Symbol('unfiled')

function equalityKey(value: unknown): EqualityKey | typeof UNFILED {
  if (value === null || value === undefined) return null
  const type = typeof value
  return type === 'string' || type === 'number' || type === 'boolean' ? (value as EqualityKey) : UNFILED
}

/** An equality index entry as a list (a new array for a lone document). */
function docsOf(entry: SanityDocument | SanityDocument[] | undefined): SanityDocument[] {
  return entry === undefined ? [] : Array.isArray(entry) ? entry : [entry]
}

function addToEquality(index: EqualityIndex, key: EqualityKey | typeof UNFILED, doc: SanityDocument): void {
  if (key === UNFILED) return
  const entry = index.get(key)
  if (entry === undefined) index.set(key, doc)
  else if (Array.isArray(entry)) entry.push(doc)
  else index.set(key, [entry, doc])
}

/** A copy of an equality index with `removed` taken out and `added` put in (lists stay in `_id` order, never mutated once shared). */
function updateEquality(index: EqualityIndex, removed: SanityDocument[], added: SanityDocument[], keyOf: (doc: SanityDocument) => EqualityKey | typeof UNFILED): EqualityIndex {
  const next = new Map(index)
  const lists = new Map<EqualityKey, SanityDocument[]>()
  const listFor = (key: EqualityKey) => {
    let list = lists.get(key)
    if (!list) lists.set(key, (list = docsOf(next.get(key)).slice()))
    return list
  }
  for (const doc of removed) {
    const key = keyOf(doc)
    if (key !== UNFILED) removeSorted(listFor(key), doc, byIdOrder)
  }
  for (const doc of added) {
    const key = keyOf(doc)
    if (key !== UNFILED) insertSorted(listFor(key), doc, byIdOrder)
  }
  for (const [key, list] of lists) {
    if (list.length === 0) next.delete(key)
    else next.set(key, list.length === 1 ? list[0] : list)
  }
  return next
}

function addTo<K>(index: Map<K, SanityDocument[]>, key: K | null, doc: SanityDocument): void {
  if (key === null) return
  const list = index.get(key)
  if (list) list.push(doc)
  else index.set(key, [doc])
}

/** A copy of a key → documents index with `removed` taken out and `added` put in (lists stay in `_id` order). */
function updateMultiMap(
  index: Map<string, SanityDocument[]>,
  removed: SanityDocument[],
  added: SanityDocument[],
  keysOf: (doc: SanityDocument) => Iterable<string | null>,
): Map<string, SanityDocument[]> {
  const next = new Map(index)
  const copied = new Set<string>()
  const listFor = (key: string) => {
    if (!copied.has(key)) {
      next.set(key, (next.get(key) ?? []).slice())
      copied.add(key)
    }
    return next.get(key)!
  }
  for (const doc of removed) {
    for (const key of new Set(keysOf(doc))) if (key !== null) removeSorted(listFor(key), doc, byIdOrder)
  }
  for (const doc of added) {
    for (const key of new Set(keysOf(doc))) if (key !== null) insertSorted(listFor(key), doc, byIdOrder)
  }
  for (const key of copied) if (next.get(key)!.length === 0) next.delete(key)
  return next
}

/** First position whose element is not less than `item`. */
export function lowerBound<T>(list: T[], item: T, compare: (a: T, b: T) => number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compare(list[mid], item) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

function insertSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): void {
  list.splice(lowerBound(list, item, compare), 0, item)
}

function removeSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): void {
  const at = lowerBound(list, item, compare)
  if (at < list.length && compare(list[at], item) === 0) list.splice(at, 1)
}
