/**
 * The full-text index behind GROQ `match`, in SQLite FTS5, written in the same transaction as
 * the documents (so it is as durable as they are, survives restarts, and is never rebuilt at
 * startup; a store created before it existed gets it built once, on open).
 *
 * It only ever produces CANDIDATES: the stored documents that may satisfy a `match`. The planner
 * then checks every candidate with groq-js's own rules (field-index.ts / groq-js), so answers are
 * exactly groq-js's. For that the index must never miss a document groq-js would keep:
 * - each stored document is filed under every token (groq-js's `matchTokenize`, text-index.ts) of
 *   every string in it, of every Portable Text block's joined span text (what `pt::text()` makes),
 *   and of the ids a perspective may show it under (its published id; `_originalId` is its own
 *   `_id`), case-folded as groq-js's case-insensitive regular expressions fold;
 * - a pattern term becomes an FTS5 term (`word`) or prefix query (`word*`) on its literal part
 *   before the first wildcard (`*`, or `.`, which groq-js's regex also treats as "any character");
 *   a term with no literal prefix does not narrow anything;
 * - tokens are not re-tokenised by FTS5: each folded token is escaped into characters FTS5's
 *   `ascii` tokenizer keeps in one token (ASCII letters/digits, `_`, any non-ASCII code point),
 *   with a prefix-free per-code-unit escape, so "token starts with prefix" is preserved exactly.
 *
 * Queries read the index as it is now, while a query's view is a snapshot: documents committed
 * since the snapshot are added to the candidates (`search()` remembers when it was taken), so a
 * commit racing a query can only add candidates, never hide one.
 */
import type Database from 'better-sqlite3'
import {publishedIdOf} from './ids'
import {parse} from 'groq-js'
import {textParts} from './field-index'
import type {TreeNode} from './scan-plan'
import {escapeWord, foldCase, patternTerms, tokenMemo, wordsOf, type TokensOf} from './text-index'
import {countFields, TextPostings, type CountedDocument, type FragmentCursor, type TextField} from './text-postings'
import type {TokenizedDocument} from './text-catch-up'
import type {SanityDocument} from './types'

/** Bump to rebuild every store's index on open (when what gets indexed changes). */
const FTS_VERSION = 1
/**
 * Texts whose per-word counts are persisted (text-postings.ts), for the score walk of searches over
 * common words (the site's searchQuery scores these three). Changing the list: bump POSTINGS_VERSION.
 */
const PERSISTED_TEXTS = ['title', 'excerpt', 'pt::text(body)']
/** 3: the lists have their own pending notes (`text_pending`; version 2 shared `fts_pending`). */
const POSTINGS_VERSION = 3

/** The persisted texts, keyed as `FieldIndex.textKey` keys them (their `match` left side, as JSON). */
export const persistedFields: TextField[] = PERSISTED_TEXTS.map((expression) => {
  const left = (parse(`${expression} match ""`) as unknown as {left: TreeNode}).left
  return {key: JSON.stringify(left), textOf: textParts(left)}
})

/** Stored id ↔ current ordinal of one dataset's persisted lists, and the liveness bitmap derived from them. */
interface OrdinalMaps {
  byOrdinal: Map<number, string>
  byId: Map<string, number>
  bitmap: {size: number; live: Uint8Array} | null
}

const PERSISTED_FIELD_KEYS = persistedFields.map((field) => field.key)
const PERSISTED_KEYS = new Set(PERSISTED_FIELD_KEYS)

/**
 * Lists the catch-up has counted and not written yet, per dataset, in the order counted. A commit
 * of one of these documents makes its counts stale (`forget`): it is filed by that commit, or
 * noted again by a deferred one.
 */
class ListBuild {
  private readonly datasets = new Map<string, Map<string, CountedDocument>>()
  size = 0

  add(dataset: string, doc: CountedDocument): void {
    let docs = this.datasets.get(dataset)
    if (!docs) this.datasets.set(dataset, (docs = new Map()))
    // (Counted again after a rolled-back step: the later count replaces it, in the later place.)
    if (docs.delete(doc.id)) this.size--
    docs.set(doc.id, doc)
    this.size++
  }

  forget(dataset: string, changes: readonly {id: string}[]): void {
    const docs = this.size > 0 ? this.datasets.get(dataset) : undefined
    if (docs) for (const {id} of changes) if (docs.delete(id)) this.size--
  }

  /** Everything counted, per dataset; the build is empty after. */
  take(): [string, CountedDocument[]][] {
    const out = [...this.datasets].map(([dataset, docs]): [string, CountedDocument[]] => [dataset, [...docs.values()]])
    this.clear()
    return out
  }

  clear(): void {
    this.datasets.clear()
    this.size = 0
  }
}

const NO_IDS: ReadonlySet<string> = new Set()

/**
 * The persisted lists as a query may use them: when no document of the dataset is waiting to be
 * filed, so the lists hold exactly the stored documents, and the commits since its view was taken
 * are remembered (`changed`): the lists hold the view's version of every other document.
 * `byOrdinal`/`byId`: the current ordinal of each stored document and back.
 */
export interface PersistedLists {
  postings: TextPostings
  dataset: string
  keys: Set<string>
  byOrdinal: Map<number, string>
  byId: Map<string, number>
  /** Which ordinals are current (1) below `size` (one past the highest), kept until the maps change. */
  live(): {size: number; live: Uint8Array}
  /** The view shows documents under their published id, with `_originalId` (a release/drafts stack). */
  overlaid: boolean
  /**
   * Stored ids committed since the view was taken: their entries in the lists are of newer
   * versions (or of none the view has), so the view's versions are scored from their own words.
   */
  changed: ReadonlySet<string>
}

/** Commits (segments) after which the engine's background work compacts the persisted lists. */
const COMPACT_AFTER = 64
/** Fragmented words looked up at a time. */
const COMPACT_WORDS = 256

/** Pending documents `catchUp` reads at a time. */
const CATCH_UP_ROWS = 16
/**
 * Documents whose persisted lists the catch-up counts in memory (over many steps) before it
 * writes them, as one segment per (field, word): few, large segments instead of one per word per
 * step. Bounds the memory it holds and the length of the step that writes them (4,000 took
 * 150–300 ms at 100,000 posts; compaction folds the extra segments afterwards).
 */
const LIST_BATCH = 1000
/** Documents of a dataset whose lists are not written yet, at most, for searches to still use the lists (see `lists()`). */
const LISTS_PENDING_MAX = 512
/**
 * FTS5's `automerge` for the index (its default is 4): how many segments of a level it lets
 * gather before merging them. Each catch-up step and commit writes a segment; 8 halves the
 * merging that costs (a third of filing a post's words at 100,000 posts), and a term is still
 * looked up in a few dozen segments at most. Set by the catch-up's first step (it persists).
 */
const FTS_AUTOMERGE = 8
/** Commits remembered for queries whose view is older than the index (see `search`). */
const RECENT_COMMITS = 4096

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS fts_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS fts_documents (
    rowid INTEGER PRIMARY KEY,
    dataset TEXT NOT NULL,
    id TEXT NOT NULL,
    UNIQUE (dataset, id)
  );
  CREATE VIRTUAL TABLE IF NOT EXISTS fts_words USING fts5(
    words, tokenize = "ascii tokenchars '_'", content = '', contentless_delete = 1, detail = none
  );
  -- Documents written without indexing them (bulk import): the index is behind for these. They
  -- are always candidates until catchUp files them (their row goes in the same transaction).
  CREATE TABLE IF NOT EXISTS fts_pending (
    dataset TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (dataset, id)
  ) WITHOUT ROWID;
  -- Documents whose persisted lists (text-postings.ts) are not filed: the lists are not used for
  -- a dataset while it has any. Apart from fts_pending: either may be current without the other.
  CREATE TABLE IF NOT EXISTS text_pending (
    dataset TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (dataset, id)
  ) WITHOUT ROWID;
`

export interface StoredChange {
  id: string
  after: SanityDocument | null
}

/** A view of the index taken together with a query's document view (see the module comment). */
export interface TextSearch {
  /**
   * Ids of stored documents that may satisfy `text match pattern` for some text in them (a
   * superset), null when the pattern cannot narrow anything (every term starts with a wildcard).
   * An empty set means no document can match (including patterns groq-js never matches).
   * With `limit`: null as well when more than `limit` documents have the words (too common to
   * narrow much), found without reading them all.
   */
  candidates(pattern: unknown, limit?: number): Set<string> | null
  /** The persisted per-word counts, when they hold exactly the query's view's stored documents (see PersistedLists); else null. */
  lists(): PersistedLists | null
  /**
   * While the index's own integrity check runs (the first seconds after a start), resolves when it
   * has finished: a search that needs candidates waits for it rather than going without (a scan of
   * every document, far slower than the check's few seconds). Null when there is nothing to wait for.
   */
  ready(): Promise<void> | null
}

/** Ids written in JSON exactly as they are (no escapes): notes for many are passed to SQLite as one JSON array. */
const PLAIN_ID = /^[A-Za-z0-9._-]+$/

export class FullTextIndex {
  private readonly statements
  /** Commit counter (this process) and the ids each recent commit changed, per dataset. */
  private generation = 0
  private readonly recent: {generation: number; dataset: string; ids: string[]}[] = []

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA)
    this.statements = {
      version: db.prepare<[], {value: string}>(`SELECT value FROM fts_meta WHERE key = 'version'`),
      setVersion: db.prepare(`INSERT INTO fts_meta (key, value) VALUES ('version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
      rowOf: db.prepare<[string, string], {rowid: number}>('SELECT rowid FROM fts_documents WHERE dataset = ? AND id = ?'),
      addRow: db.prepare<[string, string]>('INSERT INTO fts_documents (dataset, id) VALUES (?, ?)'),
      removeRow: db.prepare<[number]>('DELETE FROM fts_documents WHERE rowid = ?'),
      removeWords: db.prepare<[number]>('DELETE FROM fts_words WHERE rowid = ?'),
      addWords: db.prepare<[number, string]>('INSERT INTO fts_words (rowid, words) VALUES (?, ?)'),
      search: db.prepare<[string, string], string>(
        'SELECT d.id FROM fts_words JOIN fts_documents d ON d.rowid = fts_words.rowid WHERE fts_words MATCH ? AND d.dataset = ?',
      ),
      /** How many stored documents (of every dataset, so at least this one's) have the words, counting up to a cap. */
      countUpTo: db.prepare<[string, number], number>('SELECT count(*) FROM (SELECT 1 FROM fts_words WHERE fts_words MATCH ? LIMIT ?)'),
      addPending: db.prepare<[string, string]>('INSERT OR IGNORE INTO fts_pending (dataset, id) VALUES (?, ?)'),
      removePending: db.prepare<[string, string]>('DELETE FROM fts_pending WHERE dataset = ? AND id = ?'),
      pendingIds: db.prepare<[string], string>('SELECT id FROM fts_pending WHERE dataset = ?'),
      pendingCount: db.prepare<[], number>('SELECT count(*) FROM fts_pending'),
      postingsVersion: db.prepare<[], {value: string}>(`SELECT value FROM fts_meta WHERE key = 'postings'`),
      setPostingsVersion: db.prepare(`INSERT INTO fts_meta (key, value) VALUES ('postings', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
      pendingUpTo: db.prepare<[string, number], number>('SELECT count(*) FROM (SELECT 1 FROM fts_pending WHERE dataset = ? LIMIT ?)'),
      pendingBatch: db.prepare<[number], {dataset: string; id: string; json: string | null; lists: number}>(
        `SELECT p.dataset, p.id, d.json, EXISTS (SELECT 1 FROM text_pending t WHERE t.dataset = p.dataset AND t.id = p.id) AS lists
         FROM fts_pending p LEFT JOIN documents d ON d.dataset = p.dataset AND d.id = p.id LIMIT ?`,
      ),
      addTextPending: db.prepare<[string, string]>('INSERT OR IGNORE INTO text_pending (dataset, id) VALUES (?, ?)'),
      removeTextPending: db.prepare<[string, string]>('DELETE FROM text_pending WHERE dataset = ? AND id = ?'),
      textPendingCount: db.prepare<[], number>('SELECT count(*) FROM text_pending'),
      textPendingUpTo: db.prepare<[string, number], number>('SELECT count(*) FROM (SELECT 1 FROM text_pending WHERE dataset = ? LIMIT ?)'),
      textPendingIds: db.prepare<[string, number], string>('SELECT id FROM text_pending WHERE dataset = ? LIMIT ?'),
      textPendingAfter: db.prepare<[string, string, number], {dataset: string; id: string; json: string | null}>(
        `SELECT t.dataset, t.id, d.json FROM text_pending t LEFT JOIN documents d ON d.dataset = t.dataset AND d.id = t.id
         WHERE (t.dataset, t.id) > (?, ?) ORDER BY t.dataset, t.id LIMIT ?`,
      ),
      revOf: db.prepare<[string, string], string>('SELECT rev FROM documents WHERE dataset = ? AND id = ?').pluck(),
      automerge: db.prepare<[], number>(`SELECT v FROM fts_words_config WHERE k = 'automerge'`).pluck(),
      // (A literal: FTS5 wants an integer, and a bound JS number is a REAL.)
      setAutomerge: db.prepare(`INSERT INTO fts_words (fts_words, rank) VALUES ('automerge', ${FTS_AUTOMERGE})`),
      documentsAfter: db.prepare<[string, string], {dataset: string; id: string; json: string}>(
        'SELECT dataset, id, json FROM documents WHERE (dataset, id) > (?, ?) ORDER BY dataset, id LIMIT 1000',
      ),
    }
    this.statements.search.pluck()
    this.statements.countUpTo.pluck()
    this.statements.pendingIds.pluck()
    this.statements.pendingCount.pluck()
    this.statements.pendingUpTo.pluck()
    this.statements.textPendingCount.pluck()
    this.statements.textPendingUpTo.pluck()
    this.statements.textPendingIds.pluck()
    this.postings = new TextPostings(db)
    this.migrate()
    this.migratePostings()
    this.pending = this.statements.pendingCount.get()!
    this.listsPending = this.statements.textPendingCount.get()!
  }

  /** Lists counted by the catch-up and not written yet (see LIST_BATCH). */
  private readonly build = new ListBuild()
  /** Where the catch-up of lists alone (documents whose FTS words are current) goes on from. */
  private listCursor: {dataset: string; id: string} | null = null
  /** Where compaction goes on from (see TextPostings.fragmented). */
  private compactCursor: FragmentCursor | null = null
  /** Documents (of every dataset) whose persisted lists are not filed (`text_pending`), as last written or read. */
  private listsPending = 0

  /** Segments written since the last compaction found nothing to fold (a hint for `needsWork`). */
  private fragments = COMPACT_AFTER + 1

  /** Whether FTS_AUTOMERGE is known to be set (inside a writing transaction). */
  private automergeSet = false

  /** Sets FTS_AUTOMERGE if the index has another (inside the catch-up's transaction; rolled back with it, set again by a later step). */
  private setMerging(): void {
    if (this.automergeSet) return
    if (this.statements.automerge.get() !== FTS_AUTOMERGE) this.statements.setAutomerge.run()
    this.automergeSet = true
  }

  /** Whether catchUp has something to do: documents to file, or persisted lists to compact. */
  get needsWork(): boolean {
    return this.pending > 0 || this.listsPending > 0 || this.fragments > COMPACT_AFTER
  }

  /** Compacts fragmented words (TextPostings.merge), going on where the last step stopped, until the step's budget is spent. */
  private compact(started: number, budgetMs: number): void {
    for (;;) {
      const words = this.postings.fragmented(COMPACT_WORDS, this.compactCursor)
      if (words.length === 0) {
        // A whole round done: nothing to do until more segments are written.
        this.compactCursor = null
        this.fragments = 0
        return
      }
      const live = new Map<string, Map<number, string>>()
      for (const {dataset, field, word, cursor} of words) {
        let ordinals = live.get(dataset)
        if (!ordinals) live.set(dataset, (ordinals = this.ordinalMaps(dataset).byOrdinal))
        this.postings.merge(dataset, field, word, ordinals)
        this.compactCursor = cursor
        if (performance.now() - started >= budgetMs) return
      }
    }
  }

  /**
   * A store without the persisted lists (or an older list of texts): every document's lists are
   * filed again by the catch-up (its FTS words are current: they stay). A store of version 2 noted
   * documents whose lists were not filed in `fts_pending`: they are noted for the lists too.
   */
  private migratePostings(): void {
    const version = this.statements.postingsVersion.get()?.value
    if (version === String(POSTINGS_VERSION)) return
    this.db.transaction(() => {
      if (version === '2') this.db.exec('INSERT OR IGNORE INTO text_pending (dataset, id) SELECT dataset, id FROM fts_pending')
      else {
        this.postings.reset()
        this.db.exec('DELETE FROM text_pending; INSERT INTO text_pending (dataset, id) SELECT dataset, id FROM documents')
      }
      this.statements.setPostingsVersion.run(String(POSTINGS_VERSION))
    })()
  }

  /** Files documents' counted words in the persisted lists, clears their notes and keeps the ordinal maps current (inside the writing transaction). */
  private filePostings(dataset: string, docs: readonly CountedDocument[]): void {
    const assigned = this.postings.file(dataset, docs, PERSISTED_FIELD_KEYS)
    if (assigned.size > 0) this.fragments++
    if (this.listsPending > 0) for (const {id} of docs) this.listsPending -= this.statements.removeTextPending.run(dataset, id).changes
    const maps = this.ordinals.get(dataset)
    if (!maps) return
    maps.bitmap = null
    for (const {id} of docs) {
      const old = maps.byId.get(id)
      if (old !== undefined) maps.byOrdinal.delete(old)
      maps.byId.delete(id)
      const ordinal = assigned.get(id)
      if (ordinal !== undefined) {
        maps.byId.set(id, ordinal)
        maps.byOrdinal.set(ordinal, id)
      }
    }
  }

  private ordinalMaps(dataset: string): OrdinalMaps {
    let maps = this.ordinals.get(dataset)
    if (!maps) {
      const byOrdinal = this.postings.liveOrdinals(dataset)
      const byId = new Map<string, number>()
      for (const [ordinal, id] of byOrdinal) byId.set(id, ordinal)
      maps = {byOrdinal, byId, bitmap: null}
      this.ordinals.set(dataset, maps)
    }
    return maps
  }

  readonly postings: TextPostings
  /** Per dataset, loaded on first use: stored id ↔ current ordinal of the persisted lists. */
  private ordinals = new Map<string, OrdinalMaps>()

  /** Documents (of every dataset) the index is behind for (`fts_pending`), as this connection last wrote or read it. */
  private pending = 0

  /**
   * Whether the FTS5 index passed its own integrity check since the store opened (integrity.ts,
   * part 2, which runs after the store is already serving). Until then searches are not narrowed
   * by it: answers stay exact, as when the index is far behind.
   */
  verified = false
  /** The integrity check of the index, while it runs (set by the store). */
  checking: Promise<unknown> | null = null

  /**
   * The FTS5 index failed its check: its words are dropped (FTS5's 'delete-all' rewrites the index
   * without reading it) and every stored document is noted pending, so the catch-up files them all
   * again; searches stay exact meanwhile (pending documents are candidates).
   */
  rebuild(): void {
    this.db.transaction(() => {
      this.db.exec(`INSERT INTO fts_words (fts_words) VALUES ('delete-all'); DELETE FROM fts_documents;`)
      this.db.exec('INSERT OR IGNORE INTO fts_pending (dataset, id) SELECT dataset, id FROM documents')
    })()
    this.recount()
    this.verified = true
  }

  /** Re-reads the count of documents not indexed yet (after a rolled-back transaction). */
  recount(): void {
    // Counts kept for the lists may be of a rolled-back transaction's documents: their notes (if
    // committed) are read again by the catch-up.
    this.build.clear()
    this.listCursor = null
    this.pending = this.statements.pendingCount.get()!
    this.listsPending = this.statements.textPendingCount.get()!
    // The ordinal maps may hold a rolled-back transaction's ordinals: read them again when needed.
    this.ordinals.clear()
    this.postings.forgetAll()
  }

  /** How many stored documents are not in the index yet (deferred by bulk writes). */
  get behind(): number {
    return this.pending
  }

  /** How many stored documents are not in the persisted lists yet (deferred by bulk writes, or a store from before them). */
  get listsBehind(): number {
    return this.listsPending
  }

  /**
   * Files documents the index is behind for, for about `budgetMs` (at least one small batch), in
   * one transaction (the caller's, if it is in one): each one's FTS words as it is stored now, and
   * its `fts_pending` row goes. A crash before the transaction commits leaves them pending (still
   * candidates), never lost. Their persisted lists are counted from the same tokens and kept in
   * memory until LIST_BATCH documents (or all that are pending) are counted, then written in one
   * step with their `text_pending` rows: a crash before that leaves those noted, filed again by the
   * next catch-up. Documents whose FTS words are current but whose lists are not (a store from
   * before the lists) are read for their lists alone. Returns how many FTS words remain to file.
   */
  catchUp(budgetMs: number): number {
    const started = performance.now()
    const late = () => performance.now() - started >= budgetMs
    try {
      this.db.transaction(() => {
        let wordsDone = this.pending === 0
        if (!wordsDone) this.setMerging()
        while (!wordsDone) {
          const rows = this.statements.pendingBatch.all(CATCH_UP_ROWS)
          for (const row of rows) {
            const after = row.json === null ? null : (JSON.parse(row.json) as SanityDocument)
            const tokensOf = tokenMemo()
            this.write(row.dataset, row.id, after !== null, after ? indexedText(row.id, after, tokensOf) : '')
            this.pending -= this.statements.removePending.run(row.dataset, row.id).changes
            if (row.lists) this.build.add(row.dataset, {id: row.id, fields: after ? countFields(after, persistedFields, tokensOf) : null})
            if (this.build.size >= LIST_BATCH) this.flushLists()
          }
          wordsDone = rows.length < CATCH_UP_ROWS
          if (late()) break
        }
        if (!wordsDone) return
        // Every FTS word filed: the lists counted with them are written, then lists alone are counted.
        if (this.listCursor === null && this.build.size > 0) this.flushLists()
        let listsDone = this.listsPending === 0
        while (!listsDone && !late()) {
          const cursor = this.listCursor ?? {dataset: '', id: ''}
          const rows = this.statements.textPendingAfter.all(cursor.dataset, cursor.id, CATCH_UP_ROWS)
          for (const row of rows) {
            const after = row.json === null ? null : (JSON.parse(row.json) as SanityDocument)
            this.build.add(row.dataset, {id: row.id, fields: after ? countFields(after, persistedFields, tokenMemo()) : null})
            this.listCursor = {dataset: row.dataset, id: row.id}
          }
          listsDone = rows.length < CATCH_UP_ROWS
          if (listsDone || this.build.size >= LIST_BATCH) this.flushLists()
          if (listsDone) this.listCursor = null
        }
        // Nothing left to file: compact the lists for the rest of the step.
        if (listsDone && !late()) this.compact(started, budgetMs)
      })()
    } catch (error) {
      // What was counted in the rolled-back step is counted again (its notes are back).
      this.automergeSet = false
      this.build.clear()
      this.listCursor = null
      this.recount()
      throw error
    }
    // (Kept by counting what each statement removed: counting the notes each step costs at 100,000.)
    if (this.pending < 0 || this.listsPending < 0) this.recount()
    return this.pending
  }

  /**
   * Files documents the catch-up's worker read and tokenised (text-catch-up.ts), from `docs[from]`
   * on, for about `budgetMs`, in one transaction: each one only if it is still pending and stored
   * with the rev the worker read (one a commit changed or filed meanwhile stays as that commit left
   * it: pending, read again by the next pass, or filed). As `catchUp` does with what it reads itself:
   * its FTS words and note in this transaction, its counted lists kept until LIST_BATCH documents
   * are counted. Returns the index of the first document not looked at.
   */
  fileTokenized(docs: readonly TokenizedDocument[], from: number, budgetMs: number): number {
    const started = performance.now()
    let at = from
    try {
      this.db
        .transaction(() => {
          this.setMerging()
          while (at < docs.length) {
            const doc = docs[at++]
            const rev = this.statements.revOf.get(doc.dataset, doc.id) ?? null
            if (rev === doc.rev && this.statements.removePending.run(doc.dataset, doc.id).changes > 0) {
              this.pending--
              this.write(doc.dataset, doc.id, doc.rev !== null, doc.text)
              if (doc.lists) this.build.add(doc.dataset, {id: doc.id, fields: doc.rev === null ? null : doc.fields})
              if (this.build.size >= LIST_BATCH) this.flushLists()
            }
            if (performance.now() - started >= budgetMs) break
          }
        })
        .immediate()
    } catch (error) {
      this.automergeSet = false
      this.recount()
      throw error
    }
    if (this.pending < 0) this.recount()
    return at
  }

  /** Writes the lists counted so far (inside the catch-up's transaction). */
  private flushLists(): void {
    for (const [dataset, docs] of this.build.take()) this.filePostings(dataset, docs)
    // Many fresh segments: compact once nothing is pending.
    this.fragments = COMPACT_AFTER + 1
  }

  /** Builds the index of a store that predates it (or an older index version), in one transaction. */
  private migrate(): void {
    const version = this.statements.version.get()?.value
    if (version === String(FTS_VERSION)) return
    this.db.transaction(() => {
      // Pending notes stay: the persisted word lists (text-postings.ts) still need those documents.
      this.db.exec(`DELETE FROM fts_words; DELETE FROM fts_documents;`)
      // In pages: the connection cannot write while a statement is still reading.
      let after = {dataset: '', id: ''}
      for (;;) {
        const rows = this.statements.documentsAfter.all(after.dataset, after.id)
        for (const row of rows) {
          const doc = JSON.parse(row.json) as SanityDocument
          this.write(row.dataset, row.id, true, indexedText(row.id, doc))
        }
        if (rows.length === 0) break
        after = rows[rows.length - 1]
      }
      this.statements.setVersion.run(String(FTS_VERSION))
    })()
  }

  /** A deferred commit's pending notes, one statement per table (prepared on first use, see `index`). */
  private noteStatements: {fts: Database.Statement<[string, string]>; lists: Database.Statement<[string, string]>} | null = null

  /**
   * Files a transaction's changed documents (`after` null: deleted). Call inside the SQLite
   * transaction that writes them, so the index commits (or rolls back) with the documents.
   */
  index(dataset: string, changes: readonly StoredChange[], options: {defer?: boolean} = {}): void {
    // Lists the catch-up counted for these documents are of older versions now.
    this.build.forget(dataset, changes)
    if (options.defer) {
      // Bulk writes: only a durable note that these are not indexed yet (catchUp files them later),
      // each table's notes in one statement when the ids need no escaping in JSON (an import's always).
      if (changes.length > 1 && changes.every(({id}) => PLAIN_ID.test(id))) {
        const notes = (this.noteStatements ??= {
          fts: this.db.prepare<[string, string]>('INSERT OR IGNORE INTO fts_pending (dataset, id) SELECT ?, value FROM json_each(?)'),
          lists: this.db.prepare<[string, string]>('INSERT OR IGNORE INTO text_pending (dataset, id) SELECT ?, value FROM json_each(?)'),
        })
        const ids = JSON.stringify(changes.map(({id}) => id))
        this.pending += notes.fts.run(dataset, ids).changes
        this.listsPending += notes.lists.run(dataset, ids).changes
      } else {
        for (const {id} of changes) {
          this.pending += this.statements.addPending.run(dataset, id).changes
          this.listsPending += this.statements.addTextPending.run(dataset, id).changes
        }
      }
    } else {
      for (const {id, after} of changes) {
        // Each string tokenised once, for the FTS words and the lists.
        const tokensOf = tokenMemo()
        this.write(dataset, id, after !== null, after ? indexedText(id, after, tokensOf) : '')
        if (this.pending > 0) this.pending -= this.statements.removePending.run(dataset, id).changes
        // The lists are written by the catch-up (many commits' documents in one step, off the
        // commit's fsync): a durable note now, the counts kept in memory until then. Searches
        // meanwhile score these documents from their own words (`lists()`).
        this.listsPending += this.statements.addTextPending.run(dataset, id).changes
        this.build.add(dataset, {id, fields: after ? countFields(after, persistedFields, tokensOf) : null})
      }
    }
    this.generation++
    this.recent.push({generation: this.generation, dataset, ids: changes.map((change) => change.id)})
    if (this.recent.length > RECENT_COMMITS) this.recent.splice(0, this.recent.length - RECENT_COMMITS)
  }

  /** The ids of `dataset` that commits changed after generation `since`; null if some of those commits are forgotten. */
  private changedSince(since: number, dataset: string): ReadonlySet<string> | null {
    if (this.generation === since) return NO_IDS
    if ((this.recent[0]?.generation ?? Infinity) > since + 1) return null
    const changed = new Set<string>()
    for (const commit of this.recent) if (commit.generation > since && commit.dataset === dataset) for (const id of commit.ids) changed.add(id)
    return changed
  }

  /** Files a document's FTS words (`text`: its `indexedText`), or removes them (`exists` false: deleted). */
  private write(dataset: string, id: string, exists: boolean, text: string): void {
    const row = this.statements.rowOf.get(dataset, id)?.rowid
    if (row !== undefined) {
      this.statements.removeWords.run(row)
      if (!exists) this.statements.removeRow.run(row)
    }
    if (!exists) return
    const rowid = row ?? Number(this.statements.addRow.run(dataset, id).lastInsertRowid)
    this.statements.addWords.run(rowid, text)
  }

  /**
   * A search over `dataset` for a query whose document view was taken now. Candidates include
   * every document committed after this call (the view may not show their new versions).
   */
  search(dataset: string, options: {overlaid?: boolean} = {}): TextSearch {
    const since = this.generation
    return {
      ready: () => {
        if (this.verified || !this.checking) return null
        // The check's worker does not keep a process alive; a query waiting for it does.
        const alive = setInterval(() => {}, 60_000)
        return this.checking.then(() => clearInterval(alive))
      },
      lists: () => {
        let changed = this.changedSince(since, dataset)
        if (changed === null) return null
        // Documents whose lists are not written yet (recent commits, until the catch-up files them):
        // left out of the lists like those changed since the view; many (an import): not used.
        if (this.listsPending > 0) {
          const notes = this.statements.textPendingIds.all(dataset, LISTS_PENDING_MAX + 1)
          if (notes.length > LISTS_PENDING_MAX) return null
          if (notes.length > 0) changed = new Set([...changed, ...notes])
        }
        const maps = this.ordinalMaps(dataset)
        const live = () => {
          if (!maps.bitmap) {
            let size = 0
            for (const ordinal of maps.byOrdinal.keys()) if (ordinal >= size) size = ordinal + 1
            const bits = new Uint8Array(size)
            for (const ordinal of maps.byOrdinal.keys()) bits[ordinal] = 1
            maps.bitmap = {size, live: bits}
          }
          return maps.bitmap
        }
        return {postings: this.postings, dataset, keys: PERSISTED_KEYS, byOrdinal: maps.byOrdinal, byId: maps.byId, live, overlaid: options.overlaid === true, changed}
      },
      candidates: (pattern, limit) => {
        const query = ftsQuery(pattern)
        if (query === null || query === '') return query === null ? null : new Set()
        // Not checked yet (or damaged and not rebuilt): not read at all.
        if (!this.verified) return null
        // Documents not indexed yet are candidates. Read before the index: one filed in between
        // (catchUp) is then either still pending here or already in the index below.
        // (Always asked: the in-memory count is only a hint.) Over the limit: counted, not read.
        if (limit !== undefined && this.statements.pendingUpTo.get(dataset, Math.floor(limit) + 1)! > limit) return null
        const pending = this.statements.pendingIds.all(dataset)
        if (limit !== undefined && pending.length > limit) return null
        // Counting first (in SQLite, no ids read) keeps a common word cheap; the count spans
        // every dataset, so over the limit may still narrow this one: not narrowing is always safe.
        if (limit !== undefined && this.statements.countUpTo.get(query, Math.floor(limit) + 1)! + pending.length > limit) return null
        const ids = new Set(this.statements.search.all(query, dataset))
        for (const id of pending) ids.add(id)
        if (limit !== undefined && ids.size > limit) return null
        // Commits the index has seen since the view was taken; if some were forgotten, give up narrowing.
        const changed = this.changedSince(since, dataset)
        if (changed === null) return null
        for (const id of changed) ids.add(id)
        return ids
      },
    }
  }
}

/** The text FTS5 stores for a document: its escaped folded words, space-separated. */
export function indexedText(id: string, doc: SanityDocument, tokensOf?: TokensOf): string {
  const words = wordsOf(doc, tokensOf)
  // A perspective shows drafts and release versions under their published id.
  for (const word of wordsOf(publishedIdOf(id), tokensOf)) words.add(word)
  let text = ''
  for (const word of words) text += (text ? ' ' : '') + escapeWord(word)
  return text
}

/**
 * The FTS5 query for a `match` pattern (a string or an array of strings): every term's literal
 * prefix, ANDed. null: nothing to narrow by; '': groq-js matches nothing with this pattern.
 */
export function ftsQuery(pattern: unknown): string | null {
  const parts = typeof pattern === 'string' ? [pattern] : Array.isArray(pattern) ? pattern : null
  if (!parts || !parts.every((part) => typeof part === 'string')) return ''
  const terms = (parts as string[]).flatMap(patternTerms)
  if (terms.length === 0) return ''
  const clauses = new Set<string>()
  for (const term of terms) {
    const wildcard = term.search(/[*.]/)
    const literal = wildcard === -1 ? term : term.slice(0, wildcard)
    if (literal === '') continue
    clauses.add(`"${escapeWord(foldCase(literal))}"${wildcard === -1 ? '' : ' *'}`)
  }
  return clauses.size === 0 ? null : [...clauses].join(' AND ')
}
