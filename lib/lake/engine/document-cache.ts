/**
 * Each dataset's documents as the engine holds them: not whole in memory. SQLite keeps the
 * documents; memory keeps one small *handle* per document (its id and type) and a bounded
 * working set of parsed documents (`WorkingSetCache`, least recently used out first).
 *
 * A handle is a Proxy that reads like the document (groq-js, projections and the planner use it
 * as one) and parses the document from SQLite the first time anything beyond `_id`/`_type` is
 * read; the working set may drop the parsed copy again, and the next read parses it anew.
 * Indexes (view-index.ts) hold handles and the values of the paths they order or filter on
 * (`indexValue`), which come from per-path *columns* that SQLite extracts from the stored JSON
 * (`Store.column`) without parsing documents in JS — so opening a store and answering the first
 * query reads ids, types and the few paths that query needs, not every document.
 *
 * Snapshots: a view is immutable, and queries in flight keep theirs across commits. A commit
 * replaces the handles of the documents it changed and *pins* the old ones to the content they
 * had (the transaction read it anyway), so an old snapshot never sees a newer version.
 * Documents handed out (query results, getDocuments, listeners) are plain deep-frozen objects.
 */
import {AsyncLocalStorage} from 'node:async_hooks'
import {DRAFTS_PREFIX, publishedIdOf, VERSIONS_PREFIX} from './ids'
import {LruCache} from './lru'
import {isRawDocument, plainDocument} from './raw-document'
import type {DocumentText} from './store'
import {groqKeyOf, valueAt} from './groq-order'
import {applyPerspective, compareIds, perspectiveKey, type ReaderScope, type ResolvedPerspective} from './perspective'
import type {SanityDocument} from './types'
import {ViewIndex, type IndexHint} from './view-index'

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value) && !isHandle(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

/** What a worker read for a column (Store.preparePath): handed back to `column`/`arrayColumn` to parse. */
export type PathRead = [string, string]

/** Where handles read documents and columns from (the SQLite store, for one dataset). */
export interface DocumentSource {
  documentJson(id: string): string | undefined
  /**
   * Values at `path` by stored id (documents without one absent), or null: not extractable. `read`:
   * a worker's read of it. `idOf`: the string to key an id by (the handle's own: one copy per id).
   */
  column(path: string[], read?: PathRead, idOf?: (id: string) => string): Map<string, unknown> | null
  /**
   * `each(values)` by stored id for the documents holding an array at `path`, `values` being the
   * elements' values at `sub` (missing: null; objects and arrays: any object), or null: not extractable.
   */
  arrayColumn<T>(path: string[], sub: string[], each: (values: unknown[]) => T, read?: PathRead, idOf?: (id: string) => string): Map<string, T> | null
  /** Ids of the stored documents for which `value in path[].sub` is true (a string value), or null: cannot tell. */
  memberIds(path: string[], sub: string[], value: string): string[] | null
  /**
   * Before a first read of a path's column (sub null) or member column while it has no index
   * (Store.preparePath): a worker's read to wait for instead of reading every document on the
   * event loop (null once the index exists meanwhile); null: read now.
   */
  preparePath?(path: string[], sub: string[] | null): Promise<PathRead | null> | null
}

/** The work in progress that may wait for a path (`withPathReads`): what it waits for when it stops. */
interface PathReads {
  pending: Promise<unknown> | null
}

const pathReads = new AsyncLocalStorage<PathReads>()

/** Thrown (inside `withPathReads` only) where a first read of a path would read every document's JSON. */
class PathNotReady extends Error {
  constructor() {
    super('lake: a path is being prepared (this evaluation is run again once it is)')
  }
}

/**
 * Runs `work` (a query's evaluation, a background index build) so that a first read of an
 * attribute path SQLite has no index for does not read every document's JSON on the event loop:
 * the read stops the work, which waits (asynchronously) while a worker reads the path on a
 * connection of its own (path-indexes.ts, which then builds the path's index in the background),
 * and is then run again from the start, parsing what the worker read. Everything a view caches is
 * stored only once built, so a stopped run leaves nothing half-made; a read is kept until used,
 * so `work` runs at most once more per column it reads.
 */
export async function withPathReads<T>(work: () => T | Promise<T>): Promise<T> {
  for (;;) {
    const reads: PathReads = {pending: null}
    try {
      return await pathReads.run(reads, work)
    } catch (error) {
      if (!reads.pending) throw error
      await reads.pending
    }
  }
}

const STATE = Symbol('lake.handle')

/** A stored document's handle state (one per stored id and version). */
interface StoredState {
  kind: 'stored'
  id: string
  type: string
  owner: DatasetDocuments
  doc: SanityDocument | null
  /** Replaced by a commit: `doc` is the content this version had and is never dropped. */
  pinned: boolean
  recent: boolean
  size: number
  generation: number
}

/** A perspective's overlay of a stored document (`_id` = published id, `_originalId` = stored id). */
interface OverlayState {
  kind: 'overlay'
  id: string
  type: string
  base: StoredState
  doc: SanityDocument | null
  pinned: boolean
  recent: boolean
  size: number
  generation: number
}

type HandleState = StoredState | OverlayState

// The proxy's target is the handle's state itself (no object in between: one object less per
// stored document). The traps never report the state's own fields, and every one of them is
// configurable on an extensible object, so the proxy invariants hold whatever the document holds.
const handler: ProxyHandler<HandleState> = {
  get(state, key) {
    if (key === STATE) return state
    if (key === '_id') return state.id
    if (key === '_type') return state.type
    return Reflect.get(load(state), key)
  },
  has(state, key) {
    return Reflect.has(load(state), key)
  },
  ownKeys(state) {
    return Reflect.ownKeys(load(state))
  },
  getOwnPropertyDescriptor(state, key) {
    const doc = load(state)
    if (!Object.hasOwn(doc, key)) return undefined
    // Reported configurable: the proxy target itself holds no such property.
    return {value: (doc as unknown as Record<string | symbol, unknown>)[key], writable: false, enumerable: true, configurable: true}
  },
  set() {
    return false
  },
  defineProperty() {
    return false
  },
  deleteProperty() {
    return false
  },
  preventExtensions() {
    return false
  },
}

function makeHandle(state: HandleState): SanityDocument {
  return new Proxy(state, handler) as unknown as SanityDocument
}

function stateOf(value: unknown): HandleState | undefined {
  return typeof value === 'object' && value !== null ? ((value as Record<symbol, unknown>)[STATE] as HandleState | undefined) : undefined
}

export function isHandle(value: unknown): boolean {
  return stateOf(value) !== undefined
}

/** The document a handle stands for (parsed now if needed), or the value itself. */
export function documentOf<T>(value: T): T {
  const state = stateOf(value)
  return state ? (load(state) as T) : value
}

function load(state: HandleState): SanityDocument {
  if (state.doc) {
    state.recent = true
    return state.doc
  }
  // The working set may drop any entry while adding this one: return the local, not state.doc.
  if (state.kind === 'overlay') {
    const base = load(state.base)
    const doc = Object.freeze({...base, _id: state.id, _originalId: state.base.id}) as SanityDocument
    state.doc = doc
    if (state.base.pinned) state.pinned = true
    else state.base.owner.cache.add(state, state.base.size)
    return doc
  }
  const json = state.owner.source.documentJson(state.id)
  if (json === undefined) throw new Error(`lake: document ${state.id} is indexed but not stored`)
  state.owner.parsed++
  const doc = deepFreeze(JSON.parse(json) as SanityDocument)
  state.doc = doc
  state.owner.cache.add(state, json.length)
  return doc
}

/**
 * A value at `path` as indexes need it: exactly `valueAt(document, path)` for scalars and null;
 * objects and arrays come back as an opaque non-null marker (they equal nothing, compare with
 * nothing and all rank alike in `order()`). Read from a column, without parsing the document,
 * unless the document is parsed already.
 */
export function indexValue(doc: SanityDocument, path: string[]): unknown {
  const state = stateOf(doc)
  if (!state) return opaque(valueAt(doc, path))
  if (path[0] === '_id') return path.length === 1 ? state.id : null
  if (path[0] === '_type') return path.length === 1 ? state.type : null
  if (state.kind === 'overlay' && path[0] === '_originalId') return path.length === 1 ? state.base.id : null
  if (state.doc) return opaque(valueAt(state.doc, path))
  const base = state.kind === 'overlay' ? state.base : state
  if (base.pinned) return opaque(valueAt(load(state), path))
  const column = base.owner.column(path)
  if (!column) return opaque(valueAt(load(state), path))
  return column.get(base.id) ?? null
}

/**
 * For `x in path[].sub`: the equality keys (groq-order's groqKeyOf) of the values at `sub` of the
 * elements of the array at `path`, or null when `path` holds no array.
 */
export function memberKeys(doc: SanityDocument, path: string[], sub: string[]): string[] | null {
  const state = stateOf(doc)
  if (state && !state.doc) {
    const base = state.kind === 'overlay' ? state.base : state
    const column = base.pinned || path[0] === '_id' || path[0] === '_originalId' ? null : base.owner.memberColumn(path, sub)
    if (column) return column.get(base.id) ?? null
  }
  return membersOf(documentOf(doc), path, sub)
}

function membersOf(doc: unknown, path: string[], sub: string[]): string[] | null {
  const array = valueAt(doc, path)
  if (!Array.isArray(array)) return null
  const keys: string[] = []
  for (const item of array) {
    const key = groqKeyOf(valueAt(item, sub))
    if (key !== null) keys.push(key)
  }
  return keys
}

export const OPAQUE = Object.freeze({opaque: true})

function opaque(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? OPAQUE : (value ?? null)
}

/**
 * Replaces handles in a query result by the documents (copying containers that held one; frozen
 * values are stored documents and hold none).
 */
export function materialise(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  const state = stateOf(value)
  if (state) return load(state)
  if (Object.isFrozen(value)) return value
  if (Array.isArray(value)) {
    let out: unknown[] | null = null
    for (let i = 0; i < value.length; i++) {
      const item = materialise(value[i])
      if (item !== value[i]) (out ??= value.slice())[i] = item
    }
    return out ?? value
  }
  let out: Record<string, unknown> | null = null
  const record = value as Record<string, unknown>
  for (const key of Object.keys(record)) {
    const item = materialise(record[key])
    if (item !== record[key]) (out ??= {...record})[key] = item
  }
  return out ?? value
}

/**
 * The working set: parsed documents, at most `budget` bytes of their JSON, evicted in CLOCK
 * order (a document read since it was last passed gets a second chance).
 */
export class WorkingSetCache {
  private queue: HandleState[] = []
  /** The entry's generation: a state dropped and parsed again is queued anew, its old entry is stale. */
  private generations: number[] = []
  private head = 0
  bytes = 0

  constructor(readonly budget: number) {}

  add(state: HandleState, size: number): void {
    state.size = size
    state.recent = false
    state.generation++
    this.queue.push(state)
    this.generations.push(state.generation)
    this.bytes += size
    while (this.bytes > this.budget && this.head < this.queue.length - 1) {
      const oldest = this.queue[this.head]
      const generation = this.generations[this.head]
      this.head++
      if (generation !== oldest.generation) continue
      if (oldest.pinned || !oldest.doc) {
        this.bytes -= oldest.size
        continue
      }
      if (oldest.recent) {
        // Read since it was queued: a second chance at the back.
        oldest.recent = false
        this.queue.push(oldest)
        this.generations.push(oldest.generation)
        continue
      }
      oldest.doc = null
      this.bytes -= oldest.size
    }
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head)
      this.generations = this.generations.slice(this.head)
      this.head = 0
    }
  }

  get size(): number {
    return this.queue.length - this.head
  }
}

const MAX_VIEWS = 16
const MAX_COLUMNS = 32
/** A commit changing more documents than this (or an eighth of the dataset) rebuilds views lazily instead of updating them. */
const DERIVE_LIMIT = 256

interface CachedView {
  perspective: ResolvedPerspective
  scope: ReaderScope
  view: ViewIndex
}

export const DEFAULT_WORKING_SET_BYTES = 32 * 2 ** 20

export class DatasetDocuments {
  private readonly handles = new Map<string, SanityDocument>()
  private sorted: SanityDocument[] | null = null
  /** Bounded: callers choose perspectives (release stacks), and each view holds a list per document. */
  private views = new LruCache<string, CachedView>(MAX_VIEWS)
  /** Not evicted one by one (lookups below cache them by path identity): all dropped when too many. */
  private readonly columns = new Map<string, Map<string, unknown> | null>()
  private readonly memberColumns = new Map<string, Map<string, string[]> | null>()
  private columnEpoch = 0
  private readonly columnsByPath = new WeakMap<string[], {epoch: number; column: Map<string, unknown> | null}>()
  private readonly membersByPath = new WeakMap<string[], WeakMap<string[], {epoch: number; column: Map<string, string[]> | null}>>()
  readonly cache: WorkingSetCache
  /** Documents parsed from SQLite so far (tests check that a query parses only what it needs). */
  parsed = 0

  constructor(
    readonly source: DocumentSource,
    skeleton: {id: string; type: string}[],
    workingSetBytes = DEFAULT_WORKING_SET_BYTES,
  ) {
    this.cache = new WorkingSetCache(workingSetBytes)
    // Types repeat: one string per type, not one per document as SQLite hands them out.
    const types = new Map<string, string>()
    for (const {id, type} of skeleton) {
      let shared = types.get(type)
      if (shared === undefined) types.set(type, (shared = type))
      this.handles.set(id, this.storedHandle(id, shared, null))
    }
  }

  private storedHandle(id: string, type: string, doc: SanityDocument | null): SanityDocument {
    const state: StoredState = {kind: 'stored', id, type, owner: this, doc, pinned: false, recent: false, size: 0, generation: 0}
    if (doc) this.cache.add(state, JSON.stringify(doc).length)
    return makeHandle(state)
  }

  /** The stored document (plain, deep-frozen), parsed if needed. */
  get(id: string): SanityDocument | undefined {
    const handle = this.handles.get(id)
    return handle ? load(stateOf(handle)!) : undefined
  }

  has(id: string): boolean {
    return this.handles.has(id)
  }

  get size(): number {
    return this.handles.size
  }

  /** Handles of all stored documents sorted by `_id` (a fresh array after each commit; never mutated after). */
  all(): SanityDocument[] {
    if (!this.sorted) this.sorted = [...this.handles.values()].sort((a, b) => compareIds(a._id, b._id))
    return this.sorted
  }

  /** A stored id as the handle holds it: columns key by that string rather than by a copy each. */
  private readonly idOf = (id: string): string => {
    const handle = this.handles.get(id)
    return handle ? stateOf(handle)!.id : id
  }

  /** The values at `path` by stored id, extracted by SQLite once and kept current by commits. */
  column(path: string[]): Map<string, unknown> | null {
    const cached = this.columnsByPath.get(path)
    if (cached && cached.epoch === this.columnEpoch) return cached.column
    const key = path.join('\u0000')
    let column = this.columns.get(key)
    if (column === undefined) {
      const changed = this.prepared(path, null)
      this.makeRoomForColumn()
      column = this.source.column(path, changed?.read, this.idOf)
      // Read by a worker before commits that came after: those commits' values replace its.
      if (column && changed) {
        for (const [id, value] of changed.values) {
          if (value === null) column.delete(id)
          else column.set(id, typeof value === 'object' ? OPAQUE : value)
        }
      }
      this.columns.set(key, column)
    }
    this.columnsByPath.set(path, {epoch: this.columnEpoch, column})
    return column
  }

  /**
   * Reads of a path a worker is doing (see withPathReads), with the values commits have written
   * there since it began (`changed`: id → the value at the path, null: none now): the worker's
   * snapshot may be older than them.
   */
  private readonly waiting = new Map<string, {path: string[]; changed: Map<string, unknown>; read: PathRead | null}>()

  /**
   * Before a first read of `path` (sub: null, its column; else its member column): while the path
   * has no SQLite index and the work in progress can wait (withPathReads), a worker reads it and
   * the work stops (PathNotReady) until it has. Then: the values commits wrote there since the
   * worker began, to lay over what it read (null: nothing to lay over, the read is SQLite's now).
   */
  private prepared(path: string[], sub: string[] | null): {read: PathRead; values: Map<string, unknown>} | null {
    const key = JSON.stringify([path, sub])
    const known = this.waiting.get(key)
    if (known?.read) {
      this.waiting.delete(key)
      return {read: known.read, values: known.changed}
    }
    const reads = pathReads.getStore()
    if (!reads || path[0] === '_id' || path[0] === '_type') return null
    const pending = this.source.preparePath?.(path, sub)
    if (!pending) return null
    if (!known) {
      const entry: {path: string[]; changed: Map<string, unknown>; read: PathRead | null} = {path, changed: new Map(), read: null}
      this.waiting.set(key, entry)
      void pending.then(
        (read) => {
          // Read synchronously from here on (the index now exists): nothing to lay over.
          if (read) entry.read = read
          else this.waiting.delete(key)
        },
        () => this.waiting.delete(key),
      )
    }
    reads.pending = pending
    throw new PathNotReady()
  }

  private makeRoomForColumn(): void {
    if (this.columns.size + this.memberColumns.size >= MAX_COLUMNS) this.dropColumns()
  }

  private dropColumns(): void {
    this.columns.clear()
    this.memberColumns.clear()
    this.columnEpoch++
  }

  /** For `x in path[].sub`: member keys by stored id (see memberKeys), from arrays SQLite extracts. */
  memberColumn(path: string[], sub: string[]): Map<string, string[]> | null {
    let bySub = this.membersByPath.get(path)
    const cached = bySub?.get(sub)
    if (cached && cached.epoch === this.columnEpoch) return cached.column
    const key = JSON.stringify([path, sub])
    let column = this.memberColumns.get(key)
    if (column === undefined) {
      const changed = this.prepared(path, sub)
      this.makeRoomForColumn()
      // Member keys repeat (a few categories across all posts): one string per distinct key.
      const interned = new Map<string, string>()
      const intern = (key: string) => interned.get(key) ?? (interned.set(key, key), key)
      column = this.source.arrayColumn(
        path,
        sub,
        (values) => {
          const keys: string[] = []
          for (const value of values) {
            const key = groqKeyOf(value)
            if (key !== null) keys.push(intern(key))
          }
          return keys
        },
        changed?.read,
        this.idOf,
      )
      if (column && changed) {
        for (const [id, value] of changed.values) {
          const keys = membersOf(value, [], sub)
          if (keys === null) column.delete(id)
          else column.set(id, keys)
        }
      }
      this.memberColumns.set(key, column)
    }
    if (!bySub) this.membersByPath.set(path, (bySub = new WeakMap()))
    bySub.set(sub, {epoch: this.columnEpoch, column})
    return column
  }

  /** Applies committed changes, deriving every cached view. Running queries keep the views they hold. */
  apply(
    changes: {id: string; before: SanityDocument | null; after: SanityDocument | null}[],
    texts?: Map<object, DocumentText>,
    options: {bulk?: boolean} = {},
  ): void {
    this.generation++
    // A bulk change (an import batch, however small: a running lake imports in batches of 250):
    // its documents are not kept parsed (nor do they push the working set's hot documents out),
    // and views are rebuilt when a query next needs them rather than updated change by change.
    const bulk = options.bulk === true || changes.length >= DERIVE_LIMIT
    const rebuildViews = changes.length > Math.max(DERIVE_LIMIT, this.handles.size / 8)
    for (const {id, before, after} of changes) {
      const old = this.handles.get(id)
      if (old) {
        const state = stateOf(old)!
        // Old snapshots keep seeing the version they had.
        state.doc = before ?? state.doc
        state.pinned = true
      }
      if (after && bulk) {
        // An import batch: its documents are read back from SQLite when a query wants them.
        this.handles.set(id, makeHandle({kind: 'stored', id, type: after._type, owner: this, doc: null, pinned: false, recent: false, size: 0, generation: 0}))
      } else if (after) {
        const doc = deepFreeze(plainDocument(after))
        const state: StoredState = {kind: 'stored', id, type: doc._type, owner: this, doc, pinned: false, recent: false, size: 0, generation: 0}
        this.cache.add(state, texts?.get(after)?.length ?? JSON.stringify(doc).length)
        this.handles.set(id, makeHandle(state))
      } else {
        this.handles.delete(id)
      }
    }
    // A large import batch of raw texts (raw-document.ts): columns are read again from SQLite when
    // next needed, rather than each of its documents parsed here for them. (A small batch updates
    // them: reading a column of a large dataset again after each one would cost readers more.)
    if (changes.length >= DERIVE_LIMIT && changes.some(({after}) => isRawDocument(after))) {
      this.dropColumns()
      // Nor laid over a worker's read of a path (withPathReads): the path is read again after the batch.
      this.waiting.clear()
    }
    for (const [key, column] of this.columns.entries()) {
      if (!column) continue
      const path = key.split('\u0000')
      for (const {id, after} of changes) {
        const value = after ? valueAt(after, path) : null
        if (value === null) column.delete(id)
        else column.set(id, typeof value === 'object' ? OPAQUE : value)
      }
    }
    for (const [key, column] of this.memberColumns.entries()) {
      if (!column) continue
      const [path, sub] = JSON.parse(key) as [string[], string[]]
      for (const {id, after} of changes) {
        const keys = after ? membersOf(after, path, sub) : null
        if (keys === null) column.delete(id)
        else column.set(id, keys)
      }
    }
    for (const {path, changed} of this.waiting.values()) {
      for (const {id, after} of changes) {
        const value = after ? valueAt(after, path) : null
        if (value !== null) changed.set(id, value)
        else if (changed.has(id)) changed.set(id, null)
      }
    }
    this.sorted = null
    if (rebuildViews) {
      this.views = new LruCache<string, CachedView>(MAX_VIEWS)
      return
    }
    const affected = new Set<string>()
    for (const {id} of changes) {
      affected.add(id)
      affected.add(publishedIdOf(id))
    }
    const next = new LruCache<string, CachedView>(MAX_VIEWS)
    for (const [key, cached] of this.views.entries()) {
      const derived = {...cached, view: this.derive(cached, affected)}
      this.connect(derived)
      next.set(key, derived)
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
        const doc = this.handles.get(candidate)
        if (doc) candidates.set(candidate, doc)
      }
    }
    const sortedCandidates = [...candidates.values()].sort((a, b) => compareIds(a._id, b._id))
    const added = applyPerspective(sortedCandidates, perspective, scope, overlayHandle).filter((doc) => affected.has(doc._id))
    const removed = [...affected].flatMap((id) => view.byId.get(id) ?? [])
    return view.derive(removed, added)
  }

  view(perspective: ResolvedPerspective, scope: ReaderScope): ViewIndex {
    const key = perspectiveKey(perspective, scope)
    let cached = this.views.get(key)
    if (!cached) {
      const docs = applyPerspective(this.all(), perspective, scope, overlayHandle)
      // Every stored document (the Studio's raw view): the handles by id are that view's map already.
      const everything = perspective.kind === 'raw' && scope.access === 'all' && scope.includeVersions
      const view = new ViewIndex(docs, everything ? new Map(this.handles) : undefined)
      const viewText = JSON.stringify({perspective, scope})
      view.recorder = (hint, built) => this.record(viewText, hint, built)
      cached = {perspective, scope, view}
      this.connect(cached)
      this.views.set(key, cached)
    }
    return cached.view
  }

  /** Commits so far: a view made (or derived) at another generation is an old snapshot. */
  private generation = 0

  /** What a current view may use from here: column scans (while current) and background builds. */
  private connect(cached: CachedView): void {
    const {view, perspective, scope} = cached
    const generation = this.generation
    view.scanEqual = (path, value) => (this.generation === generation ? this.scanEqual(view, path, value) : null)
    view.scanContaining = (path, sub, value) => (this.generation === generation ? this.scanContaining(view, path, sub, value) : null)
    const overlaid = perspective.kind === 'stack'
    view.columnOrder = (path) => (this.generation === generation ? this.columnOrder(view, path, overlaid) : null)
    view.buildLater = (hint) => this.buildLater(perspective, scope, hint)
  }

  /**
   * The documents of `view` (current: its handles are the stored documents' current versions,
   * whose values the columns hold) whose value at `path` equals the scalar `value`, in `_id`
   * order, from a scan of the path's column: a stored document with that value shows under its
   * own id or, overlaid, under its published id. Null: no column for the path.
   */
  private scanEqual(view: ViewIndex, path: string[], value: unknown): SanityDocument[] | null {
    if (path[0] === '_id' || path[0] === '_type' || path[0] === '_originalId' || value === null || typeof value === 'object') return null
    const column = this.column(path)
    if (!column) return null
    const ids: string[] = []
    for (const [id, stored] of column) if (stored === value) ids.push(id)
    return shownIn(view, ids)
  }

  /**
   * The documents of `view` (current) holding a value at `path`, with it, in the column's order
   * (SQLite's index order when read; documents a commit added come last). Null: no column.
   */
  private columnOrder(view: ViewIndex, path: string[], overlaid: boolean): {docs: SanityDocument[]; values: unknown[]} | null {
    if (path[0] === '_id' || path[0] === '_type' || path[0] === '_originalId') return null
    const column = this.column(path)
    if (!column) return null
    const docs: SanityDocument[] = []
    const values: unknown[] = []
    const consider = (shownAs: string, storedId: string, value: unknown) => {
      const doc = view.byId.get(shownAs)
      const state = doc && stateOf(doc)
      if (state && (state.kind === 'overlay' ? state.base.id : state.id) === storedId) {
        docs.push(doc)
        values.push(value)
      }
    }
    for (const [id, value] of column) {
      consider(id, id, value)
      // Only a stack perspective shows stored documents under other ids (drafts and versions overlaid).
      if (!overlaid) continue
      const published = publishedIdOf(id)
      if (published !== id) consider(published, id, value)
    }
    return {docs, values}
  }

  /** As scanEqual, for `value in path[].sub`: the stored documents SQLite finds (Store.memberIds), as `view` shows them. */
  private scanContaining(view: ViewIndex, path: string[], sub: string[], value: unknown): SanityDocument[] | null {
    if (typeof value !== 'string' || path[0] === '_id' || path[0] === '_originalId') return null
    const ids = this.source.memberIds(path, sub, value)
    return ids && shownIn(view, ids)
  }

  private readonly laterQueue: {perspective: ResolvedPerspective; scope: ReaderScope; hint: IndexHint}[] = []

  /** Builds indexes a query asked for, one per macrotask, each on its perspective's view current then. */
  private buildLater(perspective: ResolvedPerspective, scope: ReaderScope, hint: IndexHint): void {
    this.laterQueue.push({perspective, scope, hint})
    if (this.laterQueue.length > 1) return
    const next = async () => {
      const job = this.laterQueue[0]
      if (!job) return
      try {
        // Waits for a path's worker rather than reading every document here (withPathReads).
        await withPathReads(() => {
          if (!this.closed) this.view(job.perspective, job.scope).warm(job.hint)
        })
      } catch (error) {
        // Only a head start: the query that needs the index builds it (and reports what fails).
        if (!this.closed) console.error('lake: background index build failed', error)
      }
      this.laterQueue.shift()
      if (this.laterQueue.length > 0) setImmediate(() => void next())
    }
    // Outside the asking query's own path reads (a stop here is not that query's).
    pathReads.exit(() => setImmediate(() => void next()))
  }

  /** Set when the engine closes: background builds stop. */
  closed = false

  /** Whether the view of this perspective is built (the warm-up builds it as a step of its own). */
  hasView(perspective: ResolvedPerspective, scope: ReaderScope): boolean {
    return this.views.get(perspectiveKey(perspective, scope)) !== undefined
  }

  /** Indexes built so far, by any view (tests check that a warmed-up store builds nothing more). */
  indexBuilds = 0
  /** Hints (warm-up.ts) already known: loaded from the store, or noted since. */
  readonly hinted = new Set<string>()
  /** Told of each new hint, as the JSON text the store keeps. */
  onHint: ((hint: string) => void) | null = null

  private record(viewText: string, hint: IndexHint, built: boolean): void {
    if (built) this.indexBuilds++
    const text = `{"view":${viewText},"index":${JSON.stringify(hint)}}`
    if (this.hinted.has(text)) return
    this.hinted.add(text)
    this.onHint?.(text)
  }
}

/**
 * The documents of `view` that are versions of these stored documents, in `_id` order: a stored
 * document shows under its own id or, overlaid by a perspective, under its published id.
 */
function shownIn(view: ViewIndex, storedIds: string[]): SanityDocument[] {
  // Sorted by the ids they show under (plain strings: no handle reads while sorting).
  const found = new Map<string, SanityDocument>()
  const consider = (shownAs: string, storedId: string) => {
    const doc = view.byId.get(shownAs)
    const state = doc && stateOf(doc)
    if (state && (state.kind === 'overlay' ? state.base.id : state.id) === storedId) found.set(shownAs, doc)
  }
  for (const id of storedIds) {
    consider(id, id)
    const published = publishedIdOf(id)
    if (published !== id) consider(published, id)
  }
  return [...found.keys()].sort(compareIds).map((id) => found.get(id)!)
}

/** A perspective's version of a stored document under `publishedId` (with `_originalId`). */
function overlayHandle(doc: SanityDocument, publishedId: string): SanityDocument {
  const base = stateOf(doc)
  if (!base || base.kind !== 'stored') return {...doc, _id: publishedId, _originalId: doc._id}
  const state: OverlayState = {kind: 'overlay', id: publishedId, type: base.type, base, doc: null, pinned: false, recent: false, size: 0, generation: 0}
  return makeHandle(state)
}
