/**
 * Webhooks: after each committed transaction, every changed PUBLIC document (no `drafts.` /
 * `versions.` prefix and no private dot prefix such as `contact.` or `pingback.`) is announced to
 * each configured URL — plus, per target, private documents of the types it opts into
 * (`privateTypes`) — with a POST whose JSON body is:
 *
 *   {
 *     _id: string,                 // the published document id
 *     _type: string,               // its type (from the new version, or the deleted one)
 *     operation: 'create' | 'update' | 'delete',
 *     slug?: string,               // after?.slug?.current ?? before?.slug?.current
 *     previousSlug?: string,       // before?.slug?.current, only when it differs from `slug`
 *     transactionId: string,
 *     timestamp: string            // ISO time of the transaction
 *   }
 *
 * signed like Sanity's GROQ webhooks: header `sanity-webhook-signature` from `@sanity/webhook`'s
 * `encodeSignatureHeader(body, Date.now(), secret)`; receivers verify with `isValidSignature`.
 * The site's /api/revalidate and /api/webhooks/mentions read this payload.
 *
 * Delivery happens in the background (the commit never waits) with retries and exponential backoff
 * on network errors, timeouts, 408, 429 and 5xx. Any other 4xx is final — the receiver says this
 * request will never be accepted (a wrong secret, a bad payload) — and so is running out of
 * attempts: such a delivery is logged and kept in the outbox as failed (`outbox.failed()`), for an
 * operator to see and put back in line (`retryFailed()`), never silently dropped. Every delivery is first written
 * to the outbox (outbox.ts, in the lake's database) right after the commit, so one still pending when
 * the lake stops — or the site is down — is resumed at the next start: no publish is lost between
 * the lake and the site. (The one gap: a crash between the engine's commit and the outbox write, a
 * few microseconds of synchronous code.) Deliveries to one URL go out in commit order.
 */
import {encodeSignatureHeader} from '@sanity/webhook'
import {isPublicId} from '../auth/access'
import {WEBHOOK_FIRST_BACKOFF_MS, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_MAX_BACKOFF_MS, WEBHOOK_TIMEOUT_MS} from '../config'
import type {DocumentChange, Engine, SanityDocument, Transaction} from '../engine/types'
import {WebhookOutbox, type DeliveryRow} from './outbox'

export interface WebhookTarget {
  url: string
  secret: string
  /**
   * Types whose documents with a private id (`pingback.…`) are announced to this target too, like a
   * hosted Sanity webhook whose filter selects them. Drafts and release versions never are.
   */
  privateTypes?: readonly string[]
}

export interface WebhookPayload {
  _id: string
  _type: string
  operation: 'create' | 'update' | 'delete'
  slug?: string
  previousSlug?: string
  transactionId: string
  timestamp: string
}

export const SIGNATURE_HEADER = 'sanity-webhook-signature'

function slugOf(doc: SanityDocument | null): string | undefined {
  const slug = doc?.slug as {current?: unknown} | undefined
  return typeof slug?.current === 'string' ? slug.current : undefined
}

function announced(id: string, type: string, privateTypes: readonly string[]): boolean {
  if (isPublicId(id)) return true
  return !id.startsWith('drafts.') && !id.startsWith('versions.') && privateTypes.includes(type)
}

export function webhookPayloads(tx: Transaction, privateTypes: readonly string[] = []): WebhookPayload[] {
  return tx.changes.flatMap((change: DocumentChange) => {
    if (!change.before && !change.after) return []
    const doc = (change.after ?? change.before) as SanityDocument
    if (!announced(change.id, doc._type, privateTypes)) return []
    const operation = !change.before ? 'create' : !change.after ? 'delete' : 'update'
    const slug = slugOf(change.after) ?? slugOf(change.before)
    const previous = slugOf(change.before)
    return [
      {
        _id: change.id,
        _type: doc._type,
        operation,
        ...(slug !== undefined ? {slug} : {}),
        ...(previous !== undefined && previous !== slug ? {previousSlug: previous} : {}),
        transactionId: tx.id,
        timestamp: tx.timestamp,
      } satisfies WebhookPayload,
    ]
  })
}

export interface WebhookOptions {
  log: (line: string) => void
  maxAttempts?: number
  firstBackoffMs?: number
  timeoutMs?: number
}

export interface DurableWebhookOptions extends WebhookOptions {
  /** Where deliveries wait (the lake's database); default an in-memory one. */
  outbox?: WebhookOutbox
}

export class WebhookDispatcher {
  private readonly unsubscribe: () => void
  private readonly abort = new AbortController()
  private readonly outbox: WebhookOutbox
  private readonly ownsOutbox: boolean
  private readonly targetsByUrl: Map<string, WebhookTarget>
  private pumping: Promise<void> | null = null
  private again = false
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    engine: Engine,
    targets: WebhookTarget[],
    private readonly options: DurableWebhookOptions,
  ) {
    for (const target of targets) {
      const url = new URL(target.url)
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Webhook URL must be http(s): ${target.url}`)
      if (!target.secret) throw new Error(`Webhook ${target.url} needs a secret to sign its payloads`)
    }
    this.targetsByUrl = new Map(targets.map((target) => [target.url, target]))
    this.ownsOutbox = !options.outbox
    this.outbox = options.outbox ?? new WebhookOutbox(':memory:')
    this.unsubscribe = targets.length ? engine.subscribe((tx) => this.onTransaction(tx)) : () => {}
    // Deliveries left over from the previous run.
    const left = this.outbox.pending()
    if (left > 0) options.log(`lake: resuming ${left} pending webhook deliver${left === 1 ? 'y' : 'ies'}`)
    this.kick()
  }

  private onTransaction(tx: Transaction) {
    const deliveries = [...this.targetsByUrl.values()].flatMap((target) =>
      webhookPayloads(tx, target.privateTypes).map((payload) => ({url: target.url, body: JSON.stringify(payload)})),
    )
    this.outbox.enqueue(deliveries)
    this.kick()
  }

  /** Runs the pump now (or once more after the current round). */
  private kick() {
    if (this.abort.signal.aborted) return
    if (this.pumping) {
      this.again = true
      return
    }
    clearTimeout(this.timer)
    this.pumping = this.pump().finally(() => {
      this.pumping = null
      if (this.again) {
        this.again = false
        this.kick()
      } else this.scheduleNext()
    })
  }

  private scheduleNext() {
    const next = this.outbox.nextDueAt()
    if (next === null || this.abort.signal.aborted) return
    this.timer = setTimeout(() => this.kick(), Math.max(0, next - Date.now()))
    this.timer.unref?.()
  }

  /** Delivers everything due: URLs in parallel, each URL's deliveries in order. */
  private async pump(): Promise<void> {
    while (!this.abort.signal.aborted) {
      const due = this.outbox.due()
      if (due.length === 0) return
      const byUrl = new Map<string, DeliveryRow[]>()
      for (const row of due) byUrl.set(row.url, [...(byUrl.get(row.url) ?? []), row])
      await Promise.all(
        [...byUrl.values()].map(async (rows) => {
          for (const row of rows) await this.attempt(row)
        }),
      )
    }
  }

  private async attempt(row: DeliveryRow): Promise<void> {
    const target = this.targetsByUrl.get(row.url)
    const id = (() => {
      try {
        return (JSON.parse(row.body) as WebhookPayload)._id
      } catch {
        return '?'
      }
    })()
    if (!target) {
      this.options.log(`lake: webhook for ${id} to ${row.url} failed: that URL is no longer configured (kept as failed)`)
      this.outbox.fail(row.id, row.attempts, 'URL no longer configured')
      return
    }
    const maxAttempts = this.options.maxAttempts ?? WEBHOOK_MAX_ATTEMPTS
    const attempt = row.attempts + 1
    let outcome: string
    try {
      const signature = await encodeSignatureHeader(row.body, Date.now(), target.secret)
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {'content-type': 'application/json', [SIGNATURE_HEADER]: signature, 'user-agent': 'dispatch-lake-webhooks'},
        body: row.body,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.timeoutMs ?? WEBHOOK_TIMEOUT_MS)]),
      })
      await response.arrayBuffer().catch(() => undefined)
      if (response.ok) return this.outbox.finish(row.id)
      outcome = `HTTP ${response.status}`
      if (!retryable(response.status)) {
        this.options.log(`lake: webhook ${target.url} refused ${id} (${outcome}); not retrying, kept as failed`)
        return this.outbox.fail(row.id, attempt, outcome)
      }
    } catch (error) {
      // Stopping: the row stays, the next start resumes it.
      if (this.abort.signal.aborted) return
      outcome = (error as Error).message
    }
    if (attempt >= maxAttempts) {
      this.options.log(`lake: webhook ${target.url} failed for ${id} after ${attempt} attempts (${outcome}); kept as failed`)
      return this.outbox.fail(row.id, attempt, outcome)
    }
    const backoff = Math.min((this.options.firstBackoffMs ?? WEBHOOK_FIRST_BACKOFF_MS) * 2 ** (attempt - 1), WEBHOOK_MAX_BACKOFF_MS)
    this.outbox.retryAt(row.id, attempt, Date.now() + backoff, outcome)
  }

  /** Waits until every pending delivery is done (tests); `close()` leaves them for the next start. */
  async idle(): Promise<void> {
    while (!this.abort.signal.aborted && (this.pumping || this.outbox.pending() > 0)) {
      await (this.pumping ?? sleep(20, this.abort.signal))
    }
  }

  async close(): Promise<void> {
    this.unsubscribe()
    this.abort.abort()
    clearTimeout(this.timer)
    await this.pumping
    if (this.ownsOutbox) this.outbox.close()
  }
}

/** Worth another attempt: the receiver is overloaded, timed out or broken for now (408, 429, 5xx). */
export function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer)
      resolve()
    }
    // Remove the listener when the timer fires: idle() sleeps in a loop on the same signal.
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, {once: true})
  })
}
