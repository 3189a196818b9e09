/**
 * Fan-out of committed transactions to listeners (`/data/listen`).
 *
 * The engine calls us synchronously after each commit; we only enqueue there. Each listener drains
 * its own queue asynchronously, evaluating its GROQ filter per changed document, so commits never
 * wait for listeners and one slow listener (slow filter or slow socket) never delays another. A
 * listener whose socket cannot keep up is disconnected; Sanity clients reconnect on their own.
 */
import {isPublicId} from '../auth/access'
import type {Engine, SanityDocument, Transaction} from '../engine/types'
import {KEEP_EVENTS, KEEP_MS} from '../live/event-log'
import {mutationEvent, type ListenOptions, type Transition} from './events'

export interface ListenerSpec extends ListenOptions {
  dataset: string
  query: string
  params: Record<string, unknown>
  /** `public`: anonymous listener, sees only public (un-prefixed) documents. */
  access: 'all' | 'public'
  includeAllVersions: boolean
}

export interface ListenerSink {
  /** Writes one SSE event; returns the socket's buffered byte count afterwards. */
  send(event: string, data: unknown, id?: string): number
  /** Ends the stream (slow client or server shutdown). */
  end(reason: string): void
}

interface Queued {
  tx: Transaction
  /** Index of the first change still to deliver (a resume can start inside a transaction). */
  from: number
}

interface Listener {
  spec: ListenerSpec
  sink: ListenerSink
  queue: Queued[]
  draining: boolean
  closed: boolean
}

/**
 * Listeners resume within the same window as the Live Content API's event log: a transaction of
 * the last 24 hours, with at most 10,000 after it. The transactions come from the engine's durable
 * log, so a resume works across lake restarts.
 */

export class ListenHub {
  private readonly listeners = new Set<Listener>()
  private readonly unsubscribe: () => void

  constructor(
    private readonly engine: Engine,
    private readonly options: {maxBufferedBytes: number; log: (line: string) => void; resumeWindow?: {events?: number; ms?: number}},
  ) {
    this.unsubscribe = engine.subscribe((tx) => this.enqueue(tx))
  }

  get size(): number {
    return this.listeners.size
  }

  /**
   * Where a listener resumes from its last event id (`<transactionId>#<documentId>`): the events
   * after it, or null when that transaction is unknown or outside the resume window. Read from the
   * engine's log synchronously, so no commit falls between the replay and `add`.
   */
  resumePoint(lastEventId: string, dataset: string, now = Date.now()): Queued[] | null {
    const hash = lastEventId.indexOf('#')
    const txId = hash === -1 ? lastEventId : lastEventId.slice(0, hash)
    const docId = hash === -1 ? null : lastEventId.slice(hash + 1)
    if (txId === '') return null
    const transactions = this.engine.transactionsFrom(dataset, txId, this.options.resumeWindow?.events ?? KEEP_EVENTS)
    if (transactions === null || transactions.length === 0) return null
    const [tx, ...later] = transactions
    if (now - Date.parse(tx.timestamp) > (this.options.resumeWindow?.ms ?? KEEP_MS)) return null
    const position = docId === null ? -1 : tx.changes.findIndex((change) => change.id === docId)
    const rest = docId === null || position === -1 ? [] : [{tx, from: position + 1}]
    return [...rest, ...later.map((next) => ({tx: next, from: 0}))]
  }

  /** Adds a listener; `replay` (from resumePoint) is delivered before anything new. */
  add(spec: ListenerSpec, sink: ListenerSink, replay: Queued[] = []): () => void {
    const listener: Listener = {spec, sink, queue: [...replay], draining: false, closed: false}
    this.listeners.add(listener)
    if (replay.length > 0) this.kick(listener)
    return () => {
      listener.closed = true
      listener.queue.length = 0
      this.listeners.delete(listener)
    }
  }

  close(): void {
    this.unsubscribe()
    for (const listener of this.listeners) {
      listener.closed = true
      listener.sink.end('server shutting down')
    }
    this.listeners.clear()
  }

  private enqueue(tx: Transaction) {
    for (const listener of this.listeners) {
      if (listener.spec.dataset !== tx.dataset) continue
      listener.queue.push({tx, from: 0})
      this.kick(listener)
    }
  }

  private kick(listener: Listener) {
    if (listener.draining) return
    listener.draining = true
    setImmediate(() => void this.drain(listener))
  }

  private async drain(listener: Listener) {
    try {
      while (!listener.closed && listener.queue.length > 0) {
        const {tx, from} = listener.queue.shift() as Queued
        await this.deliver(listener, tx, from)
      }
    } catch (error) {
      this.options.log(`lake: listener failed: ${(error as Error).message}`)
      listener.sink.end('internal error')
      listener.closed = true
      this.listeners.delete(listener)
    } finally {
      listener.draining = false
    }
  }

  /** A filter that fails on one document (e.g. a type error) simply does not match it. */
  private async matches(spec: ListenerSpec, document: SanityDocument): Promise<boolean> {
    try {
      return await this.engine.matches(spec.query, spec.params, document)
    } catch {
      return false
    }
  }

  private async deliver(listener: Listener, tx: Transaction, from: number) {
    const {spec} = listener
    for (const [index, change] of tx.changes.entries()) {
      if (index < from) continue
      if (listener.closed) return
      if (spec.access === 'public' && !isPublicId(change.id)) continue
      if (!spec.includeAllVersions && change.id.startsWith('versions.')) continue
      const matchedBefore = change.before ? await this.matches(spec, change.before) : false
      const matchedAfter = change.after ? await this.matches(spec, change.after) : false
      if (!matchedBefore && !matchedAfter) continue
      const transition: Transition = matchedBefore && matchedAfter ? 'update' : matchedAfter ? 'appear' : 'disappear'
      const event = mutationEvent(tx, change, index, transition, spec)
      const buffered = listener.sink.send('mutation', event, event.eventId)
      if (buffered > this.options.maxBufferedBytes) {
        listener.closed = true
        this.listeners.delete(listener)
        listener.sink.end('listener too slow to keep up')
        return
      }
    }
  }
}
