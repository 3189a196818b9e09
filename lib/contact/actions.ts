'use server'

/**
 * The contact form's server action. It serves both kinds of readers: with JavaScript the island
 * calls it through `useActionState` and renders the returned state in place; without JavaScript the
 * browser POSTs the form and Next.js renders the whole page again with this same state (React's
 * progressive enhancement of form actions), so both see the same messages and keep their input.
 *
 * Next.js itself refuses actions whose Origin differs from Host (with a bare 500, before this
 * runs); `submitContactMessage` repeats the same-origin check for what Next lets through.
 */
import {headers} from 'next/headers'
import {
  CONTACT_FIELDS,
  FORM_TOKEN_FIELD,
  HONEYPOT_FIELD,
  LIMITS,
  MIN_FILL_SECONDS,
  POST_ID_FIELD,
  pickValues,
  type ContactValues,
} from './fields'
import {issueFormToken} from './form-token'
import {SENT_MESSAGE, initialContactState, type ContactFormState} from './state'
import {submitContactMessage} from './submit'

const FORM_KEYS = [...CONTACT_FIELDS, HONEYPOT_FIELD, FORM_TOKEN_FIELD, POST_ID_FIELD] as const

/** What the reader typed, echoed back — bounded, so an oversized post is not mirrored in full. */
function echo(values: ContactValues): ContactValues {
  const bounded = {...values}
  for (const field of CONTACT_FIELDS) bounded[field] = values[field].slice(0, LIMITS[field].max * 2)
  return bounded
}

export async function sendContactMessage(previous: ContactFormState, formData: FormData): Promise<ContactFormState> {
  const fields: Record<string, unknown> = {}
  for (const key of FORM_KEYS) {
    const value = formData.get(key)
    if (value !== null) fields[key] = value
  }
  const values = pickValues(fields)
  const submittedToken = typeof fields[FORM_TOKEN_FIELD] === 'string' ? (fields[FORM_TOKEN_FIELD] as string) : ''
  const seq = (Number.isSafeInteger(previous?.seq) ? previous.seq : 0) + 1
  // Keep the original token across failed attempts: its age only grows, and a fresh one would
  // make a quick correction look like a bot's three-second submission.
  const failure = (message: string, fieldErrors = {}, formToken = submittedToken || issueFormToken()): ContactFormState => ({
    status: Object.keys(fieldErrors).length > 0 ? 'invalid' : 'error',
    message,
    fieldErrors,
    values: echo(values),
    formToken,
    seq,
  })

  const outcome = await submitContactMessage({fields, headers: await headers()})
  switch (outcome.kind) {
    case 'sent':
    case 'dropped':
      return {...initialContactState(issueFormToken()), status: 'sent', message: SENT_MESSAGE, seq}
    case 'invalid':
      return failure(outcome.message, outcome.errors)
    case 'bad-token':
      // The reader already spent their time on the form; a replacement token dated MIN_FILL_SECONDS
      // back lets them resend at once instead of being dropped as "too fast".
      return failure(outcome.message, {}, issueFormToken(new Date(Date.now() - MIN_FILL_SECONDS * 1000)))
    case 'forbidden':
    case 'rate-limited':
    case 'too-large':
    case 'failed':
      return failure(outcome.message)
  }
}
