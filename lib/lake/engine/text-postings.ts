/**
 * Persisted per-field inverted lists (issue #12 part 1; NOT wired into the planner yet, see
 * HANDOFF.md): for each registered text expression ("field") of a dataset, for each folded word,
 * the documents holding it and how often, in SQLite, so a search over common words reads a few
 * BLOBs instead of every document (bench/proto-text-postings.ts: 3.5 ms at 100,000 posts).
 *
 * - Each stored document version gets a fresh ordinal (`text_documents`, current ordinal per id):
 *   lists are append-only. A commit appends one segment row per (field, word) it touched, holding
 *   the new versions' (ordinal, count) pairs; entries of replaced or deleted versions point at
 *   ordinals no document has any more and are skipped by readers (`liveOrdinals`), and dropped when
 *   `merge` folds a word's segments into one.
 * - Rows are written in the caller's SQLite transaction (the commit's), so the lists are exactly as
 *   durable as the documents and roll back with them.
 * - Ordinals are Uint32 little-endian, counts Uint8 with 255 meaning "look in `text_overflow`".
 * - Words are stored as their UTF-16 code units (a BLOB, little-endian): SQLite's text is UTF-8,
 *   which would turn a lone surrogate (a token may hold one) into U+FFFD and merge distinct words.
 *   Words sharing a prefix are still contiguous in the BLOBs' byte order.
 */
import type Database from 'better-sqlite3'
import {foldCase, tokenize, tokensByParagraph, type TokensOf} from './text-index'
import type {SanityDocument} from './types'

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS text_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS text_documents (
    dataset TEXT NOT NULL,
    id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    PRIMARY KEY (dataset, id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS text_postings (
    field TEXT NOT NULL,
    word BLOB NOT NULL,
    segment INTEGER NOT NULL,
    ords BLOB NOT NULL,
    counts BLOB NOT NULL,
    PRIMARY KEY (field, word, segment)
  ) WITHOUT ROWID;
  -- The words with segments after their base (compaction's work list).
  CREATE INDEX IF NOT EXISTS text_postings_tails ON text_postings (field, word) WHERE segment > 0;
  CREATE TABLE IF NOT EXISTS text_overflow (
    field TEXT NOT NULL,
    word BLOB NOT NULL,
    ordinal INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (field, word, ordinal)
  ) WITHOUT ROWID;
`

/** A registered text expression: its key (the dataset's own) and the strings it tokenises in a document. */
export interface TextField {
  key: string
  textOf: (doc: SanityDocument) => string[]
}

export interface Posting {
  ords: Uint32Array
  counts: Uint32Array
}

/**
 * Bounds of the decoded lists kept in memory (`posting`, `wordsWithPrefix`): a search reads the same
 * few words' lists again and again, and decoding them from SQLite costs more than the walk over
 * them at 10,000 posts. Entries of a word are dropped when a write touches it. Tests set them low.
 */
export const postingCacheLimits = {
  /** List entries (ordinal + count, 8 bytes each) kept decoded, over every word. */
  entries: 1 << 20,
  /** Prefix lookups kept (each with its words). */
  prefixes: 512,
  /** A prefix with more words than this is not kept. */
  prefixWords: 4096,
}

/** A word as stored (see the module comment). */
function wordBlob(word: string): Buffer {
  return Buffer.from(word, 'utf16le')
}

export class TextPostings {
  private readonly statements
  /** Decoded lists by `fieldKey` + U+0001 + word, least recently read first; `cachedEntries` their total length. */
  private readonly lists = new Map<string, Posting>()
  private cachedEntries = 0
  /** Words with a prefix, by `fieldKey`, then prefix (each with its words as a set, to tell a new word apart). */
  private readonly prefixes = new Map<string, Map<string, {words: string[]; set: Set<string>}>>()
  private cachedPrefixes = 0
  /** Lists decoded from SQLite (not from memory) since the store opened: tests check the cache's use. */
  decoded = 0

  /** List entries kept decoded (at most `postingCacheLimits.entries`). */
  get cachedListEntries(): number {
    return this.cachedEntries
  }

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA)
    this.statements = {
      meta: db.prepare<[string], number>('SELECT value FROM text_meta WHERE key = ?').pluck(),
      setMeta: db.prepare<[string, number]>('INSERT INTO text_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      ordinalOf: db.prepare<[string, string], number>('SELECT ordinal FROM text_documents WHERE dataset = ? AND id = ?').pluck(),
      setOrdinal: db.prepare<[string, string, number]>(
        'INSERT INTO text_documents (dataset, id, ordinal) VALUES (?, ?, ?) ON CONFLICT (dataset, id) DO UPDATE SET ordinal = excluded.ordinal',
      ),
      removeOrdinal: db.prepare<[string, string]>('DELETE FROM text_documents WHERE dataset = ? AND id = ?'),
      // One row (two JSON arrays, in the same order): a row per document costs ~10× more at 100,000.
      live: db.prepare<[string], [string, string]>('SELECT json_group_array(ordinal), json_group_array(id) FROM text_documents WHERE dataset = ?').raw(true),
      addSegment: db.prepare<[string, Buffer, number, Buffer, Buffer]>('INSERT INTO text_postings (field, word, segment, ords, counts) VALUES (?, ?, ?, ?, ?)'),
      segments: db.prepare<[string, Buffer], {segment: number; ords: Buffer; counts: Buffer}>(
        'SELECT segment, ords, counts FROM text_postings WHERE field = ? AND word = ? ORDER BY segment',
      ),
      dropSegments: db.prepare<[string, Buffer]>('DELETE FROM text_postings WHERE field = ? AND word = ?'),
      addOverflow: db.prepare<[string, Buffer, number, number]>('INSERT OR REPLACE INTO text_overflow (field, word, ordinal, count) VALUES (?, ?, ?, ?)'),
      overflow: db.prepare<[string, Buffer], [number, number]>('SELECT ordinal, count FROM text_overflow WHERE field = ? AND word = ?').raw(true),
      dropOverflowOf: db.prepare<[string, Buffer, number]>('DELETE FROM text_overflow WHERE field = ? AND word = ? AND ordinal = ?'),
      wordsFrom: db.prepare<[string, Buffer], Buffer>('SELECT DISTINCT word FROM text_postings WHERE field = ? AND word >= ? ORDER BY word').pluck(),
      fragmented: db.prepare<[number], {field: string; word: Buffer}>(
        'SELECT DISTINCT field, word FROM text_postings INDEXED BY text_postings_tails WHERE segment > 0 ORDER BY field, word LIMIT ?',
      ),
      fragmentedAfter: db.prepare<[string, Buffer, number], {field: string; word: Buffer}>(
        'SELECT DISTINCT field, word FROM text_postings INDEXED BY text_postings_tails WHERE segment > 0 AND (field, word) > (?, ?) ORDER BY field, word LIMIT ?',
      ),
      baseLength: db.prepare<[string, Buffer], number>('SELECT length(ords) / 4 FROM text_postings WHERE field = ? AND word = ? AND segment = 0').pluck(),
      tails: db.prepare<[string, Buffer], {segment: number; ords: Buffer; counts: Buffer}>(
        'SELECT segment, ords, counts FROM text_postings WHERE field = ? AND word = ? AND segment > 0 ORDER BY segment',
      ),
      dropTails: db.prepare<[string, Buffer]>('DELETE FROM text_postings WHERE field = ? AND word = ? AND segment > 0'),
      words: db.prepare<[string], Buffer>('SELECT DISTINCT word FROM text_postings WHERE field = ? ORDER BY word').pluck(),
    }
  }

  private next(key: string): number {
    const value = (this.statements.meta.get(key) ?? 0) + 1
    this.statements.setMeta.run(key, value)
    return value
  }

  /** Drops every list (a store whose lists are from an older layout, see fts.ts). */
  reset(): void {
    this.db.exec('DROP TABLE text_postings; DROP TABLE text_overflow; DROP TABLE text_documents;')
    this.db.exec(SCHEMA)
    this.forgetAll()
  }

  /** Drops every decoded list and prefix lookup kept in memory (after a rolled-back transaction, to be safe). */
  forgetAll(): void {
    this.lists.clear()
    this.cachedEntries = 0
    this.prefixes.clear()
    this.cachedPrefixes = 0
  }

  /** A write is about to change `word`'s list in field `key`: its decoded list goes, and prefix lookups it would now join (or leave). */
  private touched(key: string, word: string): void {
    const cached = this.lists.get(key + '\u0001' + word)
    if (cached) {
      this.lists.delete(key + '\u0001' + word)
      this.cachedEntries -= cached.ords.length
    }
    const byPrefix = this.prefixes.get(key)
    if (!byPrefix) return
    for (const [prefix, entry] of byPrefix) {
      // A known word stays (a list emptied by a merge reads as empty: it adds nothing).
      if (word.startsWith(prefix) && !entry.set.has(word)) {
        byPrefix.delete(prefix)
        this.cachedPrefixes--
      }
    }
  }

  /**
   * Files a transaction's changed documents (`after` null: deleted) under every field given. Call
   * inside the SQLite transaction that writes them. Returns the new ordinals by id.
   */
  index(
    dataset: string,
    changes: readonly {id: string; after: SanityDocument | null}[],
    fields: readonly TextField[],
    tokensOf?: (after: SanityDocument) => TokensOf,
  ): Map<string, number> {
    return this.file(
      dataset,
      changes.map(({id, after}) => ({id, fields: after ? countFields(after, fields, tokensOf?.(after)) : null})),
      fields.map((field) => field.key),
    )
  }

  /**
   * Files documents whose words are counted already (`countFields`, in `fieldKeys`' order; null:
   * deleted), as one segment per (field, word). Call inside the writing transaction. Returns the
   * new ordinals by id.
   */
  file(dataset: string, docs: readonly CountedDocument[], fieldKeys: readonly string[]): Map<string, number> {
    const ordinals = new Map<string, number>()
    // Per field and word: the (ordinal, count) pairs of these documents, in ordinal order.
    const lists = fieldKeys.map(() => new Map<string, {ords: number[]; counts: number[]}>())
    let last = this.statements.meta.get('ordinal') ?? 0
    for (const {id, fields} of docs) {
      if (!fields) {
        this.statements.removeOrdinal.run(dataset, id)
        ordinals.delete(id)
        continue
      }
      const ordinal = ++last
      this.statements.setOrdinal.run(dataset, id, ordinal)
      ordinals.set(id, ordinal)
      fields.forEach(({words, counts}, f) => {
        const byWord = lists[f]
        for (let i = 0; i < words.length; i++) {
          let list = byWord.get(words[i])
          if (!list) byWord.set(words[i], (list = {ords: [], counts: []}))
          list.ords.push(ordinal)
          list.counts.push(counts[i])
        }
      })
    }
    if (last === (this.statements.meta.get('ordinal') ?? 0)) return ordinals
    this.statements.setMeta.run('ordinal', last)
    const segment = this.next('segment')
    fieldKeys.forEach((fieldKey_, f) => {
      const key = fieldKey(dataset, fieldKey_)
      for (const [word, list] of lists[f]) {
        this.touched(key, word)
        const counts = new Uint8Array(list.counts.length)
        list.counts.forEach((count, i) => {
          counts[i] = Math.min(count, 255)
          if (count >= 255) this.statements.addOverflow.run(key, wordBlob(word), list.ords[i], count)
        })
        this.statements.addSegment.run(key, wordBlob(word), segment, Buffer.from(Uint32Array.from(list.ords).buffer), Buffer.from(counts.buffer))
      }
    })
    return ordinals
  }

  /** The current ordinal of each stored document of `dataset` (ordinal → id): entries of other ordinals are stale. */
  liveOrdinals(dataset: string): Map<number, string> {
    const live = new Map<number, string>()
    const [ordinalsText, idsText] = this.statements.live.get(dataset) as [string, string]
    const ordinals = JSON.parse(ordinalsText) as number[]
    const ids = JSON.parse(idsText) as string[]
    for (let i = 0; i < ordinals.length; i++) live.set(ordinals[i], ids[i])
    return live
  }

  /** Every (ordinal, exact count) filed for `word` in a field, stale ordinals included, in ordinal order. */
  posting(dataset: string, field: string, word: string): Posting {
    const key = fieldKey(dataset, field)
    const cacheKey = key + '\u0001' + word
    const cached = this.lists.get(cacheKey)
    if (cached) {
      // Most recently read last.
      this.lists.delete(cacheKey)
      this.lists.set(cacheKey, cached)
      return cached
    }
    const posting = this.read(key, word)
    this.decoded++
    if (posting.ords.length <= postingCacheLimits.entries) {
      this.lists.set(cacheKey, posting)
      this.cachedEntries += posting.ords.length
      for (const [oldest, list] of this.lists) {
        if (this.cachedEntries <= postingCacheLimits.entries) break
        this.lists.delete(oldest)
        this.cachedEntries -= list.ords.length
      }
    }
    return posting
  }

  /** `posting`, read from SQLite. */
  private read(key: string, word: string): Posting {
    const blob = wordBlob(word)
    const rows = this.statements.segments.all(key, blob)
    let n = 0
    for (const row of rows) n += row.ords.byteLength / 4
    const ords = new Uint32Array(n)
    const counts = new Uint32Array(n)
    let at = 0
    let overflow: Map<number, number> | null = null
    for (const row of rows) {
      const part = new Uint32Array(row.ords.buffer.slice(row.ords.byteOffset, row.ords.byteOffset + row.ords.byteLength))
      ords.set(part, at)
      for (let i = 0; i < part.length; i++) {
        let count = row.counts[i]
        if (count === 255) {
          overflow ??= new Map(this.statements.overflow.all(key, blob) as [number, number][])
          count = overflow.get(part[i])!
        }
        counts[at + i] = count
      }
      at += part.length
    }
    return {ords, counts}
  }

  /** The words of a field starting with `prefix` (all of them for ''), in code-unit order. */
  wordsWithPrefix(dataset: string, field: string, prefix: string): string[] {
    const key = fieldKey(dataset, field)
    let byPrefix = this.prefixes.get(key)
    const cached = byPrefix?.get(prefix)
    if (cached) return cached.words
    const words = this.readWordsWithPrefix(key, prefix)
    if (words.length <= postingCacheLimits.prefixWords) {
      if (this.cachedPrefixes >= postingCacheLimits.prefixes) {
        // Full: start again (lookups are a few SQLite range reads; the same few prefixes come back).
        this.prefixes.clear()
        this.cachedPrefixes = 0
      }
      if (!byPrefix) this.prefixes.set(key, (byPrefix = this.prefixes.get(key) ?? new Map()))
      byPrefix.set(prefix, {words, set: new Set(words)})
      this.cachedPrefixes++
    }
    return words
  }

  private readWordsWithPrefix(key: string, prefix: string): string[] {
    if (prefix === '') return this.statements.words.all(key).map((blob) => blob.toString('utf16le'))
    const start = wordBlob(prefix)
    const out: string[] = []
    for (const blob of this.statements.wordsFrom.iterate(key, start) as Iterable<Buffer>) {
      if (blob.length < start.length || !blob.subarray(0, start.length).equals(start)) break
      out.push(blob.toString('utf16le'))
    }
    return out
  }

  /**
   * Up to `limit` words (of any dataset and field) with segments after their base (segment 0),
   * after `cursor` in (field, word) order: from the partial index of those rows only, so finding
   * them costs nothing when the lists are compact.
   */
  fragmented(limit: number, cursor: FragmentCursor | null): {dataset: string; field: string; word: string; cursor: FragmentCursor}[] {
    const rows = cursor ? this.statements.fragmentedAfter.all(cursor.field, cursor.word, limit) : this.statements.fragmented.all(limit)
    return rows.map((row) => {
      const at = row.field.indexOf('\u0000')
      return {dataset: row.field.slice(0, at), field: row.field.slice(at + 1), word: row.word.toString('utf16le'), cursor: row}
    })
  }

  /**
   * Compacts a word's segments by size tiers, dropping the entries of ordinals no document has any
   * more (`live`, from `liveOrdinals`): the base (segment 0) is rewritten only once the segments
   * after it hold at least 1/8 as many entries (so each entry is rewritten a bounded number of
   * times as a list grows); until then several tail segments are folded into one. Call inside a
   * transaction, with `live` read in it. Returns how many entries it wrote.
   */
  merge(dataset: string, field: string, word: string, live: Map<number, string>): number {
    const key = fieldKey(dataset, field)
    const blob = wordBlob(word)
    const base = this.statements.baseLength.get(key, blob) ?? 0
    const tails = this.statements.tails.all(key, blob)
    const tailEntries = tails.reduce((sum, row) => sum + row.ords.byteLength / 4, 0)
    if (base > 0 && tailEntries * 8 < base) {
      if (tails.length < 2) return 0
      return this.rewrite(key, blob, tails, live, tails[0].segment, this.statements.dropTails)
    }
    return this.rewrite(key, blob, this.statements.segments.all(key, blob), live, 0, this.statements.dropSegments)
  }

  /** Replaces `rows` (all of a word's segments, or its tails: `drop` deletes exactly those) by one segment `segment` of their live entries. */
  private rewrite(
    key: string,
    blob: Buffer,
    rows: {segment: number; ords: Buffer; counts: Buffer}[],
    live: Map<number, string>,
    segment: number,
    drop: Database.Statement<[string, Buffer]>,
  ): number {
    this.touched(key, blob.toString('utf16le'))
    const keepOrds: number[] = []
    const keepCounts: number[] = []
    for (const row of rows) {
      const ords = new Uint32Array(row.ords.buffer.slice(row.ords.byteOffset, row.ords.byteOffset + row.ords.byteLength))
      for (let i = 0; i < ords.length; i++) {
        const count = row.counts[i]
        if (live.has(ords[i])) {
          keepOrds.push(ords[i])
          keepCounts.push(count)
        } else if (count === 255) this.statements.dropOverflowOf.run(key, blob, ords[i])
      }
    }
    drop.run(key, blob)
    if (keepOrds.length > 0) {
      // Counts stay as stored (255: the exact count is in text_overflow, keyed by ordinal).
      this.statements.addSegment.run(key, blob, segment, Buffer.from(Uint32Array.from(keepOrds).buffer), Buffer.from(Uint8Array.from(keepCounts).buffer))
    }
    return keepOrds.length
  }
}

/** Where `fragmented` goes on from: the last (field, word) it returned, as stored. */
export interface FragmentCursor {
  field: string
  word: Buffer
}

/** One document's words per field (parallel arrays, see `countFields`); null: the document is deleted. */
export interface CountedDocument {
  id: string
  fields: {words: string[]; counts: number[]}[] | null
}

/** A document's words and how often each occurs, per field (`tokensOf`: a memo shared with other uses of its strings). */
export function countFields(doc: SanityDocument, fields: readonly TextField[], tokensOf?: TokensOf): {words: string[]; counts: number[]}[] {
  return fields.map((field) => {
    const counted = wordCounts(field.textOf(doc), tokensOf)
    return {words: [...counted.keys()], counts: [...counted.values()]}
  })
}

function fieldKey(dataset: string, field: string): string {
  return `${dataset}\u0000${field}`
}

/** How often each folded token occurs in the texts (groq-js's match tokens, as field-index.ts counts them). */
export function wordCounts(texts: string[], tokensOf: TokensOf = (text) => tokenize(foldCase(text))): Map<string, number> {
  const counts = new Map<string, number>()
  for (const text of texts) for (const token of tokensByParagraph(text, tokensOf)) counts.set(token, (counts.get(token) ?? 0) + 1)
  return counts
}
