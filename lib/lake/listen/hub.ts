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

/** Transactions kept for listeners that resume (`enableResume` + `Last-Event-ID`). */
const RESUME_CAPACITY = 2000

export class ListenHub {
  private readonly listeners = new Set<Listener>()
  private readonly recent: Transaction[] = []
  private readonly unsubscribe: () => void

  constructor(
    private readonly engine: Engine,
    private readonly options: {maxBufferedBytes: number; log: (line: string) => void},
  ) {
    this.unsubscribe = engine.subscribe((tx) => this.enqueue(tx))
  }

  get size(): number {
    return this.listeners.size
  }

  /**
   * Where a listener resumes from its last event id (`<transactionId>#<documentId>`): the events
   * after it, or null when that transaction is unknown (too old, or from before a restart).
   */
  resumePoint(lastEventId: string, dataset: string): Queued[] | null {
    const hash = lastEventId.indexOf('#')
    const txId = hash === -1 ? lastEventId : lastEventId.slice(0, hash)
    const docId = hash === -1 ? null : lastEventId.slice(hash + 1)
    const index = this.recent.findIndex((tx) => tx.id === txId && tx.dataset === dataset)
    if (index === -1) return null
    const tx = this.recent[index]
    const position = docId === null ? -1 : tx.changes.findIndex((change) => change.id === docId)
    const rest = docId === null || position === -1 ? [] : [{tx, from: position + 1}]
    return [...rest, ...this.recent.slice(index + 1).filter((later) => later.dataset === dataset).map((later) => ({tx: later, from: 0}))]
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
    this.recent.push(tx)
    if (this.recent.length > RESUME_CAPACITY) this.recent.splice(0, this.recent.length - RESUME_CAPACITY)
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
