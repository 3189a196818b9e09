/**
 * What a contact message is made of, and the rules each field follows.
 *
 * Shared by the server (the rules that count) and the browser island (the same rules, run early
 * for inline feedback), so this module must stay free of Node-only imports.
 */
import * as z from 'zod/mini'

export const CONTACT_FIELDS = ['name', 'email', 'subject', 'message'] as const
export type ContactField = (typeof CONTACT_FIELDS)[number]
export type ContactValues = Record<ContactField, string>

export const LIMITS = {
  name: {max: 100},
  email: {max: 254},
  subject: {max: 150},
  message: {min: 10, max: 5000},
} as const

/**
 * Cap on everything a submission may carry, in characters (the API route also caps raw bytes).
 * The four fields at their maximum add up to ~5.5k characters; anything far beyond that is not a
 * reader typing into a form.
 */
export const TOTAL_CHARACTERS_MAX = 8_000

/** The honeypot: a field humans never see (hidden, aria-hidden, skipped by tab) but bots fill in. */
export const HONEYPOT_FIELD = 'website'
/** The signed "form rendered at" timestamp, see lib/contact/form-token.ts. */
export const FORM_TOKEN_FIELD = 'formToken'
/** The post the form sits under (absent on /contact). */
export const POST_ID_FIELD = 'postId'

/** Readers should not need to take more than a few seconds less than this to type a message. */
export const MIN_FILL_SECONDS = 3

export const EMPTY_VALUES: ContactValues = {name: '', email: '', subject: '', message: ''}

// C0/C1 control characters. Single-line fields lose all of them (a newline in a name or subject
// would otherwise be a mail header injection waiting to happen); the message keeps line breaks
// and tabs.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g
const CONTROL_EXCEPT_TAB_LF = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

/** Collapses a single-line value: control characters become spaces, runs of spaces one space. */
export function normalizeSingleLine(value: string): string {
  return value.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim()
}

/** Keeps a message's paragraphs but drops invisible control characters and CRLF differences. */
export function normalizeMessage(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(CONTROL_EXCEPT_TAB_LF, '').trim()
}

// zod/mini: the same validation engine with a fraction of the browser bundle (no locales, tree-shakable).
const singleLine = () => z.pipe(z.string(), z.transform(normalizeSingleLine))

export const contactSchema = z.object({
  name: z.pipe(
    singleLine(),
    z.string().check(
      z.minLength(1, {error: 'Please tell us your name.'}),
      z.maxLength(LIMITS.name.max, {error: `Your name can be at most ${LIMITS.name.max} characters.`}),
    ),
  ),
  email: z.pipe(
    singleLine(),
    z.pipe(
      z.string().check(
        z.minLength(1, {error: 'Please give an e-mail address so we can reply.'}),
        z.maxLength(LIMITS.email.max, {error: `The e-mail address can be at most ${LIMITS.email.max} characters.`}),
      ),
      z.email({error: 'Please enter a valid e-mail address, like name@example.com.'}),
    ),
  ),
  subject: z.pipe(
    singleLine(),
    z.string().check(z.maxLength(LIMITS.subject.max, {error: `The subject can be at most ${LIMITS.subject.max} characters.`})),
  ),
  message: z.pipe(
    z.pipe(z.string(), z.transform(normalizeMessage)),
    z.string().check(
      z.minLength(LIMITS.message.min, {error: `Please write at least ${LIMITS.message.min} characters.`}),
      z.maxLength(LIMITS.message.max, {error: `The message can be at most ${LIMITS.message.max} characters.`}),
    ),
  ),
})

export type ContactMessageInput = z.output<typeof contactSchema>

export type FieldErrors = Partial<Record<ContactField, string>>

export type ValidationResult = {ok: true; data: ContactMessageInput} | {ok: false; errors: FieldErrors}

/** Reads the four fields out of anything form-like; missing or non-string values become ''. */
export function pickValues(source: Record<string, unknown>): ContactValues {
  const values = {...EMPTY_VALUES}
  for (const field of CONTACT_FIELDS) {
    const raw = source[field]
    values[field] = typeof raw === 'string' ? raw : ''
  }
  return values
}

/** Validates all four fields; one clear message per field that is wrong. */
export function validateContact(values: ContactValues): ValidationResult {
  const parsed = contactSchema.safeParse(values)
  if (parsed.success) return {ok: true, data: parsed.data}
  const errors: FieldErrors = {}
  for (const issue of parsed.error.issues) {
    const field = issue.path[0]
    if (typeof field === 'string' && (CONTACT_FIELDS as readonly string[]).includes(field)) {
      errors[field as ContactField] ??= issue.message
    }
  }
  return {ok: false, errors}
}

/** Validates one field on its own (inline feedback as the reader leaves it). */
export function validateField(field: ContactField, value: string): string | undefined {
  const parsed = contactSchema.shape[field].safeParse(value)
  return parsed.success ? undefined : parsed.error.issues[0]?.message
}
