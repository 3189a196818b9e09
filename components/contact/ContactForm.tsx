'use client'

/**
 * The contact form island. Server-rendered it is a complete HTML form that POSTs to the server
 * action and works without JavaScript (the page comes back with the result, per-field errors and
 * the reader's text). Once hydrated it adds: inline validation with the server's rules
 * (lib/contact/rules.ts, plain code: no validation library in the reader's bundle) as the reader
 * leaves a field, no round trip for obvious mistakes, a pending state, and the result in
 * place without a reload.
 */
import {useActionState, useId, useRef, useState, type FocusEvent, type FormEvent} from 'react'
// The plain rules only (no zod in the browser): the server checks the same rules with its schema.
import {
  CONTACT_FIELDS,
  FORM_TOKEN_FIELD,
  HONEYPOT_FIELD,
  LIMITS,
  POST_ID_FIELD,
  checkAll,
  checkField,
  pickValues,
  type ContactField,
  type FieldErrors,
} from '@/lib/contact/rules'
import type {ContactFormState} from '@/lib/contact/state'

type Action = (state: ContactFormState, formData: FormData) => Promise<ContactFormState>

const LABELS: Record<ContactField, string> = {
  name: 'Name',
  email: 'E-mail',
  subject: 'Subject (optional)',
  message: 'Message',
}

const AUTOCOMPLETE: Record<ContactField, string> = {name: 'name', email: 'email', subject: 'off', message: 'off'}

const inputClass =
  'mt-1 block w-full rounded-md border border-zinc-400 bg-white px-3 py-2 text-base text-zinc-900 shadow-sm ' +
  'aria-[invalid=true]:border-red-700 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100 ' +
  'dark:aria-[invalid=true]:border-red-400'

export function ContactForm({
  action,
  initialState,
  postId,
  permalink,
}: {
  action: Action
  initialState: ContactFormState
  postId?: string
  /** The page the form is on: the form's `action` URL before JavaScript loads (else `action=""`, invalid HTML). */
  permalink: string
}) {
  const [state, formAction, isPending] = useActionState(action, initialState, permalink)
  const id = useId()
  const formRef = useRef<HTMLFormElement>(null)
  // Errors found in the browser belong to the answer they were found after; a new server answer
  // (new `seq`) starts from the server's verdict again.
  // `summary`: the reader tried to send, so the list of problems at the top is shown too.
  const [local, setLocal] = useState<{seq: number; errors: FieldErrors; summary: boolean}>({seq: state.seq, errors: {}, summary: false})
  const current = local.seq === state.seq ? local : {errors: {}, summary: false}
  const errors: FieldErrors = {...state.fieldErrors, ...current.errors}
  const visibleErrors = CONTACT_FIELDS.filter((field) => errors[field])
  const showSummary = state.status === 'error' || ((state.status === 'invalid' || current.summary) && visibleErrors.length > 0)

  function setFieldError(field: ContactField, message: string | undefined) {
    setLocal((previous) => {
      const same = previous.seq === state.seq
      return {seq: state.seq, errors: {...(same ? previous.errors : {}), [field]: message}, summary: same && previous.summary}
    })
  }

  function onBlur(event: FocusEvent<HTMLInputElement | HTMLTextAreaElement>) {
    const field = event.currentTarget.name as ContactField
    // Leaving an untouched empty field is not a mistake yet; say so on submit.
    if (event.currentTarget.value === '' && !errors[field]) return
    // Focus moving to the send button: submit validates everything anyway, and an error appearing
    // now would push the button away from under the pointer mid-click.
    if ((event.relatedTarget as HTMLButtonElement | null)?.type === 'submit') return
    setFieldError(field, checkField(field, event.currentTarget.value))
  }

  function onInput(event: FormEvent<HTMLInputElement | HTMLTextAreaElement>) {
    const field = event.currentTarget.name as ContactField
    if (errors[field]) setFieldError(field, checkField(field, event.currentTarget.value))
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    const values = pickValues(Object.fromEntries(new FormData(event.currentTarget)))
    const found = checkAll(values)
    const first = CONTACT_FIELDS.find((field) => found[field])
    if (!first) return
    event.preventDefault()
    const cleared = Object.fromEntries(CONTACT_FIELDS.map((field) => [field, undefined])) as FieldErrors
    setLocal({seq: state.seq, errors: {...cleared, ...found}, summary: true})
    formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus()
  }

  const statusId = `${id}-status`
  return (
    <form
      ref={formRef}
      action={formAction}
      onSubmit={onSubmit}
      noValidate
      aria-describedby={statusId}
      aria-busy={isPending}
      className="mt-6 space-y-4"
      data-testid="contact-form"
    >
      <div id={statusId} aria-live="polite">
        {state.status === 'sent' && (
          <p role="status" className="rounded-md border border-green-700 bg-green-50 p-3 text-green-900 dark:border-green-400 dark:bg-green-950 dark:text-green-100">
            {state.message}
          </p>
        )}
        {showSummary && (
          <div role="alert" className="rounded-md border border-red-700 bg-red-50 p-3 text-red-900 dark:border-red-400 dark:bg-red-950 dark:text-red-100">
            <p>{state.status === 'error' ? state.message : 'Please correct the fields marked below.'}</p>
            {visibleErrors.length > 0 && (
              <ul className="mt-1 list-disc pl-5">
                {visibleErrors.map((field) => (
                  <li key={field}>
                    <a className="underline" href={`#${id}-${field}`}>
                      {LABELS[field]}: {errors[field]}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>

      <input type="hidden" name={FORM_TOKEN_FIELD} value={state.formToken} />
      {postId && <input type="hidden" name={POST_ID_FIELD} value={postId} />}
      {/* The honeypot: off-screen (not display:none, which some bots skip), out of the tab order and
          the accessibility tree. Anything typed here marks the submission as a bot's. */}
      <div aria-hidden="true" className="absolute -left-[10000px] h-px w-px overflow-hidden">
        <label htmlFor={`${id}-${HONEYPOT_FIELD}`}>Leave this field empty</label>
        <input id={`${id}-${HONEYPOT_FIELD}`} type="text" name={HONEYPOT_FIELD} tabIndex={-1} autoComplete="off" defaultValue="" />
      </div>

      {CONTACT_FIELDS.map((field) => {
        const fieldId = `${id}-${field}`
        const errorId = `${fieldId}-error`
        const common = {
          id: fieldId,
          name: field,
          // `key` changes with each answer so the browser shows what the server echoed back
          // (the reader's text after a failure, empty fields after success).
          defaultValue: state.values[field],
          maxLength: LIMITS[field].max,
          required: field !== 'subject',
          'aria-invalid': errors[field] ? true : undefined,
          'aria-describedby': errors[field] ? errorId : undefined,
          onBlur,
          onInput,
          className: inputClass,
        }
        return (
          <div key={field}>
            <label htmlFor={fieldId} className="block font-medium">
              {LABELS[field]}
            </label>
            {field === 'message' ? (
              <textarea key={state.seq} rows={6} {...common} />
            ) : (
              <input key={state.seq} type={field === 'email' ? 'email' : 'text'} autoComplete={AUTOCOMPLETE[field]} {...common} />
            )}
            {errors[field] && (
              <p id={errorId} className="mt-1 text-sm text-red-800 dark:text-red-300">
                {errors[field]}
              </p>
            )}
          </div>
        )
      })}

      <button
        type="submit"
        disabled={isPending}
        className="rounded-md bg-[color:var(--color-accent)] px-4 py-2 font-medium text-white hover:opacity-90 disabled:opacity-60 dark:bg-[color:var(--color-accent-dark)] dark:text-zinc-950"
      >
        {isPending ? 'Sending…' : 'Send message'}
      </button>
    </form>
  )
}
