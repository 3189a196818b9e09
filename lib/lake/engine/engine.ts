/**
 * The lake engine: wires storage, the document cache, GROQ and mutations together behind the
 * `Engine` contract. Writes are serialized (one transaction at a time, in arrival order) so a
 * transaction that awaits GROQ for its query targets never interleaves with another; transactions
 * queued meanwhile are committed together (group commit, `drainWrites`).
 */
import {act as runActions} from './actions'
import {DatasetDocuments, DEFAULT_WORKING_SET_BYTES, documentOf, OPAQUE, withPathReads} from './document-cache'
import {badRequest, invalidMutation} from './errors'
import {evaluateQuery, matchesDocument, prepareQuery} from './groq'
import {documentAt, history, transactionsFrom} from './history'
import {DamagedDatabaseError} from './integrity'
import {generateTransactionId, isValidDatasetName, isValidTransactionId} from './ids'
import {exportDocuments, importDocuments, type ImportBatchLimits, type ImportItem} from './import-export'
import {applyMutations, MAX_QUERY_TARGETS, type AppliedMutations} from './mutations'
import {resolvePerspective} from './perspective'
import {ReadTracker} from './read-set'
import type {Database as SqliteDatabase} from 'better-sqlite3'
import {Store, type DocumentText, type StoredTransaction} from './store'
import type {CatchUpReader, TokenizedDocument} from './text-catch-up'
import {
  LakeError,
  type Action,
  type CommitOptions,
  type CommitResult,
  type Engine,
  type HistoryQuery,
  type ImportMode,
  type Mutation,
  type QueryOptions,
  type QueryResult,
  type SanityDocument,
  type Transaction,
} from './types'
import {ViewIndex} from './view-index'
import {warmUp, warmUpSettings} from './warm-up'
import {WorkingSet} from './working-set'

export interface EngineOptions {
  /** SQLite file path, or ':memory:' */
  file: string
  /**
   * Bytes of document JSON the engine keeps parsed per dataset (the working set; default 32 MiB).
   * Documents beyond it are read from SQLite again when a query needs them.
   */
  workingSetBytes?: number
}

/** Work a transaction does against a working set before it is committed. */
export type TransactionBody = (context: {
  workingSet: WorkingSet
  transactionId: string
  timestamp: string
  resolveQuery: (query: string, params: Record<string, unknown>, index: number) => Promise<string[]>
  /** A document at an earlier revision (release unarchive restores versions from history). */
  documentAt: (id: string, at: {revision?: string}) => SanityDocument | null
}) => Promise<AppliedMutations>

/** Group commit: at most this many transactions in one SQLite transaction... */
const MAX_GROUP_TRANSACTIONS = 64
/** ...and no more are added once the group changes this many documents (an import batch commits alone). */
const MAX_GROUP_CHANGES = 1000
/** ...nor once its first transaction has waited this long (a slow body after it would delay its acknowledgement). */
const MAX_GROUP_WAIT_MS = 5

interface QueuedWrite {
  dataset: string
  options: CommitOptions
  body: TransactionBody
  deferTextIndex: boolean
  resolve: (result: CommitResult) => void
  reject: (error: unknown) => void
}

interface PreparedWrite {
  /** What was asked: prepared again if the group's commit fails for an earlier member. */
  request: QueuedWrite
  transaction: Transaction
  documents: DatasetDocuments
  result: CommitResult
  deferTextIndex: boolean
  resolve: (result: CommitResult) => void
  reject: (error: unknown) => void
}

/** Transactions prepared but not committed yet, and the documents as they leave them (per dataset). */
class WriteGroup {
  members: PreparedWrite[] = []
  changes = 0
  private started = 0
  private overlays = new Map<string, WorkingSet>()
  private ids = new Set<string>()

  /**
   * The documents of `dataset` as the group's transactions leave them; undefined: untouched by the
   * group. Built when a later transaction asks (an import batch usually commits alone: never built).
   */
  overlay(dataset: string): WorkingSet | undefined {
    let overlay = this.overlays.get(dataset)
    if (overlay) return overlay
    const members = this.members.filter((member) => member.transaction.dataset === dataset)
    if (members.length === 0) return undefined
    const documents = members[0].documents
    overlay = new WorkingSet(
      (id) => documents.get(id),
      () => documents.all(),
    )
    for (const member of members) for (const change of member.transaction.changes) overlay.put(change.id, change.after)
    this.overlays.set(dataset, overlay)
    return overlay
  }

  hasTransaction(dataset: string, id: string): boolean {
    return this.ids.has(`${dataset}\u0000${id}`)
  }

  add(member: PreparedWrite): void {
    const {dataset, id, changes} = member.transaction
    // An overlay already built for the dataset takes the new changes; otherwise it is built when asked.
    const overlay = this.overlays.get(dataset)
    if (overlay) for (const change of changes) overlay.put(change.id, change.after)
    this.ids.add(`${dataset}\u0000${id}`)
    if (this.members.length === 0) this.started = performance.now()
    this.members.push(member)
    this.changes += changes.length
  }

  /**
   * Whether `write` may join. An import batch (deferred full-text indexing) commits alone: its
   * documents may be raw texts (raw-document.ts), which no other transaction's body should get.
   */
  accepts(write: {deferTextIndex: boolean}): boolean {
    return this.members.length === 0 || (this.open && !write.deferTextIndex)
  }

  /** Whether another transaction may join before the group is committed. */
  get open(): boolean {
    if (this.members.length === 0) return true
    if (this.members[0].deferTextIndex) return false
    return this.members.length < MAX_GROUP_TRANSACTIONS && this.changes < MAX_GROUP_CHANGES && performance.now() - this.started < MAX_GROUP_WAIT_MS
  }

  /** The members, leaving the group empty (they are being committed). */
  take(): PreparedWrite[] {
    const members = this.members
    this.members = []
    this.changes = 0
    this.overlays = new Map()
    this.ids = new Set()
    return members
  }
}

/**
 * Tunables (tests turn the background catch-up off to hold a store behind, then call
 * `catchUpTextIndex`). `workerMin`: documents behind from which the catch-up reads and tokenises
 * them in a worker (text-catch-up.ts); fewer are filed on the lake's thread.
 */
export const textIndexing = {background: true, workerMin: 64}

/** Transactions of at least this many create / createOrReplace / createIfNotExists defer their full-text entries (see mutate)... */
export const BULK_MUTATION_MIN = 100
/** ...filed in the background once none came for this long. */
const BULK_CATCH_UP_DELAY_MS = 1000

function isWholeDocument(mutation: Mutation): boolean {
  return 'create' in mutation || 'createOrReplace' in mutation || 'createIfNotExists' in mutation
}

/** How long one step of the full-text catch-up may hold the thread (queries and commits run between steps). */
const TEXT_CATCH_UP_STEP_MS = 8
/**
 * The same for a step writing what the catch-up's workers tokenised: longer (still well under the
 * 50 ms a step may block), as FTS5 writes far fewer, larger segments from larger transactions.
 */
const TEXT_CATCH_UP_WRITE_STEP_MS = 20

export class LakeEngine implements Engine {
  private readonly store: Store
  private readonly caches = new Map<string, DatasetDocuments>()
  private readonly listeners = new Set<(tx: Transaction) => void>()
  /** Transactions waiting to be prepared and committed (drainWrites), in arrival order. */
  private readonly writes: QueuedWrite[] = []
  private draining = false
  private textCatchUp: Promise<void> | null = null
  /** The catch-up's tokenising workers, while a pass runs (closed before the store, see CatchUpReader.close). */
  private textReader: CatchUpReader | null = null
  /** Imports running (the background catch-up pauses for them). */
  private importing = 0
  /** Set while large transactions of whole documents come in (see mutate): the background catch-up waits. */
  private bulkCatchUp: NodeJS.Timeout | null = null
  private closed = false
  private readonly workingSetBytes: number

  constructor(options: EngineOptions) {
    if (typeof options?.file !== 'string' || options.file === '') throw new Error('openEngine needs {file}')
    this.store = new Store(options.file)
    this.workingSetBytes = options.workingSetBytes ?? DEFAULT_WORKING_SET_BYTES
    // A crash during an earlier catch-up left documents to file: finish it in the background.
    if (textIndexing.background && this.store.fullText.needsWork) this.catchUpInBackground()
    void this.store.textIndexChecked.then(({outcome, findings}) => {
      if ((outcome !== 'rebuilt' && outcome !== 'damaged') || this.closed) return
      console.error(
        `lake: the full-text index of ${options.file} failed its integrity check (${findings!.slice(0, 3).join('; ')}); ` +
          (outcome === 'rebuilt'
            ? 'it is being rebuilt in the background (searches stay exact meanwhile)'
            : 'it is not used until the lake restarts (searches stay exact, unnarrowed)'),
      )
      if (outcome === 'rebuilt' && textIndexing.background) this.catchUpInBackground()
    })
    this.warmedUp = warmUpSettings.enabled ? this.warmUp() : Promise.resolve()
    // A path index's build (path-indexes.ts) holds SQLite's write lock in a worker: it starts only
    // while no write is being prepared or committed, and writes arriving meanwhile wait for it.
    this.store.pathIndexes.mayStart = () => !this.draining && !this.closed
  }

  // ---- index warm-up (warm-up.ts) ----

  /** Resolves when the indexes earlier runs built are built again (or the engine closed); never rejects. */
  readonly warmedUp: Promise<void>
  private readonly pendingHints = new Map<string, Set<string>>()
  private hintFlush: NodeJS.Timeout | null = null

  private async warmUp(): Promise<void> {
    try {
      // After the integrity check: a first query waiting for its verdict is answered as soon as it
      // passes, not after a warm-up step (its continuation runs before this one's).
      await this.intact()
      const byDataset = new Map<string, string[]>()
      for (const {dataset, hint} of this.store.indexHints()) byDataset.set(dataset, [...(byDataset.get(dataset) ?? []), hint])
      for (const [dataset, hints] of byDataset) {
        if (this.closed || !isValidDatasetName(dataset)) continue
        // Known hints are not written again when the warm-up (or a query) builds their index.
        await new Promise((resolve) => setImmediate(resolve))
        if (this.closed) return
        for (const hint of hints) this.documents(dataset).hinted.add(hint)
        await warmUp(hints, () => this.documents(dataset), () => !this.closed)
      }
    } catch (error) {
      // A damaged store is reported by every query and write (intact()); the warm-up only stops.
      if (!this.closed && !(error instanceof DamagedDatabaseError)) console.error('lake: index warm-up failed', error)
    }
  }

  private noteHint(dataset: string, hint: string): void {
    let pending = this.pendingHints.get(dataset)
    if (!pending) this.pendingHints.set(dataset, (pending = new Set()))
    pending.add(hint)
    if (this.hintFlush) return
    this.hintFlush = setTimeout(() => {
      this.hintFlush = null
      this.intact().then(
        () => this.flushHints(),
        () => undefined,
      )
    }, 1000)
    this.hintFlush.unref()
  }

  private flushHints(closing = false): void {
    if (this.closed) return
    // Not while a path index is built (the write would wait on its lock, the event loop blocked): after it.
    if (this.store.pathIndexes.busy && !closing) {
      void this.store.pathIndexes.idle().then(() => this.flushHints())
      return
    }
    for (const [dataset, hints] of this.pendingHints) {
      try {
        this.store.noteIndexHints(dataset, [...hints])
      } catch (error) {
        if (!(error instanceof DamagedDatabaseError)) console.error('lake: could not keep index hints', error)
      }
    }
    this.pendingHints.clear()
  }

  // ---- reading ----

  async query(dataset: string, query: string, params: Record<string, unknown>, options: QueryOptions = {}): Promise<QueryResult> {
    const started = performance.now()
    let answer: QueryResult
    try {
      answer = await this.evaluate(dataset, query, params, options, started)
    } catch (error) {
      // Reading a damaged store may fail before its check has finished: the check's verdict comes first.
      await this.intact()
      throw error
    }
    // The store opens while its integrity check runs (integrity.ts): no answer before it passed.
    await this.intact()
    return answer
  }

  /** Resolves once the store's integrity check has passed; throws DamagedDatabaseError if it failed. */
  async intact(): Promise<void> {
    const {integrity} = this.store
    if (!integrity.done) await integrity.settled
    integrity.assert()
  }

  private async evaluate(dataset: string, query: string, params: Record<string, unknown>, options: QueryOptions, started: number): Promise<QueryResult> {
    const documents = this.documents(dataset)
    const {compiled, params: checkedParams} = prepareQuery(query, params)
    const access = options.access === 'public' ? 'public' : 'all'
    const perspective = resolvePerspective(options.perspective)
    const view = documents.view(perspective, {access, includeVersions: options.includeVersions !== false})
    const tracker = options.trackReads ? new ReadTracker() : undefined
    const text = this.store.fullText.search(dataset, {overlaid: perspective.kind === 'stack'})
    // A first read of a path without its SQLite index waits for a worker instead of reading every
    // document here (withPathReads): the evaluation then runs again, on the same snapshot.
    const result = await withPathReads(() => evaluateQuery(query, compiled, {view, params: checkedParams, identity: options.identity, tracker, text}))
    const ms = Math.round((performance.now() - started) * 100) / 100
    if (!tracker) return {result, ms}
    for (const read of tracker.documents.values()) read.document = documentOf(read.document)
    return {result, ms, readSet: {scans: compiled.dependencies, documents: tracker.documents, missing: tracker.missing}}
  }

  getDocuments(dataset: string, ids: string[]): (SanityDocument | null)[] {
    this.store.integrity.assert()
    const documents = this.documents(dataset)
    if (!Array.isArray(ids)) throw badRequest('Expected an array of document ids')
    return ids.map((id) => (typeof id === 'string' ? (documents.get(id) ?? null) : null))
  }

  async matches(filterQuery: string, params: Record<string, unknown>, document: SanityDocument): Promise<boolean> {
    const prepared = prepareQuery(filterQuery, params)
    return matchesDocument(filterQuery, prepared.compiled, prepared.params, document)
  }

  datasets(): string[] {
    this.assertOpen()
    this.store.integrity.assert()
    return this.store.datasets()
  }

  // ---- writing ----

  mutate(dataset: string, mutations: Mutation[], options: CommitOptions): Promise<CommitResult> {
    // A large transaction of whole documents (an import through the API: `sanity dataset import`
    // sends such) files its full-text entries afterwards, in the background, as a bulk import does:
    // tokenising was about a third of its commit. `match` stays exact meanwhile (documents not filed
    // yet are all candidates, fts.ts), and what is pending is noted durably in the same commit.
    const bulk = !options.dryRun && mutations.length >= BULK_MUTATION_MIN && mutations.every(isWholeDocument)
    const done = this.transact(dataset, options, (context) => applyMutations(mutations, context), {deferTextIndex: bulk})
    if (!bulk) return done
    return done.finally(() => {
      if (!textIndexing.background || this.closed) return
      // Another such transaction usually follows (an import through the API): the catch-up waits
      // for a pause in them, as it waits for the end of a bulk import (filing between them would
      // rewrite the same word lists again and again, and slow them down).
      if (this.bulkCatchUp) clearTimeout(this.bulkCatchUp)
      this.bulkCatchUp = setTimeout(() => {
        this.bulkCatchUp = null
        if (!this.closed) this.catchUpInBackground()
      }, BULK_CATCH_UP_DELAY_MS)
      this.bulkCatchUp.unref()
    })
  }

  async act(dataset: string, actions: Action[], options: CommitOptions): Promise<{transactionId: string}> {
    const {transactionId} = await this.transact(dataset, options, (context) => runActions(actions, context))
    return {transactionId}
  }

  /**
   * Runs `body` against a fresh working set and commits its changes as one transaction. Any error
   * leaves storage, cache and listeners untouched. Transactions run one at a time in arrival order;
   * those queued while others are prepared are committed together (see drainWrites).
   */
  transact(dataset: string, options: CommitOptions, body: TransactionBody, internal: {deferTextIndex?: boolean} = {}): Promise<CommitResult> {
    this.assertOpen()
    return new Promise<CommitResult>((resolve, reject) => {
      this.writes.push({dataset, options, body, deferTextIndex: internal.deferTextIndex === true, resolve, reject})
      if (!this.draining) void this.drainWrites()
    })
  }

  /**
   * Group commit: takes queued transactions one by one, runs each body against the committed
   * documents plus the changes of the transactions before it in the group (nothing is visible to
   * readers yet), then writes the whole group in one SQLite transaction — one WAL fsync instead of
   * one per transaction — and only then applies it to the cache, notifies listeners and resolves
   * each transaction's promise. A transaction that arrives while nothing else is queued is committed
   * on its own at once, so a single writer waits for nothing.
   */
  private async drainWrites(): Promise<void> {
    this.draining = true
    try {
      while (this.writes.length > 0) {
        // A path index being built holds SQLite's write lock: the writes wait here, without
        // blocking the event loop, and are committed (then acknowledged) once it is done.
        await this.store.pathIndexes.idle()
        const group = new WriteGroup()
        for (;;) {
          while (this.writes.length > 0 && group.accepts(this.writes[0])) await this.prepareWrite(this.writes.shift()!, group)
          // Closed, or the next one commits alone (an import batch): this group goes now.
          if (group.members.length === 0 || !group.open || this.writes.length > 0) break
          // Requests that have arrived but not been read yet (HTTP) may join: one turn of the event loop.
          await new Promise((resolve) => setImmediate(resolve))
          if (this.writes.length === 0) break
        }
        this.commitGroup(group)
      }
    } finally {
      this.draining = false
      // Index builds wait for a moment without writes.
      if (!this.closed) this.store.pathIndexes.kick()
    }
  }

  private async prepareWrite(request: QueuedWrite, group: WriteGroup): Promise<void> {
    try {
      const {dataset, options, body} = request
      await this.intact()
      const documents = this.documents(dataset)
      const transactionId = this.newTransactionId(dataset, options?.transactionId, group)
      const author = typeof options?.author === 'string' ? options.author : ''
      const timestamp = new Date().toISOString()
      // What the transactions before this one in the group left (not committed yet).
      const base = group.overlay(dataset)
      const workingSet = base
        ? new WorkingSet(
            (id) => base.get(id) ?? undefined,
            () => base.all(),
          )
        : new WorkingSet(
            (id) => documents.get(id),
            () => documents.all(),
          )
      const outcome = await body({
        workingSet,
        transactionId,
        timestamp,
        resolveQuery: (query, params, index) => this.resolveQueryTargets(workingSet, query, params, index),
        // History is read from storage: the group's transactions so far are committed first.
        documentAt: (id, at) => {
          this.commitGroup(group)
          return documentAt(this.store, dataset, id, at)
        },
      })
      const changes = workingSet.changes()
      const result: CommitResult = {
        transactionId,
        results: outcome.results,
        documents: outcome.results.map(({id}) => workingSet.get(id)),
      }
      if (options?.dryRun) return request.resolve(result)
      const transaction: Transaction = {id: transactionId, dataset, timestamp, author, mutations: outcome.applied, changes}
      group.add({request, transaction, documents, result, deferTextIndex: request.deferTextIndex, resolve: request.resolve, reject: request.reject})
    } catch (error) {
      request.reject(error)
    }
  }

  /** Writes the group's transactions durably, then applies, announces and acknowledges them in order. */
  private commitGroup(group: WriteGroup): void {
    const members = group.take()
    if (members.length === 0) return
    let texts: Map<object, DocumentText>[]
    try {
      // The transaction itself (changes with `before`): commit hooks (the live event log) read it.
      texts = this.store.commitGroup(members.map((member) => ({tx: member.transaction, deferTextIndex: member.deferTextIndex})))
    } catch (error) {
      if (members.length === 1) return members[0].reject(error)
      // One of them may be at fault (a commit hook refusing it): commit them one at a time, in order.
      // Those after a failed one were prepared on top of its changes: they go back to the front of
      // the queue and are prepared again on what was actually committed (not failed for another's fault).
      for (const [index, member] of members.entries()) {
        let single: Map<object, DocumentText>
        try {
          single = this.store.commit(member.transaction, {deferTextIndex: member.deferTextIndex})
        } catch (failure) {
          member.reject(failure)
          this.writes.unshift(...members.slice(index + 1).map((rest) => rest.request))
          if (!this.draining && this.writes.length > 0) void this.drainWrites()
          break
        }
        this.finishWrite(member, single)
      }
      return
    }
    for (const [index, member] of members.entries()) this.finishWrite(member, texts[index])
  }

  /** After the durable commit: the cache, listeners, the caller. Never throws (the write loop goes on). */
  private finishWrite(member: PreparedWrite, texts: Map<object, DocumentText>): void {
    const {transaction} = member
    try {
      // An import batch (or a large whole-document transaction, whose text indexing is deferred too) is a bulk change.
      member.documents.apply(transaction.changes, texts, {bulk: member.deferTextIndex})
      // Commits add segments to the persisted word lists: compacted in the background now and then.
      if (textIndexing.background && !member.deferTextIndex && this.store.fullText.needsWork) this.catchUpInBackground()
    } catch (error) {
      return member.reject(error)
    }
    // The same object the commit hooks saw (the live event log finds its event by it). An import's
    // raw documents are parsed only if a listener reads past their system fields.
    this.notify(transaction)
    member.resolve(member.result)
  }

  private async resolveQueryTargets(workingSet: WorkingSet, query: string, params: Record<string, unknown>, index: number): Promise<string[]> {
    let result: unknown
    try {
      const prepared = prepareQuery(query, params)
      result = await evaluateQuery(query, prepared.compiled, {view: new ViewIndex(workingSet.all()), params: prepared.params})
    } catch (error) {
      if (error instanceof LakeError) throw invalidMutation(index, `Invalid mutation query: ${error.message}`)
      throw error
    }
    const docs = Array.isArray(result) ? result : result === null || result === undefined ? [] : [result]
    if (docs.length > MAX_QUERY_TARGETS) {
      throw invalidMutation(index, `The mutation query matched ${docs.length} documents; at most ${MAX_QUERY_TARGETS} are allowed per transaction`)
    }
    const ids: string[] = []
    for (const doc of docs) {
      const id = (doc as {_id?: unknown} | null)?._id
      if (typeof id !== 'string') throw invalidMutation(index, 'The mutation query must return documents (with _id)')
      if (!ids.includes(id)) ids.push(id)
    }
    return ids
  }

  private newTransactionId(dataset: string, requested: unknown, group: WriteGroup): string {
    if (requested === undefined || requested === null || requested === '') return generateTransactionId()
    if (!isValidTransactionId(requested)) {
      throw badRequest(`Invalid transactionId ${JSON.stringify(requested)}: use 1-128 characters of a-zA-Z0-9._-`)
    }
    if (this.store.hasTransaction(dataset, requested) || group.hasTransaction(dataset, requested)) {
      throw new LakeError(409, {
        error: {type: 'conflictError', description: `Transaction ID "${requested}" has already been used in dataset "${dataset}"`},
      })
    }
    return requested
  }

  private notify(transaction: Transaction): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(transaction)
      } catch (error) {
        // A failing listener must not undo or hide a committed transaction from other listeners.
        console.error('lake: transaction listener failed', error)
      }
    }
  }

  subscribe(listener: (tx: Transaction) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  attachLog(setup: (db: SqliteDatabase) => ((tx: Transaction, seq: number) => void) | void): void {
    this.assertOpen()
    // The engine commits only `Transaction`s, so the hook is given the object subscribers get.
    this.store.attach((db) => setup(db) as ((tx: StoredTransaction, seq: number) => void) | void)
  }

  transactionsFrom(dataset: string, transactionId: string, limit: number): Transaction[] | null {
    this.checkDataset(dataset)
    return transactionsFrom(this.store, dataset, transactionId, limit)
  }

  // ---- history ----

  history(dataset: string, documentIds: string[], query: HistoryQuery = {}) {
    this.checkDataset(dataset)
    this.store.integrity.assert()
    return history(this.store, dataset, documentIds, query)
  }

  documentAt(dataset: string, id: string, at: {revision?: string; time?: string; lastRevision?: boolean}): SanityDocument | null {
    this.checkDataset(dataset)
    this.store.integrity.assert()
    return documentAt(this.store, dataset, id, at)
  }

  // ---- import / export ----

  exportDocuments(dataset: string): Iterable<SanityDocument> {
    // The handles of this moment: a commit during a slow export pins what they showed.
    this.store.integrity.assert()
    return exportDocuments(this.documents(dataset).all())
  }

  importDocuments(
    dataset: string,
    documents: Iterable<ImportItem> | AsyncIterable<ImportItem>,
    options: {mode: ImportMode; author: string; onProgress?: (count: number) => void; batch?: ImportBatchLimits},
  ): Promise<{count: number}> {
    this.checkDataset(dataset)
    // The full-text index is filed after the import, in the background (deferred, see fts.ts):
    // until then the imported documents are all `match` candidates, so answers stay exact.
    // The catch-up waits while imports run (it would file their batches one by one in between).
    this.importing++
    this.store.beginBulkWrites()
    return importDocuments(documents, options, (batch) =>
      this.transact(dataset, {author: options.author}, batch, {deferTextIndex: true}).then(() => undefined),
    ).finally(() => {
      this.importing--
      if (!this.closed) this.store.endBulkWrites()
      if (textIndexing.background) this.catchUpInBackground()
    })
  }

  /**
   * Files the documents the full-text index is behind for (after an import, or left pending by a
   * crash) and compacts the persisted word lists, a step at a time between other work. Resolves when
   * it is done (or the engine closed; a background run also pauses while an import runs).
   */
  catchUpTextIndex(explicit = true): Promise<void> {
    if (!this.textCatchUp) {
      let paused = false
      // Many documents behind (an import): read and tokenised in a worker, a page ahead of the
      // steps that write them here (text-catch-up.ts); the rest as before, on this thread.
      let reader: CatchUpReader | null = null
      let useWorker = true
      let page: TokenizedDocument[] = []
      let at = 0
      let filedByPass = 0
      this.textCatchUp = (async () => {
        await this.intact()
        while (!this.closed && this.store.fullText.needsWork) {
          await new Promise((resolve) => setImmediate(resolve))
          if (this.closed) break
          if ((this.importing > 0 || this.bulkCatchUp) && !explicit) {
            paused = true
            break
          }
          // Writes first: a group waiting a turn of the event loop (drainWrites) is not held up by a step.
          if (this.draining) continue
          if (this.store.pathIndexes.busy) {
            await this.store.pathIndexes.idle()
            continue
          }
          if (at < page.length) {
            const behind = this.store.fullText.behind
            at = this.store.fileTokenized(page, at, TEXT_CATCH_UP_WRITE_STEP_MS)
            filedByPass += behind - this.store.fullText.behind
            continue
          }
          if (!reader && useWorker && this.store.fullText.behind >= textIndexing.workerMin) {
            reader = this.textReader = this.store.textCatchUpReader()
            filedByPass = 0
            if (!reader) useWorker = false
            // As during an import: WAL checkpoints on the checkpointer's worker, not inside a step's commit here.
            else this.store.beginBulkWrites()
          }
          if (reader) {
            let next: TokenizedDocument[] | null
            try {
              next = await reader.take()
            } catch (error) {
              if (!this.closed) console.error('lake: the full-text catch-up worker failed; catching up on the lake thread', error)
              next = null
              useWorker = false
            }
            page = next ?? []
            at = 0
            if (next === null) {
              reader.close()
              reader = this.textReader = null
              this.store.endBulkWrites()
              // A pass that filed nothing (every document changed under it) is not repeated.
              if (filedByPass === 0) useWorker = false
            }
            continue
          }
          this.store.catchUpTextIndex(TEXT_CATCH_UP_STEP_MS)
        }
      })().finally(() => {
        if (reader) {
          reader.close()
          this.textReader = null
          if (!this.closed) this.store.endBulkWrites()
        }
        this.textCatchUp = null
        // Paused for an import that has ended meanwhile (its own restart found this one still running).
        if (paused && !this.closed && this.importing === 0 && !this.bulkCatchUp && textIndexing.background) this.catchUpInBackground()
      })
    }
    return this.textCatchUp
  }

  private catchUpInBackground(): void {
    this.catchUpTextIndex(false).catch((error) => {
      // A damaged store is reported by every query and write (intact()); nothing to add here.
      // (Nor when the engine closed under it.)
      if (!(error instanceof DamagedDatabaseError) && !this.closed) console.error('lake: full-text catch-up failed', error)
    })
  }

  /** How many stored documents the full-text index has not filed yet (see catchUpTextIndex). */
  get textIndexBehind(): number {
    return this.store.fullText.behind
  }

  /** How much of a dataset is parsed in memory: documents parsed from SQLite so far, and the working set's size. */
  workingSet(dataset: string): {documents: number; parsed: number; cachedBytes: number; budgetBytes: number; indexBuilds: number} {
    const documents = this.documents(dataset)
    return {documents: documents.size, parsed: documents.parsed, cachedBytes: documents.cache.bytes, budgetBytes: documents.cache.budget, indexBuilds: documents.indexBuilds}
  }

  // ---- lifecycle ----

  /**
   * close(), once the work that runs on connections of its own (a path's first read or index build,
   * path-indexes.ts) has ended: the lake server's shutdown. close() alone leaves such a build to
   * finish by itself (or die with the process), writing into the store's folder meanwhile.
   */
  async closeWhenSettled(): Promise<void> {
    // Also after a plain close(): then it waits for what that close left running.
    await this.store.pathIndexes.quiesce()
    this.close()
  }

  close(): void {
    if (this.closed) return
    if (this.hintFlush) clearTimeout(this.hintFlush)
    this.hintFlush = null
    if (this.bulkCatchUp) clearTimeout(this.bulkCatchUp)
    this.bulkCatchUp = null
    // Hints noted since the last flush, if the store may be written (its check passed).
    // (A path index's build may hold the lock: the lake is closing, so waiting on it here hurts no reader.)
    if (this.store.integrity.done && this.pendingHints.size > 0) this.flushHints(true)
    this.closed = true
    this.listeners.clear()
    for (const documents of this.caches.values()) documents.closed = true
    this.caches.clear()
    this.textReader?.close(true)
    this.store.close()
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The lake engine is closed')
  }

  private checkDataset(dataset: string): void {
    this.assertOpen()
    if (!isValidDatasetName(dataset)) {
      throw badRequest(`Invalid dataset name ${JSON.stringify(dataset)}: use 1-64 characters of a-z0-9_- starting with a letter or digit`)
    }
  }

  /** The dataset's documents, loaded from SQLite once and kept current by commits. */
  private documents(dataset: string): DatasetDocuments {
    this.checkDataset(dataset)
    let documents = this.caches.get(dataset)
    if (!documents) {
      const store = this.store
      documents = new DatasetDocuments(
        {
          documentJson: (id) => store.documentJson(dataset, id),
          column: (path, read, idOf) => store.column(dataset, path, OPAQUE, read, idOf),
          arrayColumn: (path, sub, each, read, idOf) => store.arrayColumn(dataset, path, sub, each, read, idOf),
          memberIds: (path, sub, value) => store.memberIds(dataset, path, sub, value),
          preparePath: (path, sub) => store.preparePath(dataset, path, sub),
        },
        store.skeleton(dataset),
        this.workingSetBytes,
      )
      documents.onHint = (hint) => this.noteHint(dataset, hint)
      this.caches.set(dataset, documents)
    }
    return documents
  }
}
