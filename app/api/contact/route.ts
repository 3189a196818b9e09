/**
 * The contact endpoint for API clients and plain HTML forms posting elsewhere than the page.
 *
 * GET  → `{formToken, minFillSeconds, limits}`: a client fetches a token, lets the reader write,
 *        then POSTs it back (the same fill-time rule as the site's form).
 * POST → JSON, `application/x-www-form-urlencoded` or `multipart/form-data` with `name`, `email`,
 *        `subject`, `message`, `formToken`, optional `postId` (and the honeypot `website`, empty).
 *
 * Answers (JSON, never a stack trace):
 * 200 `{ok: true, message}` — stored (or silently dropped as spam: deliberately indistinguishable);
 * 400 `{ok: false, error: {code: 'invalid', message, fields: {name?: …}}}` or code `bad-token`/`bad-body`;
 * 403 cross-site; 413 too large; 415 unsupported type; 429 with `Retry-After`; 503 with `Retry-After`
 * when the message could not be stored (nothing was kept — send again).
 */
import {FORM_TOKEN_FIELD, LIMITS, MIN_FILL_SECONDS} from '@/lib/contact/fields'
import {issueFormToken} from '@/lib/contact/form-token'
import {readBodyBytes} from '@/lib/http/read-body'
import {SENT_MESSAGE} from '@/lib/contact/state'
import {MESSAGES, admitSubmission, processSubmission, type SubmissionOutcome} from '@/lib/contact/submit'

export const dynamic = 'force-dynamic'

/** Raw body cap. Generous next to the character cap: URL-encoding can triple multi-byte text. */
const MAX_BODY_BYTES = 64 * 1024

const NO_STORE = {'Cache-Control': 'no-store'}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, {status, headers: {...NO_STORE, ...headers}})
}

function failure(status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers = {}) {
  return json(status, {ok: false, error: {code, message, ...extra}}, headers)
}

export function GET(): Response {
  return json(200, {formToken: issueFormToken(), tokenField: FORM_TOKEN_FIELD, minFillSeconds: MIN_FILL_SECONDS, limits: LIMITS})
}

async function parseFields(request: Request): Promise<Record<string, unknown> | Response> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase()
  if (type !== 'application/json' && type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') {
    return failure(415, 'unsupported-type', 'Send JSON, application/x-www-form-urlencoded or multipart/form-data.')
  }
  let bytes: Uint8Array | null
  try {
    bytes = await readBodyBytes(request, MAX_BODY_BYTES)
  } catch {
    return failure(400, 'bad-body', 'The request body could not be read.')
  }
  if (bytes === null) return failure(413, 'too-large', MESSAGES.tooLarge)
  try {
    if (type === 'application/json') {
      const parsed: unknown = JSON.parse(new TextDecoder('utf-8', {fatal: true}).decode(bytes))
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return failure(400, 'bad-body', 'The JSON body must be an object with the form fields.')
      }
      return parsed as Record<string, unknown>
    }
    const form =
      type === 'application/x-www-form-urlencoded'
        ? new URLSearchParams(new TextDecoder().decode(bytes))
        : await new Response(bytes as BodyInit, {headers: {'content-type': request.headers.get('content-type')!}}).formData()
    const fields = new Map<string, string>()
    for (const [key, value] of form.entries()) {
      if (typeof value !== 'string') return failure(400, 'bad-body', `"${key.slice(0, 40)}" must be text, not a file.`)
      if (fields.has(key)) return failure(400, 'bad-body', `"${key.slice(0, 40)}" may appear only once.`)
      fields.set(key, value)
    }
    return Object.fromEntries(fields)
  } catch {
    return failure(400, 'bad-body', 'The request body is not valid for its content type.')
  }
}

function answer(outcome: SubmissionOutcome): Response {
  switch (outcome.kind) {
    case 'sent':
    case 'dropped':
      return json(200, {ok: true, message: SENT_MESSAGE})
    case 'invalid':
      return failure(400, 'invalid', outcome.message, {fields: outcome.errors})
    case 'bad-token':
      return failure(400, 'bad-token', outcome.message)
    case 'forbidden':
      return failure(403, 'cross-site', outcome.message)
    case 'rate-limited':
      return failure(429, 'rate-limited', outcome.message, {}, {'Retry-After': String(outcome.retryAfterSeconds)})
    case 'too-large':
      return failure(413, 'too-large', outcome.message)
    case 'failed':
      return failure(503, 'not-stored', outcome.message, {}, {'Retry-After': '60'})
  }
}

export async function POST(request: Request): Promise<Response> {
  const refused = await admitSubmission(request.headers, request.url)
  if (refused) return answer(refused)
  const fields = await parseFields(request)
  if (fields instanceof Response) return fields
  return answer(await processSubmission(fields))
}
