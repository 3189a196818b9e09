/**
 * What the contact form shows after each submission: shared by the server action (which returns
 * it) and the browser island (which renders it). Client-safe: no server imports.
 */
import {EMPTY_VALUES, type ContactValues, type FieldErrors} from './rules'

export type ContactFormStatus = 'idle' | 'sent' | 'invalid' | 'error'

export interface ContactFormState {
  status: ContactFormStatus
  /** One sentence for the reader: the success note or what went wrong overall. */
  message: string
  fieldErrors: FieldErrors
  /** What the reader typed, echoed back so a failed submission never loses it ('' after success). */
  values: ContactValues
  /** Signed render time (see lib/contact/form-token.ts); kept across failed attempts. */
  formToken: string
  /** Increases with every answer, so the island can tell a new answer from a re-render. */
  seq: number
}

export function initialContactState(formToken: string): ContactFormState {
  return {status: 'idle', message: '', fieldErrors: {}, values: {...EMPTY_VALUES}, formToken, seq: 0}
}

export const SENT_MESSAGE = 'Thank you — your message has been sent. We will reply by e-mail if it calls for an answer.'
