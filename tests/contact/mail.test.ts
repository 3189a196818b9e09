/**
 * E-mail notifications with a REAL local SMTP server (`smtp-server`) and a REAL lake: the mail
 * arrives with the reader's words and Reply-To; with the mail server down the message is still
 * stored and marked failed; a later retry with the server back up sends it; concurrent attempts
 * send once.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {SITE, eventually, nextAddress, startContactLake, validFields, type ContactLake} from './helpers'
import {startMailbox, type Mailbox} from './mailbox'

let env: ContactLake
let mailbox: Mailbox
let smtpPort: number
let route: typeof import('@/app/api/contact/route')
let issueFormToken: typeof import('@/lib/contact/form-token').issueFormToken
let delivery: typeof import('@/lib/contact/delivery')
let store: typeof import('@/lib/contact/store')

beforeAll(async () => {
  mailbox = await startMailbox()
  smtpPort = mailbox.port
  env = await startContactLake({SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, CONTACT_MAIL_FROM: 'site@example.org'})
  route = await import('@/app/api/contact/route')
  ;({issueFormToken} = await import('@/lib/contact/form-token'))
  delivery = await import('@/lib/contact/delivery')
  store = await import('@/lib/contact/store')
})

afterAll(async () => {
  delivery?.stopDeliveryWorker()
  await mailbox?.close()
  await env?.close()
})

async function submit(fields: Record<string, string>): Promise<Response> {
  return route.POST(
    new Request(`${SITE}/api/contact`, {
      method: 'POST',
      headers: {'content-type': 'application/json', origin: SITE, 'x-forwarded-for': nextAddress()},
      body: JSON.stringify({...fields, formToken: issueFormToken(new Date(Date.now() - 10_000))}),
    }),
  )
}

type Stored = {_id: string; delivery: {state: string; attempts: number; lastAttemptAt?: string; error?: string}}

function findBySubject(subject: string): Promise<Stored | null> {
  return env.admin.fetch('*[_type == "contactMessage" && subject == $subject][0]{_id, delivery}', {subject})
}

describe('notification e-mail', () => {
  it('mails each message to the contact address with Reply-To set to the reader', async () => {
    const response = await submit({
      ...validFields({name: 'Ana Reader', email: 'ana@example.net', subject: 'Mail me please'}),
      message: 'Is the Times story the same one you quoted?\nSecond paragraph — with “quotes”.',
      postId: 'post-contact-test',
    })
    expect(response.status).toBe(200)

    const mail = await mailbox.waitFor((m) => m.headers.get('subject')?.includes('Mail me please') ?? false)
    expect(mail.to).toEqual(['editors@example.org'])
    expect(mail.from).toBe('site@example.org')
    expect(mail.headers.get('subject')).toBe('[In Venezuela contact] Mail me please')
    expect(mail.headers.get('reply-to')).toBe('Ana Reader <ana@example.net>')
    expect(mail.text).toContain('Is the Times story the same one you quoted?\nSecond paragraph — with “quotes”.')
    expect(mail.text).toContain('From: Ana Reader <ana@example.net>')
    expect(mail.text).toContain(`${SITE}/posts/a-post-readers-write-about`)

    const stored = await eventually(async () => {
      const doc = await findBySubject('Mail me please')
      return doc?.delivery.state === 'sent' ? doc : undefined
    })
    expect(stored.delivery).toMatchObject({state: 'sent', attempts: 1})
    expect(stored.delivery.error).toBeUndefined()
    expect(mail.headers.get('x-dispatch-contact-id')).toBe(stored._id)
  })

  it('keeps the message when the mail server is down, marks it failed, and a later retry sends it', async () => {
    await mailbox.close()
    const response = await submit(validFields({subject: 'While the mail server sleeps'}))
    expect(response.status).toBe(200) // stored: the reader is told it was sent

    const failed = await eventually(async () => {
      const doc = await findBySubject('While the mail server sleeps')
      return doc?.delivery.state === 'failed' ? doc : undefined
    })
    expect(failed.delivery.attempts).toBe(1)
    expect(failed.delivery.error).toMatch(/ECONNREFUSED|connect/i)
    expect(failed.delivery.lastAttemptAt).toBeDefined()

    // The mail server is back, but the backoff has not passed: a sweep leaves it alone.
    mailbox = await startMailbox(smtpPort)
    await delivery.sweepDeliveries()
    expect((await findBySubject('While the mail server sleeps'))?.delivery.state).toBe('failed')

    // Two minutes later the retry loop sends it.
    const later = () => new Date(Date.now() + 2 * 60_000)
    const result = await delivery.sweepDeliveries({now: later})
    expect(result.sent).toBeGreaterThanOrEqual(1)
    const mail = await mailbox.waitFor((m) => m.headers.get('subject')?.includes('While the mail server sleeps') ?? false)
    expect(mail.headers.get('reply-to')).toBe('Ana Reader <ana@example.net>')
    expect(mail.text).toContain(validFields().message)
    const sent = await findBySubject('While the mail server sleeps')
    expect(sent?.delivery).toMatchObject({state: 'sent', attempts: 2})
    expect(sent?.delivery.error).toBeUndefined()
  })

  it('sends once when two attempts race for the same message', async () => {
    const document = store.buildContactMessage(
      {name: 'Racer', email: 'racer@example.net', subject: 'Exactly once', message: 'Two workers, one mail please.'},
      {now: new Date(), mailConfigured: true},
    )
    await store.storeContactMessage(env.admin, document)
    const outcomes = await Promise.all([delivery.deliverMessage(document._id), delivery.deliverMessage(document._id)])
    expect(outcomes.sort()).toEqual(['sent', 'skipped'])
    await mailbox.waitFor((m) => m.headers.get('x-dispatch-contact-id') === document._id)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(mailbox.mails.filter((m) => m.headers.get('x-dispatch-contact-id') === document._id)).toHaveLength(1)
  })
})
