/**
 * The server action's answers (what readers with and without JavaScript see), against a REAL lake.
 * Only the request headers are supplied by the test: `next/headers` needs Next's request scope.
 */
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'
import {CONTACT_QUERY, SITE, startContactLake, validFields, type ContactLake} from './helpers'

const requestHeaders = {current: new Headers()}
vi.mock('next/headers', () => ({headers: async () => requestHeaders.current}))

let env: ContactLake
let sendContactMessage: typeof import('@/lib/contact/actions').sendContactMessage
let issueFormToken: typeof import('@/lib/contact/form-token').issueFormToken
let checkFormToken: typeof import('@/lib/contact/form-token').checkFormToken
let initialContactState: typeof import('@/lib/contact/state').initialContactState

beforeAll(async () => {
  env = await startContactLake()
  ;({sendContactMessage} = await import('@/lib/contact/actions'))
  ;({issueFormToken, checkFormToken} = await import('@/lib/contact/form-token'))
  ;({initialContactState} = await import('@/lib/contact/state'))
})

afterAll(async () => {
  await env?.close()
})

let address = 0
function from(origin = SITE) {
  address += 1
  requestHeaders.current = new Headers({host: 'localhost:3000', origin, 'x-forwarded-for': `198.51.100.${address}`})
}

function formData(fields: Record<string, string>): FormData {
  const data = new FormData()
  for (const [key, value] of Object.entries(fields)) data.set(key, value)
  // React's own hidden fields ride along in a real no-JS post; the action ignores them.
  data.set('$ACTION_KEY', 'k123')
  return data
}

describe('sendContactMessage', () => {
  it('stores the message and answers with a cleared form and a fresh token', async () => {
    from()
    const token = issueFormToken(new Date(Date.now() - 10_000))
    const state = await sendContactMessage(initialContactState(token), formData({...validFields({subject: 'Via the action'}), formToken: token}))
    expect(state).toMatchObject({status: 'sent', fieldErrors: {}, values: {name: '', email: '', subject: '', message: ''}, seq: 1})
    expect(state.message).toMatch(/has been sent/)
    expect(state.formToken).not.toBe(token)
    const stored: {subject?: string}[] = await env.admin.fetch(CONTACT_QUERY)
    expect(stored.map((doc) => doc.subject)).toContain('Via the action')
  })

  it('keeps what the reader typed and the original token when a field is wrong', async () => {
    from()
    const token = issueFormToken(new Date(Date.now() - 10_000))
    const typed: Record<string, string> = {...validFields({email: 'ana@@example', subject: 'Typed subject'}), formToken: token}
    const state = await sendContactMessage({...initialContactState(token), seq: 4}, formData(typed))
    expect(state).toMatchObject({
      status: 'invalid',
      fieldErrors: {email: 'Please enter a valid e-mail address, like name@example.com.'},
      values: {name: typed.name, email: typed.email, subject: typed.subject, message: typed.message},
      formToken: token, // a fresh one would make a quick correction look "too fast"
      seq: 5,
    })
  })

  it('replaces a broken token with one the reader can use at once', async () => {
    from()
    const state = await sendContactMessage(initialContactState(''), formData({...validFields(), formToken: 'garbage'}))
    expect(state.status).toBe('error')
    expect(state.message).toMatch(/send it again/)
    expect(checkFormToken(state.formToken)).toBe('ok')
    expect(state.values.message).toBe(validFields().message)
  })

  it('tells the sixth sender in a minute to try again later, keeping their text', async () => {
    from()
    const token = issueFormToken(new Date(Date.now() - 10_000))
    for (let i = 0; i < 5; i++) {
      expect((await sendContactMessage(initialContactState(token), formData({...validFields(), formToken: token}))).status).toBe('sent')
    }
    const sixth = await sendContactMessage(initialContactState(token), formData({...validFields({subject: 'Sixth'}), formToken: token}))
    expect(sixth.status).toBe('error')
    expect(sixth.message).toMatch(/try again later/)
    expect(sixth.values.subject).toBe('Sixth')
  })

  it('refuses what Next lets through from another site (no Origin, foreign Referer)', async () => {
    address += 1
    requestHeaders.current = new Headers({host: 'localhost:3000', referer: 'https://evil.example/', 'x-forwarded-for': `198.51.100.${address}`})
    const token = issueFormToken(new Date(Date.now() - 10_000))
    const state = await sendContactMessage(initialContactState(token), formData({...validFields({subject: 'From evil'}), formToken: token}))
    expect(state).toMatchObject({status: 'error', message: 'This form can only be sent from this site.'})
    const stored: {subject?: string}[] = await env.admin.fetch(CONTACT_QUERY)
    expect(stored.map((doc) => doc.subject)).not.toContain('From evil')
  })
})
