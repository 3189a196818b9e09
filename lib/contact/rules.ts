/**
 * What a contact message is made of and the rules each field follows, as plain code with no
 * dependencies: the browser island (components/contact/ContactForm.tsx) imports only this, so the
 * reader pages do not ship a validation library. The server validates with the zod schema in
 * ./fields.ts, built from the same limits, pattern and messages; tests/contact/rules.test.ts checks
 * that both give the same verdict and the same message on the same input.
 */
export const CONTACT_FIELDS = ['name', 'email', 'subject', 'message'] as const
export type ContactField = (typeof CONTACT_FIELDS)[number]
export type ContactValues = Record<ContactField, string>
export type FieldErrors = Partial<Record<ContactField, string>>

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

/**
 * A practical e-mail address: dot-separated local parts, a domain of labels and a 2+ letter TLD
 * (the same pattern zod's `email()` uses by default).
 */
export const EMAIL_PATTERN = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/

/** Every message a reader can see for a field, in the order the rules are checked. */
export const MESSAGES = {
  nameMissing: 'Please tell us your name.',
  nameTooLong: `Your name can be at most ${LIMITS.name.max} characters.`,
  emailMissing: 'Please give an e-mail address so we can reply.',
  emailTooLong: `The e-mail address can be at most ${LIMITS.email.max} characters.`,
  emailInvalid: 'Please enter a valid e-mail address, like name@example.com.',
  subjectTooLong: `The subject can be at most ${LIMITS.subject.max} characters.`,
  messageTooShort: `Please write at least ${LIMITS.message.min} characters.`,
  messageTooLong: `The message can be at most ${LIMITS.message.max} characters.`,
} as const

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

/** A field's value as it will be stored. */
export function normalizeField(field: ContactField, value: string): string {
  return field === 'message' ? normalizeMessage(value) : normalizeSingleLine(value)
}

/** Reads the four fields out of anything form-like; missing or non-string values become ''. */
export function pickValues(source: Record<string, unknown>): ContactValues {
  const values = {...EMPTY_VALUES}
  for (const field of CONTACT_FIELDS) {
    const raw = source[field]
    values[field] = typeof raw === 'string' ? raw : ''
  }
  return values
}

/**
 * The first rule one field breaks, as the message to show, or undefined when the value is fine.
 * Lengths are counted in Unicode code points after normalising (an emoji is one character), as
 * the server's schema counts them.
 */
export function checkField(field: ContactField, raw: string): string | undefined {
  const value = normalizeField(field, raw)
  const length = [...value].length
  switch (field) {
    case 'name':
      if (length < 1) return MESSAGES.nameMissing
      if (length > LIMITS.name.max) return MESSAGES.nameTooLong
      return undefined
    case 'email':
      if (length < 1) return MESSAGES.emailMissing
      if (length > LIMITS.email.max) return MESSAGES.emailTooLong
      if (!EMAIL_PATTERN.test(value)) return MESSAGES.emailInvalid
      return undefined
    case 'subject':
      return length > LIMITS.subject.max ? MESSAGES.subjectTooLong : undefined
    case 'message':
      if (length < LIMITS.message.min) return MESSAGES.messageTooShort
      if (length > LIMITS.message.max) return MESSAGES.messageTooLong
      return undefined
  }
}

/** Every field's first broken rule (only the fields that break one). */
export function checkAll(values: ContactValues): FieldErrors {
  const errors: FieldErrors = {}
  for (const field of CONTACT_FIELDS) {
    const message = checkField(field, values[field])
    if (message) errors[field] = message
  }
  return errors
}
