/**
 * Full-text index of one text expression (the left side of `match`: attribute paths,
 * `pt::text(path)`, or an array of those) over a view: for each document, the folded words of
 * that text and how often each occurs. It answers `match` and the score `score()` gives a
 * `match` exactly as groq-js computes them (every pattern term must match a token; a term's
 * score is freq·(k+1)/(freq+k) with k = 1.2), without evaluating the text per query.
 *
 * Two ways to answer, same results: per document (its words, read on first use, for queries that
 * look at few documents), or in bulk for queries over many (`prepareBulk`): the index then keeps
 * an inverted list per word (ordinal of each document holding it, how often), built once from
 * every document of the view that created it and extended commit by commit, and a compiled
 * pattern gets each term's frequency for every document at once, summed over the words the term
 * matches (a sorted vocabulary finds a prefix's words). `[a, pt::text(b)] match` in bulk is the
 * sum over its parts' indexes, each part read as an array element (a string, or nothing).
 */
import {indexValue} from './document-cache'
import type {PersistedLists} from './fts'
import {valueAt} from './groq-order'
import {attributePath, type TreeNode} from './scan-plan'
import {foldCase, patternTerms, portableText, termMatcher, tokenize, type TermMatcher} from './text-index'
import type {SanityDocument} from './types'

/** Tunables (tests set them to extremes). */
export const fieldIndexLimits = {
  /** Commits' documents an unbuilt index keeps pending (at least; an eighth of the view if more) before the next view gets a fresh one. */
  refreshAfter: 1024,
  /**
   * Bulk mode builds in-memory inverted lists only for views of at most this many documents; a
   * larger view reads the lists persisted in SQLite (title, excerpt, pt::text(body): fts.ts) or,
   * for other texts, each document's words as it is checked, without keeping them: memory does not
   * grow with the archive.
   */
  memoryListsMax: 16_384,
}

/** What bulk mode did since the process started (tests check which source answered). */
export const fieldIndexStats = {
  /** Documents filed into in-memory inverted lists. */
  filed: 0,
  /** Patterns answered in bulk from the persisted lists (per simple text). */
  persisted: 0,
  /** Patterns answered in bulk from each document's words, read and dropped (per simple text). */
  direct: 0,
}

/** Zeroed scratch arrays for `addScoresSparse` (grown on demand, zeroed again after each use). */
const scratch = {
  freqs: new Uint32Array(0),
  scores: new Float64Array(0),
  freq(n: number): Uint32Array {
    if (this.freqs.length < n) this.freqs = new Uint32Array(Math.max(n, this.freqs.length * 2))
    return this.freqs
  },
  score(n: number): Float64Array {
    if (this.scores.length < n) this.scores = new Float64Array(Math.max(n, this.scores.length * 2))
    return this.scores
  },
}

/** groq-js's BM25k. */
const K = 1.2
/** A term's score for frequencies 0…63, computed as groq-js computes it. */
const TERM_SCORES = Float64Array.from({length: 64}, (_, f) => (f * (K + 1)) / (f + K))

/** A text's words in one document: word ids in ascending order, and how often each occurs. */
interface DocumentWords {
  ids: Uint32Array
  counts: Uint32Array
}

/** The shared vocabulary: word ids only ever get added, so older index versions stay valid. */
class Vocabulary {
  readonly ids = new Map<string, number>()
  readonly words: string[] = []
  private sortedCache: {words: string[]; ids: Uint32Array} | null = null

  idOf(word: string): number {
    let id = this.ids.get(word)
    if (id === undefined) {
      id = this.words.length
      this.words.push(word)
      this.ids.set(word, id)
    }
    return id
  }

  /** The word ids a pattern term matches. */
  matching(matcher: TermMatcher): number[] {
    if (matcher.kind === 'word') {
      const id = this.ids.get(matcher.word)
      return id === undefined ? [] : [id]
    }
    if (matcher.kind === 'regex') {
      const out: number[] = []
      for (let id = 0; id < this.words.length; id++) if (matcher.test(this.words[id])) out.push(id)
      return out
    }
    return this.withPrefix(this.sorted(), matcher.prefix)
  }

  /**
   * The ids below `upTo` a prefix term matches, from the words sorted when the vocabulary last
   * had `upTo` words (the words added since are the caller's to test): a pattern compiled for a
   * query finds its words without testing the whole vocabulary, and without sorting it again for
   * a few new words. Null when there is no sorted copy of most of the vocabulary.
   */
  sortedMatching(prefix: string): {ids: number[]; upTo: number} | null {
    const sorted = this.sortedCache
    if (!sorted || sorted.words.length < this.words.length - (this.words.length >> 3)) {
      if (this.words.length < 1024) return null
      return {ids: this.withPrefix(this.sorted(), prefix), upTo: this.words.length}
    }
    return {ids: this.withPrefix(sorted, prefix), upTo: sorted.words.length}
  }

  private withPrefix(sorted: {words: string[]; ids: Uint32Array}, prefix: string): number[] {
    // Words starting with the prefix are contiguous in code-unit order.
    let lo = 0
    let hi = sorted.words.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (sorted.words[mid] < prefix) lo = mid + 1
      else hi = mid
    }
    const out: number[] = []
    for (let i = lo; i < sorted.words.length && sorted.words[i].startsWith(prefix); i++) out.push(sorted.ids[i])
    return out
  }

  private sorted(): {words: string[]; ids: Uint32Array} {
    if (!this.sortedCache || this.sortedCache.words.length !== this.words.length) {
      const ids = Uint32Array.from(this.words.keys())
      ids.sort((a, b) => (this.words[a] < this.words[b] ? -1 : this.words[a] > this.words[b] ? 1 : 0))
      this.sortedCache = {words: Array.from(ids, (id) => this.words[id]), ids}
    }
    return this.sortedCache
  }
}

/**
 * Ordinals for the documents of a view and of the views derived from it (shared by their field
 * indexes, so a document is looked up once for all of them). Replaced documents keep theirs until
 * the view replaces the space (`ViewIndex.derive`, when they outnumber the live ones).
 */
export class OrdinalSpace {
  private readonly ordinals = new Map<SanityDocument, number>()
  /** The document of each ordinal. */
  readonly docs: SanityDocument[] = []
  /** Documents taken out of views since this space was made. */
  garbage = 0

  get size(): number {
    return this.docs.length
  }

  of(doc: SanityDocument): number | undefined {
    return this.ordinals.get(doc)
  }

  assign(doc: SanityDocument): number {
    let ordinal = this.ordinals.get(doc)
    if (ordinal === undefined) {
      ordinal = this.docs.length
      this.ordinals.set(doc, ordinal)
      this.docs.push(doc)
    }
    return ordinal
  }
}

/** One word's inverted list: the ordinals of the documents holding it and how often (capped, see `overflow`). */
class Posting {
  ords = new Uint32Array(4)
  counts = new Uint8Array(4)
  n = 0

  push(ordinal: number, count: number): void {
    if (this.n === this.ords.length) {
      const ords = new Uint32Array(this.n * 2)
      ords.set(this.ords)
      this.ords = ords
      const counts = new Uint8Array(this.n * 2)
      counts.set(this.counts)
      this.counts = counts
    }
    this.ords[this.n] = ordinal
    this.counts[this.n] = Math.min(count, 255)
    this.n++
  }
}

/** Bulk mode: the documents to file when the inverted lists are first needed, then the lists. */
interface Bulk {
  pending: SanityDocument[][]
  /** Documents in `pending` after the first list (the view's own): those commits added. */
  pendingCount: number
  postings: Posting[] | null
  /** While `fileTogether` builds the lists (yielding to other work now and then): its end. */
  building: Promise<void> | null
  /** Exact counts of 255 and more, by word id · 2^32 + ordinal. */
  overflow: Map<number, number>
  /** Which ordinals are filed (1): a document in two of the lists filed is counted once. */
  filed: Uint8Array
}

/** A `match` right-hand side compiled against the vocabulary: per pattern term, which word ids match. */
export interface CompiledPattern {
  /** False when groq-js would match nothing (no terms, or a non-string part). */
  ok: boolean
  terms: TermTest[]
  matchers: TermMatcher[]
  /** Bulk mode (`prepareBulk`) over in-memory lists: each term's frequency per document ordinal of `space`. */
  bulk?: {space: OrdinalSpace; freqs: Uint32Array[]; size: number}
  /** Bulk mode over the persisted lists or each document's words: each term's frequency in a document. */
  source?: (doc: SanityDocument) => number[]
}

/**
 * Whether a pattern term matches a word id, decided once per word: the vocabulary grows as
 * documents are read (words are filed lazily), so the answers grow with it.
 */
class TermTest {
  private known = new Int8Array(0)
  /** The ids of the vocabulary's first `scanned` words that match, ascending (see `matchingIds`). */
  private matching = new Uint32Array(8)
  private matchingCount = 0
  private scanned = 0

  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly matcher: TermMatcher,
  ) {}

  /**
   * The ids of the words that match, ascending, as a view of `matchingCount` entries: every word
   * of the vocabulary now (new words are tested once each, as the vocabulary grows).
   */
  matchingIds(): Uint32Array {
    const {words} = this.vocabulary
    if (this.scanned === 0 && this.matcher.kind !== 'regex') {
      // The words matched so far without testing each (most of the vocabulary, for a new pattern).
      const found = this.matcher.kind === 'word' ? {ids: this.vocabulary.matching(this.matcher), upTo: words.length} : this.vocabulary.sortedMatching(this.matcher.prefix)
      if (found) {
        const ids = Uint32Array.from(found.ids).sort()
        if (ids.length > this.matching.length) this.matching = new Uint32Array(ids.length * 2)
        this.matching.set(ids)
        this.matchingCount = ids.length
        this.scanned = found.upTo
      }
    }
    if (this.scanned < words.length) {
      for (let id = this.scanned; id < words.length; id++) {
        if (!this.test(id)) continue
        if (this.matchingCount === this.matching.length) {
          const grown = new Uint32Array(this.matching.length * 2)
          grown.set(this.matching)
          this.matching = grown
        }
        this.matching[this.matchingCount++] = id
      }
      this.scanned = words.length
    }
    return this.matching.subarray(0, this.matchingCount)
  }

  test(id: number): boolean {
    if (id >= this.known.length) {
      const grown = new Int8Array(Math.max(this.vocabulary.words.length, id + 1, this.known.length * 2))
      grown.set(this.known)
      this.known = grown
    }
    let answer = this.known[id]
    if (answer === 0) {
      const word = this.vocabulary.words[id]
      const {matcher} = this
      const yes = matcher.kind === 'word' ? word === matcher.word : matcher.kind === 'prefix' ? word.startsWith(matcher.prefix) : matcher.test(word)
      answer = yes ? 1 : -1
      this.known[id] = answer
    }
    return answer === 1
  }
}

/** How a view finds the index of a text expression (`element`: read as an element of an array literal). */
export type FieldLookup = (left: TreeNode, element: boolean) => FieldIndex

export class FieldIndex {
  /** For a simple text read as `match` reads it (not an array element, not `[a, b]`): its syntax tree as JSON (the persisted lists' key, fts.ts). */
  textKey: string | null = null
  /** A simple text (or an element): the key of the persisted lists that hold its words (fts.ts), if they are persisted. */
  private listKey: string | null = null
  /** An element that is an attribute path: its words are the persisted text's only when the value is a string. */
  private stringAt: string[] | null = null
  /** A simple text that is an attribute path: the path. */
  private path: string[] | null = null
  private readonly bulkState: Bulk | null
  private derivedFor: object | null = null
  private derivedTo: FieldIndex | null = null

  private constructor(
    private readonly textOf: (doc: SanityDocument) => string[],
    private readonly vocabulary: Vocabulary,
    /**
     * Keyed by document object, filled as documents are checked (candidates only, when the
     * full-text index narrowed them): documents are immutable (a change is a new object), so every
     * view version can share this map, and entries of documents nothing holds any more are collected.
     */
    private readonly byDoc: WeakMap<SanityDocument, DocumentWords>,
    private readonly space: OrdinalSpace,
    /** `[a, b…]`: the indexes of the parts (as array elements) whose sum answers in bulk; null: a simple text. */
    private readonly parts: FieldIndex[] | null,
    docs: SanityDocument[],
  ) {
    this.bulkState = parts === null ? {pending: [docs], pendingCount: 0, postings: null, building: null, overflow: new Map(), filed: new Uint8Array(0)} : null
  }

  /**
   * The index of a `match` left side; words are read per document on first use, and `docs` (the
   * view's) only if bulk mode is used. `element`: the text of `left` as an element of an array
   * literal (groq-js then only reads it when it is a string).
   */
  static build(left: TreeNode, docs: SanityDocument[], space: OrdinalSpace, lookup: FieldLookup, element = false): FieldIndex {
    let parts: FieldIndex[] | null = null
    if (!element && left.type === 'Array') {
      parts = []
      for (const item of left.elements as {isSplat?: boolean; value: TreeNode}[]) {
        // Arrays (`tags[]`, `[…]`) inside an array literal are not strings: groq-js skips them.
        // pt::text() gives a string or null: the same text as on its own (one index for both).
        if (item.value.type !== 'ArrayCoerce' && item.value.type !== 'Array') parts.push(lookup(item.value, item.value.type !== 'FuncCall'))
      }
    }
    const index = new FieldIndex(element ? elementText(left) : textParts(left), new Vocabulary(), new WeakMap(), space, parts, docs)
    if (!element && parts === null) index.textKey = JSON.stringify(left)
    if (parts === null) {
      // As an element: the same words as the text on its own when its value is a string (else none).
      index.path = attributePath(left)
      index.stringAt = element ? index.path : null
      index.listKey = element && !index.stringAt ? null : JSON.stringify(left)
    }
    return index
  }

  /**
   * The index for the next view (`next`): the same one, with the new documents to file (the old
   * ones stay, unseen by newer views), or a fresh one (see below). A part of `[a, b…]` is derived
   * with it (once per view, should the view hold the part as well), and a new part makes a new `[a, b…]`.
   */
  derive(added: SanityDocument[], next: {all: SanityDocument[]}): FieldIndex {
    if (this.derivedFor === next) return this.derivedTo!
    let result: FieldIndex | null = null
    if (this.parts) {
      const parts = this.parts.map((part) => part.derive(added, next))
      if (parts.some((part, i) => part !== this.parts![i])) result = new FieldIndex(this.textOf, this.vocabulary, this.byDoc, this.space, parts, [])
    } else if (added.length > 0) {
      const bulk = this.bulkState!
      if (bulk.postings) this.file(added)
      else {
        bulk.pending.push(added)
        bulk.pendingCount += added.length
        // Never built, and the documents to file when it is would keep piling up (old versions
        // included): the next view gets a fresh index over its own documents (same words cache).
        if (bulk.pendingCount > Math.max(fieldIndexLimits.refreshAfter, bulk.pending[0].length / 8)) {
          result = new FieldIndex(this.textOf, this.vocabulary, this.byDoc, this.space, null, next.all)
        }
      }
    }
    if (result) Object.assign(result, {textKey: this.textKey, listKey: this.listKey, stringAt: this.stringAt, path: this.path})
    this.derivedFor = next
    this.derivedTo = result ?? this
    return this.derivedTo
  }

  private file(docs: SanityDocument[]): void {
    for (const doc of docs) this.fileOne(doc)
  }

  private fileOne(doc: SanityDocument): void {
    const bulk = this.bulkState!
    const postings = bulk.postings!
    const ordinal = this.space.assign(doc)
    if (ordinal >= bulk.filed.length) {
      const grown = new Uint8Array(Math.max(ordinal + 1, bulk.filed.length * 2, 1024))
      grown.set(bulk.filed)
      bulk.filed = grown
    }
    if (bulk.filed[ordinal] === 1) return
    bulk.filed[ordinal] = 1
    fieldIndexStats.filed++
    const words = this.wordsOf(doc)
    for (let i = 0; i < words.ids.length; i++) {
      const id = words.ids[i]
      const count = words.counts[i]
      let posting = postings[id]
      if (!posting) postings[id] = posting = new Posting()
      posting.push(ordinal, count)
      if (count >= 255) bulk.overflow.set(id * 4294967296 + ordinal, count)
    }
  }

  private simpleParts(): FieldIndex[] {
    return this.parts ? this.parts.flatMap((part) => part.simpleParts()) : [this]
  }

  /**
   * Builds the inverted lists of several indexes in one pass over their documents where they
   * share them (indexes made for the same view): each document is read once for all of them,
   * while it is in the working set, instead of once per index.
   */
  static async fileTogether(indexes: FieldIndex[]): Promise<void> {
    const simple = [...new Set(indexes.flatMap((index) => index.simpleParts()))]
    // Lists another query is building: wait for them (they are not complete before).
    await Promise.all(simple.map((index) => index.bulkState!.building))
    const unbuilt = simple.filter((index) => index.bulkState!.postings === null)
    const groups = new Map<string, FieldIndex[]>()
    const listIds = new Map<SanityDocument[], number>()
    for (const index of unbuilt) {
      const key = index.bulkState!.pending.map((list) => listIds.get(list) ?? (listIds.set(list, listIds.size), listIds.size - 1)).join(',')
      groups.set(key, [...(groups.get(key) ?? []), index])
    }
    for (const group of groups.values()) {
      const pending = group[0].bulkState!.pending
      // From here commits file their documents directly (derive); the pending ones are filed
      // below, yielding every few hundred documents so the lake keeps serving meanwhile.
      for (const index of group) index.bulkState!.postings = []
      const build = (async () => {
        let filed = 0
        for (const docs of pending) {
          for (const doc of docs) {
            for (const index of group) index.fileOne(doc)
            if (++filed % 256 === 0) await new Promise((resolve) => setImmediate(resolve))
          }
        }
      })()
      for (const index of group) index.bulkState!.building = build
      try {
        await build
      } finally {
        for (const index of group) Object.assign(index.bulkState!, {pending: [], pendingCount: 0, building: null})
      }
    }
  }

  /** Files the pending documents (every part's, for `[a, b…]`), so the ordinal space stops growing for this query. */
  private ensureFiled(): void {
    if (this.parts) for (const part of this.parts) part.ensureFiled()
    else this.postings()
  }

  private postings(): Posting[] {
    const bulk = this.bulkState!
    if (!bulk.postings) {
      bulk.postings = []
      for (const docs of bulk.pending) this.file(docs)
      bulk.pending = []
    }
    return bulk.postings
  }

  /** Each term's frequency (matcher order) for every document ordinal, summed over the words it matches. */
  private frequencies(matchers: TermMatcher[]): Uint32Array[] {
    if (this.parts) {
      const sums = matchers.map(() => new Uint32Array(this.space.size))
      for (const part of this.parts) {
        const freqs = part.frequencies(matchers)
        for (let t = 0; t < matchers.length; t++) {
          const sum = sums[t]
          const freq = freqs[t]
          for (let i = 0; i < freq.length; i++) sum[i] += freq[i]
        }
      }
      return sums
    }
    const postings = this.postings()
    const {overflow} = this.bulkState!
    return matchers.map((matcher) => {
      const freq = new Uint32Array(this.space.size)
      for (const id of this.vocabulary.matching(matcher)) {
        const posting = postings[id]
        if (!posting) continue
        const {ords, counts, n} = posting
        for (let i = 0; i < n; i++) freq[ords[i]] += counts[i] === 255 ? overflow.get(id * 4294967296 + ords[i])! : counts[i]
      }
      return freq
    })
  }

  /**
   * At most how many (document, term) pairs of `pattern` have a nonzero frequency: the lengths of
   * the inverted lists of the words its terms match (bulk mode ready). Cheap: no list is read.
   */
  postingCount(pattern: CompiledPattern): number {
    if (!pattern.ok) return 0
    if (this.parts) return this.parts.reduce((sum, part) => sum + part.postingCount(pattern), 0)
    const postings = this.postings()
    let count = 0
    for (const matcher of pattern.matchers) for (const id of this.vocabulary.matching(matcher)) count += postings[id]?.n ?? 0
    return count
  }

  /** Whether bulk mode is ready without reading documents (the inverted lists are built). */
  get bulkReady(): boolean {
    return this.parts ? this.parts.every((part) => part.bulkReady) : this.bulkState!.postings !== null && this.bulkState!.building === null
  }

  /** The ordinal space bulk mode answers in. */
  get ordinals(): OrdinalSpace {
    return this.space
  }

  /**
   * Adds what score() gives `text match pattern` to `totals`, per ordinal (bulk mode prepared):
   * the same sum, in the same order, as `score`.
   */
  addScores(totals: Float64Array, pattern: CompiledPattern): void {
    if (!pattern.ok) return
    const {freqs} = pattern.bulk!
    const n = Math.min(totals.length, ...freqs.map((freq) => freq.length))
    // A zero frequency adds exactly 0 (x + 0 is x): skipped; small frequencies from a table of the same expression.
    for (let i = 0; i < n; i++) {
      let score = 0
      for (const freq of freqs) {
        const f = freq[i]
        if (f !== 0) score += f < TERM_SCORES.length ? TERM_SCORES[f] : (f * (K + 1)) / (f + K)
      }
      if (score !== 0) totals[i] += score
    }
  }

  /**
   * `addScores` without per-term arrays over every ordinal: straight from the inverted lists of the
   * words the terms match, touching only the documents in them (scratch arrays kept zeroed between
   * calls; nothing here awaits). Same sums in the same order. For `[a, b…]`: `addScores`.
   */
  addScoresSparse(totals: Float64Array, pattern: CompiledPattern): void {
    if (!pattern.ok) return
    if (this.parts) {
      this.prepareBulk(pattern)
      this.addScores(totals, pattern)
      return
    }
    const postings = this.postings()
    const {overflow} = this.bulkState!
    const n = totals.length
    const freq = scratch.freq(n)
    const score = scratch.score(n)
    const scored: number[] = []
    for (const matcher of pattern.matchers) {
      const touched: number[] = []
      for (const id of this.vocabulary.matching(matcher)) {
        const posting = postings[id]
        if (!posting) continue
        const {ords, counts} = posting
        for (let i = 0; i < posting.n; i++) {
          const ordinal = ords[i]
          if (ordinal >= n) continue
          if (freq[ordinal] === 0) touched.push(ordinal)
          freq[ordinal] += counts[i] === 255 ? overflow.get(id * 4294967296 + ordinal)! : counts[i]
        }
      }
      for (const ordinal of touched) {
        const f = freq[ordinal]
        freq[ordinal] = 0
        if (score[ordinal] === 0) scored.push(ordinal)
        score[ordinal] += f < TERM_SCORES.length ? TERM_SCORES[f] : (f * (K + 1)) / (f + K)
      }
    }
    for (const ordinal of scored) {
      totals[ordinal] += score[ordinal]
      score[ordinal] = 0
    }
  }

  /**
   * Bulk mode for this pattern: from now on `matches` and `score` read each term's frequency from
   * the inverted lists (built on first use from every document of the view). For queries that
   * look at many documents.
   */
  prepareBulk(pattern: CompiledPattern, source: BulkSource = {lists: null, memory: true}): void {
    if (!pattern.ok || pattern.bulk || pattern.source) return
    if (this.bulkMode(source) === 'memory') {
      this.ensureFiled()
      const freqs = this.frequencies(pattern.matchers)
      pattern.bulk = {space: this.space, freqs, size: Math.min(...freqs.map((freq) => freq.length))}
      return
    }
    pattern.source = this.frequencySource(pattern.matchers, source.lists)
  }

  /**
   * Where bulk mode reads words from: the in-memory lists when they are built (or may be: a small
   * view), else the persisted lists or each document's words (`frequencySource`).
   */
  bulkMode(source: BulkSource): 'memory' | 'read' {
    if (this.parts) return this.parts.every((part) => part.bulkMode(source) === 'memory') ? 'memory' : 'read'
    if (this.persistedIn(source.lists)) return 'read'
    return source.memory || this.bulkReady ? 'memory' : 'read'
  }

  /** Whether the lists persisted in SQLite hold this text's words (a simple text, or an element of `[a, b…]`). */
  persistedIn(lists: PersistedLists | null): lists is PersistedLists {
    return lists !== null && this.listKey !== null && lists.keys.has(this.listKey)
  }

  /**
   * Each term's frequency per document, from the persisted lists when they hold this text (one
   * array per term over the lists' ordinals, for this query only), else from the document's own
   * words, read and dropped (nothing kept per document). `[a, b…]`: the sum over its parts.
   */
  private frequencySource(matchers: TermMatcher[], lists: PersistedLists | null): (doc: SanityDocument) => number[] {
    if (this.parts) {
      const parts = this.parts.map((part) => part.frequencySource(matchers, lists))
      const sums = matchers.map(() => 0)
      return (doc) => {
        sums.fill(0)
        for (const part of parts) {
          const freqs = part(doc)
          for (let t = 0; t < freqs.length; t++) sums[t] += freqs[t]
        }
        return sums
      }
    }
    const direct = this.directSource(matchers)
    if (!this.persistedIn(lists)) {
      fieldIndexStats.direct++
      return direct
    }
    fieldIndexStats.persisted++
    const key = this.listKey!
    const {size, live} = lists.live()
    const freqs = matchers.map((matcher) => {
      const freq = new Uint32Array(size)
      const words =
        matcher.kind === 'word'
          ? [matcher.word]
          : lists.postings.wordsWithPrefix(lists.dataset, key, matcher.kind === 'prefix' ? matcher.prefix : '').filter((word) => matcher.kind !== 'regex' || matcher.test(word))
      for (const word of words) {
        const {ords, counts} = lists.postings.posting(lists.dataset, key, word)
        for (let i = 0; i < ords.length; i++) if (ords[i] < size && live[ords[i]] === 1) freq[ords[i]] += counts[i]
      }
      return freq
    })
    const stringAt = this.stringAt
    const ordinalOf = listOrdinals(lists)
    const out = matchers.map(() => 0)
    return (doc) => {
      // The view's version is the one in the lists unless a commit since the view was taken changed it.
      const ordinal = ordinalOf(doc)
      if (ordinal === undefined || ordinal >= size) return direct(doc)
      let any = false
      for (let t = 0; t < freqs.length; t++) any = (out[t] = freqs[t][ordinal]) !== 0 || any
      if (any && stringAt && typeof indexValue(doc, stringAt) !== 'string') out.fill(0)
      return out
    }
  }

  /**
   * Each term's frequency in a document from its own words, read and dropped: a string at an
   * attribute path is read from the documents' column (no document parsed), anything else from the
   * document (an array's strings, pt::text()).
   */
  private directSource(matchers: TermMatcher[]): (doc: SanityDocument) => number[] {
    const path = this.path
    const element = this.stringAt !== null
    return (doc) => {
      if (path) {
        const value = indexValue(doc, path)
        if (typeof value === 'string') return directFrequencies([value], matchers)
        // Missing, null, numbers and booleans have no words; objects and arrays are read below.
        if (element || typeof value !== 'object' || value === null) return directFrequencies([], matchers)
      }
      return directFrequencies(this.textOf(doc), matchers)
    }
  }

  private words(doc: SanityDocument): DocumentWords {
    let words = this.byDoc.get(doc)
    if (!words) {
      words = this.wordsOf(doc)
      this.byDoc.set(doc, words)
    }
    return words
  }

  private wordsOf(doc: SanityDocument): DocumentWords {
    const counts = new Map<number, number>()
    for (const part of this.textOf(doc)) {
      for (const token of tokenize(foldCase(part))) {
        const id = this.vocabulary.idOf(token)
        counts.set(id, (counts.get(id) ?? 0) + 1)
      }
    }
    // In ascending id order: a term's few matching words are then found by binary search (frequency).
    const ids = Uint32Array.from(counts.keys()).sort()
    const sortedCounts = new Uint32Array(ids.length)
    for (let i = 0; i < ids.length; i++) sortedCounts[i] = counts.get(ids[i])!
    return {ids, counts: sortedCounts}
  }

  compile(pattern: unknown): CompiledPattern {
    const parts = typeof pattern === 'string' ? [pattern] : Array.isArray(pattern) ? pattern : null
    if (!parts || !parts.every((part) => typeof part === 'string')) return {ok: false, terms: [], matchers: []}
    const terms = (parts as string[]).flatMap(patternTerms)
    if (terms.length === 0) return {ok: false, terms: [], matchers: []}
    const matchers = terms.map(termMatcher)
    return {ok: true, terms: matchers.map((matcher) => new TermTest(this.vocabulary, matcher)), matchers}
  }

  /** groq-js `match`: the text has tokens and every term matches one. */
  matches(doc: SanityDocument, pattern: CompiledPattern): boolean {
    if (!pattern.ok) return false
    if (pattern.source) {
      // Some term matching means the text has tokens.
      for (const f of pattern.source(doc)) if (f === 0) return false
      return true
    }
    const ordinal = bulkOrdinal(pattern, doc)
    if (ordinal !== undefined) {
      // Some term matching means the text has tokens.
      for (const freq of pattern.bulk!.freqs) if (freq[ordinal] === 0) return false
      return true
    }
    const words = this.words(doc)
    if (words.ids.length === 0) return false
    for (const term of pattern.terms) if (!occurs(words, term)) return false
    return true
  }

  /** What groq-js's score() adds for `text match pattern`. */
  score(doc: SanityDocument, pattern: CompiledPattern): number {
    if (!pattern.ok) return 0
    if (pattern.source) {
      // The same sum, in the same order, as below (so equal scores stay equal).
      let score = 0
      for (const f of pattern.source(doc)) score += (f * (K + 1)) / (f + K)
      return score
    }
    const ordinal = bulkOrdinal(pattern, doc)
    if (ordinal !== undefined) {
      // The same sum, in the same order, as below (so equal scores stay equal).
      let score = 0
      for (const freq of pattern.bulk!.freqs) {
        const f = freq[ordinal]
        score += (f * (K + 1)) / (f + K)
      }
      return score
    }
    const words = this.words(doc)
    if (words.ids.length === 0) return 0
    let score = 0
    for (const term of pattern.terms) {
      const freq = frequency(words, term)
      score += (freq * (K + 1)) / (freq + K)
    }
    return score
  }
}

/** The document's ordinal in a bulk-mode pattern's frequencies; undefined (read its words instead) if it was filed after them. */
function bulkOrdinal(pattern: CompiledPattern, doc: SanityDocument): number | undefined {
  const bulk = pattern.bulk
  if (!bulk) return undefined
  const ordinal = bulk.space.of(doc)
  return ordinal !== undefined && ordinal < bulk.size ? ordinal : undefined
}

/** Where bulk mode may read words from: the persisted lists covering the query's view (or null), and whether in-memory lists may be built. */
export interface BulkSource {
  lists: PersistedLists | null
  memory: boolean
}

/** Per persisted lists (one query's): the last document's ordinal, as every text of that query asks for the same documents in turn. */
const ordinalMemos = new WeakMap<PersistedLists, (doc: SanityDocument) => number | undefined>()

/** The lists' ordinal of the view's version of a document; undefined: not in the lists (or of another version). */
function listOrdinals(lists: PersistedLists): (doc: SanityDocument) => number | undefined {
  let memo = ordinalMemos.get(lists)
  if (!memo) {
    let last: SanityDocument | null = null
    let lastOrdinal: number | undefined
    memo = (doc) => {
      if (doc !== last) {
        // (`_originalId` of an overlay handle without parsing the document.)
        const original = lists.overlaid ? indexValue(doc, ['_originalId']) : null
        const id = !lists.overlaid ? doc._id : typeof original === 'string' ? original : (doc._originalId as string | undefined)
        lastOrdinal = id === undefined || lists.changed.has(id) ? undefined : lists.byId.get(id)
        last = doc
      }
      return lastOrdinal
    }
    ordinalMemos.set(lists, memo)
  }
  return memo
}

/** Each term's frequency in the texts, tokenised as `wordsOf` does, nothing kept. */
function directFrequencies(texts: string[], matchers: TermMatcher[]): number[] {
  const freqs = matchers.map(() => 0)
  for (const text of texts) {
    for (const token of tokenize(foldCase(text))) {
      for (let t = 0; t < matchers.length; t++) {
        const matcher = matchers[t]
        if (matcher.kind === 'word' ? token === matcher.word : matcher.kind === 'prefix' ? token.startsWith(matcher.prefix) : matcher.test(token)) freqs[t]++
      }
    }
  }
  return freqs
}

/**
 * How often a term occurs in a document's words: the sum of the counts of the words it matches.
 * A term matches few words of a long text (a prefix, a word): those are looked up by binary search
 * in the document's ascending ids; a term matching many words goes over the document's words.
 */
function frequency(words: DocumentWords, term: TermTest): number {
  const {ids, counts} = words
  const matching = term.matchingIds()
  let freq = 0
  if (searchFirst(matching.length, ids.length)) {
    for (let m = 0; m < matching.length; m++) {
      const at = indexOf(ids, matching[m])
      if (at >= 0) freq += counts[at]
    }
    return freq
  }
  for (let i = 0; i < ids.length; i++) if (term.test(ids[i])) freq += counts[i]
  return freq
}

/** Whether a term matches some word of a document (`frequency(…) > 0`, stopping at the first). */
function occurs(words: DocumentWords, term: TermTest): boolean {
  const {ids} = words
  const matching = term.matchingIds()
  if (searchFirst(matching.length, ids.length)) {
    for (let m = 0; m < matching.length; m++) if (indexOf(ids, matching[m]) >= 0) return true
    return false
  }
  for (let i = 0; i < ids.length; i++) if (term.test(ids[i])) return true
  return false
}

/** Whether `matching` binary searches in `words` ascending ids cost less than a pass over them. */
function searchFirst(matching: number, words: number): boolean {
  return matching * (32 - Math.clz32(words)) < words
}

/** The index of `id` in ascending `ids`, or -1. */
function indexOf(ids: Uint32Array, id: number): number {
  let lo = 0
  let hi = ids.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const at = ids[mid]
    if (at === id) return mid
    if (at < id) lo = mid + 1
    else hi = mid
  }
  return -1
}

/** The string parts of `left` read as an element of an array literal: only a string counts. */
function elementText(left: TreeNode): (doc: SanityDocument) => string[] {
  const valueOf = valueFunction(left)
  return (doc) => {
    const value = valueOf(doc)
    return typeof value === 'string' ? [value] : []
  }
}

/** The string parts groq-js's match tokenises for `left` (gatherText: a string, or an array's strings). */
export function textParts(left: TreeNode): (doc: SanityDocument) => string[] {
  const valueOf = valueFunction(left)
  return (doc) => {
    const value = valueOf(doc)
    if (typeof value === 'string') return [value]
    if (Array.isArray(value)) return value.filter((part): part is string => typeof part === 'string')
    return []
  }
}

function valueFunction(node: TreeNode): (doc: SanityDocument) => unknown {
  const path = attributePath(node)
  if (path) return (doc) => valueAt(doc, path)
  if (node.type === 'ArrayCoerce') {
    // `a.b[]`: the array itself, anything else null.
    const base = valueFunction(node.base as TreeNode)
    return (doc) => {
      const value = base(doc)
      return Array.isArray(value) ? value : null
    }
  }
  if (node.type === 'FuncCall') {
    const argPath = attributePath((node.args as unknown[])[0])!
    return (doc) => portableText(valueAt(doc, argPath))
  }
  const elements = (node.elements as {value: TreeNode}[]).map((element) => valueFunction(element.value))
  return (doc) => elements.map((element) => element(doc))
}
