/**
 * One contact submission, from untrusted request to stored message. The server action (forms,
 * with or without JavaScript) and the API route both go through here, so every rule holds on
 * every path:
 *
 * 1. same-origin check (cross-site → refused);
 * 2. rate limit per client address (5 a minute; every attempt counts, valid or not);
 * 3. size cap over everything submitted;
 * 4. anti-spam: a filled honeypot or a form sent within MIN_FILL_SECONDS of rendering is DROPPED
 *    SILENTLY — the answer looks exactly like success but nothing is stored or mailed. Telling a
 *    bot it was caught only teaches it what to change; a person never sees the honeypot and cannot
 *    type a message in under three seconds, so nobody real is misled;
 * 5. validation (zod, one clear message per field);
 * 6. the message is stored and the backend's acknowledgement awaited — only then "sent";
 * 7. the notification e-mail goes out after the response (lib/contact/delivery.ts).
 */
import type {SanityClient} from '@sanity/client'
import {clientKey} from '@/lib/http/client-address'
import {writeClient} from '@/sanity/lib/client'
import {runAfterResponse} from './background'
import {deliverMessage, kickDeliveryWorker} from './delivery'
import {
  FORM_TOKEN_FIELD,
  HONEYPOT_FIELD,
  POST_ID_FIELD,
  TOTAL_CHARACTERS_MAX,
  pickValues,
  validateContact,
  type FieldErrors,
} from './fields'
import {checkFormToken} from './form-token'
import {mailConfigured} from './mail'
import {checkSameOrigin} from './origin'
import {contactRateLimiter, type RateLimiter} from './rate-limit'
import {buildContactMessage, resolvePostId, storeContactMessage} from './store'

export type SubmissionOutcome =
  | {kind: 'sent'; id: string}
  | {kind: 'dropped'; reason: 'honeypot' | 'too-fast'}
  | {kind: 'forbidden'; message: string}
  | {kind: 'rate-limited'; retryAfterSeconds: number; message: string}
  | {kind: 'too-large'; message: string}
  | {kind: 'bad-token'; message: string}
  | {kind: 'invalid'; errors: FieldErrors; message: string}
  | {kind: 'failed'; message: string}

export interface SubmissionDeps {
  client?: SanityClient
  now?: () => Date
  limiter?: RateLimiter
}

export const MESSAGES = {
  invalid: 'Please correct the fields marked below.',
  tooLarge: `This submission is too large. A message can be at most ${TOTAL_CHARACTERS_MAX.toLocaleString('en')} characters in all.`,
  badToken: 'This form has expired or was changed on the way. Please send it again.',
  failed:
    'Sorry — your message could not be saved just now, so it was NOT sent. Your text is still here; please try again in a few minutes.',
  rateLimited: (seconds: number) =>
    `You have sent several messages in a short time. Please try again later (in about ${seconds} second${seconds === 1 ? '' : 's'}).`,
}

/** Steps 1 and 2: may this client submit at all right now? (Cheap: no body needed.) */
export async function admitSubmission(
  headers: Headers,
  requestUrl: string | undefined,
  deps: SubmissionDeps = {},
): Promise<Extract<SubmissionOutcome, {kind: 'forbidden' | 'rate-limited'}> | null> {
  const origin = checkSameOrigin(headers, requestUrl)
  if (!origin.ok) return {kind: 'forbidden', message: origin.reason}
  const limiter = deps.limiter ?? contactRateLimiter
  const decision = await limiter.hit(clientKey(headers))
  if (!decision.allowed) {
    return {
      kind: 'rate-limited',
      retryAfterSeconds: decision.retryAfterSeconds,
      message: MESSAGES.rateLimited(decision.retryAfterSeconds),
    }
  }
  return null
}

/**
 * Total characters across every text value submitted. (Non-text values are not read as fields at
 * all — a non-string name is simply missing — and raw bodies are byte-capped by their callers.)
 */
export function submissionSize(fields: Record<string, unknown>): number {
  let total = 0
  for (const value of Object.values(fields)) if (typeof value === 'string') total += value.length
  return total
}

/** Steps 3 to 7, for a request already admitted. */
export async function processSubmission(
  fields: Record<string, unknown>,
  deps: SubmissionDeps = {},
): Promise<SubmissionOutcome> {
  const now = deps.now ?? (() => new Date())
  if (submissionSize(fields) > TOTAL_CHARACTERS_MAX) return {kind: 'too-large', message: MESSAGES.tooLarge}

  const honeypot = fields[HONEYPOT_FIELD]
  if (typeof honeypot === 'string' && honeypot.trim() !== '') {
    console.info('[contact] dropped a submission: honeypot filled')
    return {kind: 'dropped', reason: 'honeypot'}
  }
  const token = checkFormToken(fields[FORM_TOKEN_FIELD], now())
  if (token === 'invalid') return {kind: 'bad-token', message: MESSAGES.badToken}
  if (token === 'too-fast') {
    console.info('[contact] dropped a submission: sent too soon after the form was rendered')
    return {kind: 'dropped', reason: 'too-fast'}
  }

  const validation = validateContact(pickValues(fields))
  if (!validation.ok) return {kind: 'invalid', errors: validation.errors, message: MESSAGES.invalid}

  const client = deps.client ?? writeClient()
  const withMail = mailConfigured()
  let id: string
  try {
    const postId = await resolvePostId(client, fields[POST_ID_FIELD])
    id = await storeContactMessage(client, buildContactMessage(validation.data, {now: now(), postId, mailConfigured: withMail}))
  } catch (error) {
    console.error('[contact] could not store a message:', error instanceof Error ? error.message : error)
    return {kind: 'failed', message: MESSAGES.failed}
  }

  if (withMail) {
    runAfterResponse('notification e-mail', async () => {
      await deliverMessage(id, {client, now})
      await kickDeliveryWorker()
    })
  }
  return {kind: 'sent', id}
}

/** The whole pipeline, for callers that already hold the parsed fields (the server action). */
export async function submitContactMessage(
  request: {fields: Record<string, unknown>; headers: Headers; url?: string},
  deps: SubmissionDeps = {},
): Promise<SubmissionOutcome> {
  return (await admitSubmission(request.headers, request.url, deps)) ?? (await processSubmission(request.fields, deps))
}
