/**
 * Getting each contact message to the editors' mailbox, at least once, without ever losing it.
 *
 * The message is stored first (lib/contact/store.ts); mail is a second, fallible step whose state
 * lives on the document itself (`delivery`: pending → sent | failed, `attempts`, `lastAttemptAt`,
 * `error`). Because the state is in the content backend and not in this process, any number of
 * server instances — or a restart — pick up where another left off, on the local lake and on
 * hosted Sanity alike:
 *
 * - **Claim before sending.** An attempt first patches the document with `ifRevisionID` (attempts+1,
 *   lastAttemptAt=now). Only one claimant can win that compare-and-set; the others get 409 and skip.
 * - **Record the outcome** (`sent`, or `failed` with the SMTP error).
 * - **Retry with backoff.** A sweep queries messages still `pending`/`failed` with attempts < MAX and
 *   retries those that are due: failed ones after 1, 2, 4, 8 … minutes (capped at an hour); pending
 *   ones never attempted after a grace period (their own request normally sends them); pending ones
 *   whose claim is older than CLAIM_TIMEOUT (the claimant died mid-send).
 * - **When it runs.** Lazily: the first submission in a process starts an interval timer (unref'd,
 *   so it never keeps a process alive), and every submission also triggers a throttled sweep.
 *
 * Delivery is at-least-once: a crash between the SMTP "250 OK" and recording `sent` sends the mail
 * again after the claim times out. Editors would rather see a duplicate than miss a reader.
 */
import type {SanityClient} from '@sanity/client'
import {contactMessageForMailQuery, contactDeliveryQueueQuery, contactSettingsQuery} from '@/sanity/lib/queries'
import {writeClient} from '@/sanity/lib/client'
import {composeNotification, mailConfigured, recipientAddress, sendNotification} from './mail'
import type {DeliveryState} from './store'

export const MAX_DELIVERY_ATTEMPTS = 6
const FIRST_RETRY_MS = 60_000
const MAX_RETRY_MS = 60 * 60_000
/** A claim older than this belongs to an attempt that died (SMTP timeouts are far shorter). */
export const CLAIM_TIMEOUT_MS = 5 * 60_000
/** Fresh messages are left to the request that stored them for this long. */
export const FRESH_GRACE_MS = 30_000
const SWEEP_INTERVAL_MS = 60_000
const SWEEP_BATCH = 25
const ERROR_MAX_LENGTH = 500

export interface DeliveryInfo {
  state?: DeliveryState
  attempts?: number
  lastAttemptAt?: string
  error?: string
}

/** Wait after the n-th failed attempt: 1 min, 2, 4, 8, … capped at an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1))
}

/** Whether a sweep at `now` should attempt this message. */
export function isDeliveryDue(delivery: DeliveryInfo | undefined, receivedAt: string | undefined, now: Date): boolean {
  const attempts = delivery?.attempts ?? 0
  if (attempts >= MAX_DELIVERY_ATTEMPTS) return false
  const time = now.getTime()
  const last = delivery?.lastAttemptAt ? Date.parse(delivery.lastAttemptAt) : NaN
  switch (delivery?.state) {
    case 'failed':
      return Number.isNaN(last) || time >= last + retryDelayMs(attempts)
    case 'pending':
      if (attempts === 0 || Number.isNaN(last)) {
        const received = receivedAt ? Date.parse(receivedAt) : NaN
        return Number.isNaN(received) || time >= received + FRESH_GRACE_MS
      }
      return time >= last + CLAIM_TIMEOUT_MS
    default:
      return false
  }
}

interface MessageForMail {
  _id: string
  _rev: string
  name: string
  email: string
  subject?: string | null
  message: string
  receivedAt: string
  delivery?: DeliveryInfo
  post?: {title?: string | null; slug?: string | null} | null
}

export type DeliveryOutcome = 'sent' | 'failed' | 'skipped'

export interface DeliveryOptions {
  client?: SanityClient
  now?: () => Date
  /** Only attempt when a sweep at this time would (the retry loop); the first attempt skips this. */
  onlyIfDue?: boolean
}

function isConflict(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as {statusCode?: number}).statusCode === 409
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.length > ERROR_MAX_LENGTH ? `${text.slice(0, ERROR_MAX_LENGTH - 1)}…` : text
}

/** One delivery attempt for one message: claim, send, record. Never throws for SMTP problems. */
export async function deliverMessage(id: string, options: DeliveryOptions = {}): Promise<DeliveryOutcome> {
  const client = options.client ?? writeClient()
  const now = options.now ?? (() => new Date())
  if (!mailConfigured()) return 'skipped'

  const message = await client.fetch<MessageForMail | null>(contactMessageForMailQuery, {id}, {perspective: 'raw'})
  const state = message?.delivery?.state
  if (!message || (state !== 'pending' && state !== 'failed')) return 'skipped'
  const attempts = message.delivery?.attempts ?? 0
  if (attempts >= MAX_DELIVERY_ATTEMPTS) return 'skipped'
  if (options.onlyIfDue && !isDeliveryDue(message.delivery, message.receivedAt, now())) return 'skipped'

  try {
    await client
      .patch(id)
      .ifRevisionId(message._rev)
      .set({'delivery.state': 'pending', 'delivery.attempts': attempts + 1, 'delivery.lastAttemptAt': now().toISOString()})
      .commit({visibility: 'sync'})
  } catch (error) {
    if (isConflict(error)) return 'skipped' // another attempt (or an editor's edit) got there first
    throw error
  }

  let failure: string | undefined
  try {
    const settings = await client.fetch<{title?: string | null; contactEmail?: string | null} | null>(
      contactSettingsQuery,
      {},
      {perspective: 'published'},
    )
    const to = recipientAddress(settings?.contactEmail)
    if (!to) throw new Error('No contact e-mail address is set in Settings (or CONTACT_MAIL_TO).')
    const mail = composeNotification(
      {id, name: message.name, email: message.email, subject: message.subject, message: message.message, receivedAt: message.receivedAt, post: message.post},
      {to, siteTitle: settings?.title?.trim() || 'Dispatch'},
    )
    await sendNotification(mail)
  } catch (error) {
    failure = describe(error)
  }

  const record = client.patch(id).set({
    'delivery.state': failure ? 'failed' : 'sent',
    'delivery.lastAttemptAt': now().toISOString(),
  })
  await (failure ? record.set({'delivery.error': failure}) : record.unset(['delivery.error'])).commit({visibility: 'sync'})
  if (failure) console.warn(`[contact] notification for ${id} failed (attempt ${attempts + 1}): ${failure}`)
  return failure ? 'failed' : 'sent'
}

export interface SweepResult {
  sent: number
  failed: number
  skipped: number
}

/** Retries every message whose notification is owed and due. Bounded per run. */
export async function sweepDeliveries(options: Omit<DeliveryOptions, 'onlyIfDue'> = {}): Promise<SweepResult> {
  const result: SweepResult = {sent: 0, failed: 0, skipped: 0}
  if (!mailConfigured()) return result
  const client = options.client ?? writeClient()
  const now = options.now ?? (() => new Date())
  const queue = await client.fetch<{_id: string; receivedAt?: string; delivery?: DeliveryInfo}[]>(
    contactDeliveryQueueQuery,
    {maxAttempts: MAX_DELIVERY_ATTEMPTS, limit: SWEEP_BATCH * 4},
    {perspective: 'raw'},
  )
  const due = queue.filter((item) => isDeliveryDue(item.delivery, item.receivedAt, now())).slice(0, SWEEP_BATCH)
  for (const item of due) {
    try {
      result[await deliverMessage(item._id, {client, now, onlyIfDue: true})]++
    } catch (error) {
      // The backend itself is failing; stop this sweep, the next one tries again.
      console.error(`[contact] delivery sweep stopped: ${describe(error)}`)
      break
    }
  }
  return result
}

// Kept on globalThis so dev-server module reloads do not start a second loop.
const worker = globalThis as typeof globalThis & {
  __dispatchContactDelivery?: {timer?: ReturnType<typeof setInterval>; running: boolean; lastSweep: number}
}

function workerState() {
  worker.__dispatchContactDelivery ??= {running: false, lastSweep: 0}
  return worker.__dispatchContactDelivery
}

async function sweepOnce(): Promise<void> {
  const state = workerState()
  if (state.running) return
  state.running = true
  state.lastSweep = Date.now()
  try {
    await sweepDeliveries()
  } catch (error) {
    console.error(`[contact] delivery sweep failed: ${describe(error)}`)
  } finally {
    state.running = false
  }
}

/**
 * Starts the retry loop in this process if mail is configured and it is not running yet, and
 * sweeps now unless a sweep ran in the last interval. Cheap to call on every submission.
 */
export async function kickDeliveryWorker(): Promise<void> {
  if (!mailConfigured()) return
  const state = workerState()
  if (!state.timer) {
    state.timer = setInterval(() => void sweepOnce(), SWEEP_INTERVAL_MS)
    state.timer.unref?.()
  }
  if (Date.now() - state.lastSweep >= SWEEP_INTERVAL_MS) await sweepOnce()
}

/** Stops the loop (tests, graceful shutdown). */
export function stopDeliveryWorker(): void {
  const state = workerState()
  if (state.timer) clearInterval(state.timer)
  state.timer = undefined
}
