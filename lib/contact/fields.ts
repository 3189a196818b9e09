/**
 * The contact message's schema as the server enforces it (zod), built from the plain rules in
 * ./rules.ts (limits, e-mail pattern, messages), which the browser island runs on its own for
 * inline feedback without shipping zod. Re-exports those rules so server code has one import.
 */
import * as z from 'zod/mini'
import {CONTACT_FIELDS, EMAIL_PATTERN, LIMITS, MESSAGES, normalizeMessage, normalizeSingleLine, type ContactField, type ContactValues, type FieldErrors} from './rules'

export * from './rules'

const singleLine = () => z.pipe(z.string(), z.transform(normalizeSingleLine))

export const contactSchema = z.object({
  name: z.pipe(
    singleLine(),
    z.string().check(z.minLength(1, {error: MESSAGES.nameMissing}), z.maxLength(LIMITS.name.max, {error: MESSAGES.nameTooLong})),
  ),
  email: z.pipe(
    singleLine(),
    z.pipe(
      z.string().check(z.minLength(1, {error: MESSAGES.emailMissing}), z.maxLength(LIMITS.email.max, {error: MESSAGES.emailTooLong})),
      z.email({pattern: EMAIL_PATTERN, error: MESSAGES.emailInvalid}),
    ),
  ),
  subject: z.pipe(singleLine(), z.string().check(z.maxLength(LIMITS.subject.max, {error: MESSAGES.subjectTooLong}))),
  message: z.pipe(
    z.pipe(z.string(), z.transform(normalizeMessage)),
    z.string().check(
      z.minLength(LIMITS.message.min, {error: MESSAGES.messageTooShort}),
      z.maxLength(LIMITS.message.max, {error: MESSAGES.messageTooLong}),
    ),
  ),
})

export type ContactMessageInput = z.output<typeof contactSchema>

export type ValidationResult = {ok: true; data: ContactMessageInput} | {ok: false; errors: FieldErrors}

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

/** Validates one field on its own with the server's schema. */
export function validateField(field: ContactField, value: string): string | undefined {
  const parsed = contactSchema.shape[field].safeParse(value)
  return parsed.success ? undefined : parsed.error.issues[0]?.message
}
