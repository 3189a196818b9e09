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
 * on network errors, timeouts, 429 and 5xx; 4xx answers are final. Deliveries are in memory: a
 * webhook still pending when the lake stops is lost (the site revalidates on a timer anyway).
 */
import {encodeSignatureHeader} from '@sanity/webhook'
import {isPublicId} from '../auth/access'
import {WEBHOOK_FIRST_BACKOFF_MS, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_TIMEOUT_MS} from '../config'
import type {DocumentChange, Engine, SanityDocument, Transaction} from '../engine/types'

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

export class WebhookDispatcher {
  private readonly unsubscribe: () => void
  private readonly inFlight = new Set<Promise<void>>()
  private readonly abort = new AbortController()

  constructor(
    engine: Engine,
    private readonly targets: WebhookTarget[],
    private readonly options: WebhookOptions,
  ) {
    for (const target of targets) {
      const url = new URL(target.url)
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Webhook URL must be http(s): ${target.url}`)
      if (!target.secret) throw new Error(`Webhook ${target.url} needs a secret to sign its payloads`)
    }
    this.unsubscribe = targets.length ? engine.subscribe((tx) => this.onTransaction(tx)) : () => {}
  }

  private onTransaction(tx: Transaction) {
    for (const target of this.targets)
      for (const payload of webhookPayloads(tx, target.privateTypes)) {
        const delivery = this.deliver(target, payload).finally(() => this.inFlight.delete(delivery))
        this.inFlight.add(delivery)
      }
  }

  private async deliver(target: WebhookTarget, payload: WebhookPayload): Promise<void> {
    const body = JSON.stringify(payload)
    const maxAttempts = this.options.maxAttempts ?? WEBHOOK_MAX_ATTEMPTS
    let backoff = this.options.firstBackoffMs ?? WEBHOOK_FIRST_BACKOFF_MS
    for (let attempt = 1; attempt <= maxAttempts && !this.abort.signal.aborted; attempt++) {
      let outcome: string
      try {
        const signature = await encodeSignatureHeader(body, Date.now(), target.secret)
        const response = await fetch(target.url, {
          method: 'POST',
          headers: {'content-type': 'application/json', [SIGNATURE_HEADER]: signature, 'user-agent': 'dispatch-lake-webhooks'},
          body,
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.timeoutMs ?? WEBHOOK_TIMEOUT_MS)]),
        })
        await response.arrayBuffer().catch(() => undefined)
        if (response.ok) return
        outcome = `HTTP ${response.status}`
        if (response.status < 500 && response.status !== 429) {
          this.options.log(`lake: webhook ${target.url} refused ${payload._id} (${outcome}); not retrying`)
          return
        }
      } catch (error) {
        outcome = (error as Error).message
      }
      if (attempt === maxAttempts) {
        this.options.log(`lake: webhook ${target.url} failed for ${payload._id} after ${attempt} attempts (${outcome})`)
        return
      }
      await sleep(backoff, this.abort.signal)
      backoff *= 2
    }
  }

  /** Waits for deliveries in progress (tests); `close()` abandons them instead. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight])
  }

  async close(): Promise<void> {
    this.unsubscribe()
    this.abort.abort()
    await Promise.allSettled([...this.inFlight])
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    }, {once: true})
  })
}
