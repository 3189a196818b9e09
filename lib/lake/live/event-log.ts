/**
 * The Live Content API's event log: one event per committed transaction, naming the sync tags it
 * fired, kept durably in the lake's SQLite database (table `live_events`) so a client that
 * reconnects with `Last-Event-ID` gets exactly what it missed — also after the lake restarted.
 *
 * Durability: each event row is written by a commit hook inside the commit's own SQLite transaction
 * (Engine.attachLog), so an acknowledged write always has its event, and an event exists only for
 * a transaction that committed.
 *
 * Event ids are `<check>-<seq>`: `seq` is the transaction's position in the lake's log (global,
 * monotonic), `check` a short hash of that transaction's id. On resume the id must name a
 * transaction this store really has at that position (so an id from another data dir, from before
 * a `reset` or from a restored backup's abandoned timeline is not mistaken for a position) and
 * every event after it must still be kept; otherwise the stream answers `restart`.
 *
 * Pruning (the window a client can resume within): events of the last KEEP_MS (24 hours), at most
 * KEEP_EVENTS (10,000) of them; older rows are deleted every PRUNE_EVERY commits and at start.
 *
 * Each event keeps two tag lists: the public one (changes to public documents only, for anonymous
 * streams) and the full one (drafts, versions and private documents included, for `includeDrafts`
 * streams). A transaction firing more than MAX_TAGS_PER_EVENT tags (an import) is stored as
 * "restart" (no tag list): its streams are told to refetch everything.
 */
import {createHash} from 'node:crypto'
import type {Database} from 'better-sqlite3'
import {isPublicId} from '../engine/ids'
import type {Engine, Transaction} from '../engine/types'
import {tagsForChange, type SyncTag} from './sync-tags'

export interface LiveEvent {
  id: string
  dataset: string
  /** Tags fired by changes to public documents; empty when only private ones changed; null: restart. */
  publicTags: SyncTag[] | null
  /** Every tag fired; null when there were too many to name (the stream sends `restart`). */
  allTags: SyncTag[] | null
}

/** Resume window: events younger than this are kept... */
export const KEEP_MS = 24 * 3600_000
/** ...and at most this many of them. */
export const KEEP_EVENTS = 10_000
/** Pruning runs in every PRUNE_EVERY-th commit (and at start), not in every one. */
const PRUNE_EVERY = 256
/** A transaction firing more tags than this (an import) is announced as `restart`. */
export const MAX_TAGS_PER_EVENT = 1000
/**
 * Open `/data/live/events` streams the lake holds at once (all datasets). One more is answered
 * with `goaway`, as Sanity answers a client over its connection limit: next-sanity's SanityLive then
 * falls back to refreshing on an interval instead of holding a socket.
 */
export const DEFAULT_MAX_LIVE_STREAMS = 2000

const ID_PATTERN = /^([A-Za-z0-9]{1,16})-(\d{1,15})$/

/** The check part of an event id: a hash of the transaction id ('0' for the start of the log). */
function checkOf(transactionId: string | undefined): string {
  if (transactionId === undefined) return '0'
  return createHash('sha256').update(transactionId).digest('hex').slice(0, 10)
}

interface Row {
  seq: number
  dataset: string
  public_tags: string | null
  all_tags: string | null
  tx_id: string
}

function prepare(db: Database) {
  return {
    insert: db.prepare<[number, string, number, string, string | null, string | null]>(
      'INSERT INTO live_events (seq, dataset, at, tx_id, public_tags, all_tags) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    after: db.prepare<[string, number], Row>('SELECT seq, dataset, public_tags, all_tags, tx_id FROM live_events WHERE dataset = ? AND seq > ? ORDER BY seq'),
    next: db.prepare<[number], {seq: number; at: number}>('SELECT seq, at FROM live_events WHERE seq > ? ORDER BY seq LIMIT 1'),
    // The engine's log (read only): is this position a transaction of this store?
    txAt: db.prepare<[number], {id: string}>('SELECT id FROM transactions WHERE seq = ?'),
    head: db.prepare<[], {seq: number; id: string}>('SELECT seq, id FROM transactions ORDER BY seq DESC LIMIT 1'),
    prune: db.prepare<[number, number]>('DELETE FROM live_events WHERE at < ? OR seq <= (SELECT seq FROM live_events ORDER BY seq DESC LIMIT 1 OFFSET ?)'),
  }
}

export interface LiveEventLogOptions {
  maxStreams?: number
  keepMs?: number
  keepEvents?: number
  now?: () => number
}

export class LiveEventLog {
  readonly maxStreams: number
  private readonly keepMs: number
  private readonly keepEvents: number
  private readonly now: () => number
  private readonly subscribers = new Set<(event: LiveEvent) => void>()
  private readonly unsubscribe: () => void
  /** Events written by the commit hook, published once the commit is through (same object). */
  private readonly written = new WeakMap<Transaction, LiveEvent>()
  private statements!: ReturnType<typeof prepare>
  private headSeq = 0
  private headCheck = '0'
  private commits = 0
  private streams = 0

  constructor(engine: Pick<Engine, 'subscribe' | 'attachLog'>, options: LiveEventLogOptions = {}) {
    this.maxStreams = options.maxStreams ?? DEFAULT_MAX_LIVE_STREAMS
    this.keepMs = options.keepMs ?? KEEP_MS
    this.keepEvents = options.keepEvents ?? KEEP_EVENTS
    this.now = options.now ?? Date.now
    engine.attachLog((db) => {
      db.exec(`
        CREATE TABLE IF NOT EXISTS live_events (
          seq INTEGER PRIMARY KEY,  -- transactions.seq of the commit
          dataset TEXT NOT NULL,
          at INTEGER NOT NULL,      -- ms since the epoch
          tx_id TEXT NOT NULL,
          public_tags TEXT,         -- JSON array; NULL: too many tags (restart)
          all_tags TEXT
        );
      `)
      this.statements = prepare(db)
      const head = this.statements.head.get()
      if (head) {
        this.headSeq = head.seq
        this.headCheck = checkOf(head.id)
      }
      this.prune()
      return (tx, seq) => this.write(tx, seq)
    })
    this.unsubscribe = engine.subscribe((tx) => this.publish(tx))
  }

  /** Claims a stream slot; false when `maxStreams` are open (the caller sends `goaway`). */
  openStream(): boolean {
    if (this.streams >= this.maxStreams) return false
    this.streams += 1
    return true
  }

  closeStream(): void {
    this.streams = Math.max(0, this.streams - 1)
  }

  /** The id of the newest position in the log (which `welcome` and `restart` carry). */
  get head(): string {
    return `${this.headCheck}-${this.headSeq}`
  }

  /**
   * Events after `lastEventId` in the dataset, oldest first; null when that id cannot be resumed
   * from: malformed, not a position of this store's log, or older than the kept window.
   */
  since(lastEventId: string, dataset: string): LiveEvent[] | null {
    const match = ID_PATTERN.exec(lastEventId)
    if (!match) return null
    const seq = Number(match[2])
    if (seq > this.headSeq) return null
    const check = seq === 0 ? '0' : checkOf(this.statements.txAt.get(seq)?.id ?? '\u0000')
    if (check !== match[1]) return null
    if (seq < this.headSeq) {
      // Every event after `seq` must be kept and inside the window (rows are pruned only now and then).
      if (this.headSeq - seq > this.keepEvents) return null
      const next = this.statements.next.get(seq)
      if (!next || next.seq !== seq + 1 || next.at < this.now() - this.keepMs) return null
    }
    return this.statements.after.all(dataset, seq).map((row) => this.eventOf(row))
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.subscribers.add(listener)
    return () => this.subscribers.delete(listener)
  }

  close(): void {
    this.unsubscribe()
    this.subscribers.clear()
  }

  /** Inside the commit's SQLite transaction: the event row. */
  private write(tx: Transaction, seq: number): void {
    const publicTags = new Set<SyncTag>()
    const allTags = new Set<SyncTag>()
    // Every change fires its document's own tag: more changes than the limit are too many tags
    // without computing any (an import batch, whose documents would each be parsed for it).
    for (const change of tx.changes.length > MAX_TAGS_PER_EVENT ? [] : tx.changes) {
      if (allTags.size > MAX_TAGS_PER_EVENT) break
      const tags = tagsForChange(tx.dataset, change)
      for (const tag of tags) allTags.add(tag)
      if (isPublicId(change.id)) for (const tag of tags) publicTags.add(tag)
    }
    const tooMany = tx.changes.length > MAX_TAGS_PER_EVENT || allTags.size > MAX_TAGS_PER_EVENT
    const event: LiveEvent = {
      id: `${checkOf(tx.id)}-${seq}`,
      dataset: tx.dataset,
      // Too many: a restart for the streams that would have heard of it at all.
      publicTags: tooMany ? (tx.changes.some((change) => isPublicId(change.id)) ? null : []) : [...publicTags].sort(),
      allTags: tooMany ? null : [...allTags].sort(),
    }
    this.statements.insert.run(
      seq,
      tx.dataset,
      this.now(),
      tx.id,
      event.publicTags && JSON.stringify(event.publicTags),
      event.allTags && JSON.stringify(event.allTags),
    )
    this.commits += 1
    if (this.commits % PRUNE_EVERY === 0) this.prune()
    this.written.set(tx, event)
  }

  /** After the commit: the new head, and the event to the open streams. */
  private publish(tx: Transaction): void {
    const event = this.written.get(tx)
    if (!event) return
    const [check, seq] = event.id.split('-')
    this.headSeq = Number(seq)
    this.headCheck = check
    for (const subscriber of [...this.subscribers]) {
      try {
        subscriber(event)
      } catch (error) {
        console.error('lake: live event subscriber failed', error)
      }
    }
  }

  private prune(): void {
    this.statements.prune.run(this.now() - this.keepMs, this.keepEvents)
  }

  private eventOf(row: Row): LiveEvent {
    return {
      id: `${checkOf(row.tx_id)}-${row.seq}`,
      dataset: row.dataset,
      publicTags: row.public_tags === null ? null : (JSON.parse(row.public_tags) as SyncTag[]),
      allTags: row.all_tags === null ? null : (JSON.parse(row.all_tags) as SyncTag[]),
    }
  }
}
