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

interface Listener {
  spec: ListenerSpec
  sink: ListenerSink
  queue: Transaction[]
  draining: boolean
  closed: boolean
}

export class ListenHub {
  private readonly listeners = new Set<Listener>()
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

  add(spec: ListenerSpec, sink: ListenerSink): () => void {
    const listener: Listener = {spec, sink, queue: [], draining: false, closed: false}
    this.listeners.add(listener)
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
      listener.queue.push(tx)
      if (!listener.draining) {
        listener.draining = true
        setImmediate(() => void this.drain(listener))
      }
    }
  }

  private async drain(listener: Listener) {
    try {
      while (!listener.closed && listener.queue.length > 0) {
        const tx = listener.queue.shift() as Transaction
        await this.deliver(listener, tx)
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

  private async deliver(listener: Listener, tx: Transaction) {
    const {spec} = listener
    for (const [index, change] of tx.changes.entries()) {
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
