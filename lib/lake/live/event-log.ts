/**
 * The Live Content API's event log: one event per committed transaction, naming the sync tags it
 * fired, kept in memory so a client that reconnects with `Last-Event-ID` gets what it missed.
 *
 * Event ids are `<boot>-<sequence>`: the boot part changes with every lake start, so an id from an
 * earlier run, or one older than the log keeps, is recognised as unresumable, and the stream
 * answers `restart` (refetch everything) instead of silently skipping changes. Each event keeps
 * two tag lists: the public one (changes to public documents only, for anonymous streams) and the
 * full one (drafts, versions and private documents included, for `includeDrafts` streams).
 */
import {randomBytes} from 'node:crypto'
import {isPublicId} from '../engine/ids'
import type {Engine, Transaction} from '../engine/types'
import {tagsForChange, type SyncTag} from './sync-tags'

export interface LiveEvent {
  id: string
  dataset: string
  /** Tags fired by changes to public documents; empty when only private ones changed. */
  publicTags: SyncTag[]
  allTags: SyncTag[]
}

/** Enough for a client offline for a while on a busy dataset; older ids get `restart`. */
const DEFAULT_CAPACITY = 5000
/** A transaction firing more tags than this (an import) is announced as `restart`. */
export const MAX_TAGS_PER_EVENT = 1000
/**
 * Open `/data/live/events` streams the lake holds at once (all datasets). One more is answered
 * with `goaway`, as Sanity answers a client over its connection limit: next-sanity's SanityLive then
 * falls back to refreshing on an interval instead of holding a socket.
 */
export const DEFAULT_MAX_LIVE_STREAMS = 2000

export class LiveEventLog {
  readonly boot = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x')
  private readonly events: LiveEvent[] = []
  private sequence = 0
  private readonly subscribers = new Set<(event: LiveEvent) => void>()
  private readonly unsubscribe: () => void
  private streams = 0

  constructor(
    engine: Pick<Engine, 'subscribe'>,
    private readonly capacity = DEFAULT_CAPACITY,
    readonly maxStreams = DEFAULT_MAX_LIVE_STREAMS,
  ) {
    this.unsubscribe = engine.subscribe((tx) => this.record(tx))
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

  /** The id of the newest event ('<boot>-0' before any), which a `restart` carries. */
  get head(): string {
    return `${this.boot}-${this.sequence}`
  }

  /**
   * Events after `lastEventId` in the dataset, oldest first; null when that id cannot be resumed
   * from (another boot, too old, or malformed).
   */
  since(lastEventId: string, dataset: string): LiveEvent[] | null {
    const match = /^([A-Za-z0-9]+)-(\d{1,15})$/.exec(lastEventId)
    if (!match || match[1] !== this.boot) return null
    const seq = Number(match[2])
    if (seq > this.sequence) return null
    const oldest = this.sequence - this.events.length
    if (seq < oldest) return null
    return this.events.slice(seq - oldest).filter((event) => event.dataset === dataset)
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.subscribers.add(listener)
    return () => this.subscribers.delete(listener)
  }

  close(): void {
    this.unsubscribe()
    this.subscribers.clear()
  }

  private record(tx: Transaction): void {
    const publicTags = new Set<SyncTag>()
    const allTags = new Set<SyncTag>()
    for (const change of tx.changes) {
      const tags = tagsForChange(tx.dataset, change)
      for (const tag of tags) allTags.add(tag)
      if (isPublicId(change.id)) for (const tag of tags) publicTags.add(tag)
    }
    this.sequence += 1
    const event: LiveEvent = {id: this.head, dataset: tx.dataset, publicTags: [...publicTags].sort(), allTags: [...allTags].sort()}
    this.events.push(event)
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity)
    for (const subscriber of [...this.subscribers]) {
      try {
        subscriber(event)
      } catch (error) {
        console.error('lake: live event subscriber failed', error)
      }
    }
  }
}
