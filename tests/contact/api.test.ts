/**
 * The contact endpoint against a REAL local lake (no SMTP configured): what is stored, what is
 * refused and with which status, and that stored messages stay private.
 */
import {createClient} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {CONTACT_QUERY, SITE, nextAddress, startContactLake, validFields, type ContactLake} from './helpers'

let env: ContactLake
let route: typeof import('@/app/api/contact/route')
let issueFormToken: typeof import('@/lib/contact/form-token').issueFormToken
let processSubmission: typeof import('@/lib/contact/submit').processSubmission

beforeAll(async () => {
  env = await startContactLake()
  route = await import('@/app/api/contact/route')
  ;({issueFormToken} = await import('@/lib/contact/form-token'))
  ;({processSubmission} = await import('@/lib/contact/submit'))
})

afterAll(async () => {
  await env?.close()
})

/** A token as if the form had been rendered `secondsAgo` ago. */
function tokenFrom(secondsAgo: number): string {
  return issueFormToken(new Date(Date.now() - secondsAgo * 1000))
}

function postJson(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return route.POST(
    new Request(`${SITE}/api/contact`, {
      method: 'POST',
      headers: {'content-type': 'application/json', origin: SITE, 'x-forwarded-for': nextAddress(), ...headers},
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  )
}

async function storedMessages(): Promise<Record<string, unknown>[]> {
  return env.admin.fetch(CONTACT_QUERY)
}

describe('POST /api/contact', () => {
  it('stores a valid message privately before answering, linked to its post', async () => {
    const response = await postJson({...validFields({subject: 'Stored one'}), formToken: tokenFrom(10), postId: 'post-contact-test'})
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ok: true})

    // Stored already when the answer came: no waiting.
    const [message] = (await storedMessages()).filter((doc) => doc.subject === 'Stored one')
    expect(message).toMatchObject({
      _type: 'contactMessage',
      name: 'Ana Reader',
      email: 'ana@example.net',
      message: 'Thank you for the translation of the NYT piece. Do you know more?',
      status: 'new',
      delivery: {state: 'not-configured', attempts: 0},
      post: {_type: 'reference', _ref: 'post-contact-test', _weak: true},
    })
    expect(message._id).toMatch(/^contact\.[0-9a-f-]{36}$/)
    expect(Date.now() - Date.parse(message.receivedAt as string)).toBeLessThan(60_000)

    // Private: the public API neither lists nor returns it; a token finds it.
    expect(await env.anonymous.fetch('*[_type == "contactMessage"]')).toEqual([])
    expect(await env.anonymous.fetch('*[_id == $id][0]', {id: message._id})).toBeNull()
    expect(await env.anonymous.getDocument(message._id as string)).toBeUndefined()
    const raw = createClient({projectId: 'dispatch', dataset: 'production', apiVersion: '2025-02-19', apiHost: env.lake.httpUrl, useProjectHostname: false, useCdn: false, perspective: 'raw'})
    expect(await raw.fetch('*[_type == "contactMessage"]')).toEqual([])
    expect(await env.admin.fetch('*[_type == "contactMessage" && _id == $id][0]._id', {id: message._id})).toBe(message._id)
  })

  it('accepts form-encoded posts, ignores an unknown or draft post id', async () => {
    const form = new URLSearchParams({...validFields({subject: 'Form encoded'}), formToken: tokenFrom(10), postId: 'drafts.post-contact-test'})
    const response = await route.POST(
      new Request(`${SITE}/api/contact`, {
        method: 'POST',
        headers: {'content-type': 'application/x-www-form-urlencoded', origin: SITE, 'x-forwarded-for': nextAddress()},
        body: form.toString(),
      }),
    )
    expect(response.status).toBe(200)
    const [message] = (await storedMessages()).filter((doc) => doc.subject === 'Form encoded')
    expect(message).toBeDefined()
    expect(message.post).toBeUndefined()
  })

  it('drops a filled honeypot silently: success answer, nothing stored', async () => {
    const before = (await storedMessages()).length
    const response = await postJson({...validFields({website: 'http://spam.example'}), formToken: tokenFrom(10)})
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ok: true})
    expect(await storedMessages()).toHaveLength(before)
  })

  it('drops a form sent within three seconds of rendering: success answer, nothing stored', async () => {
    const before = (await storedMessages()).length
    const response = await postJson({...validFields(), formToken: tokenFrom(1)})
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ok: true})
    expect(await storedMessages()).toHaveLength(before)
  })

  it('refuses a missing or forged form token with a clear 400', async () => {
    const missing = await postJson(validFields())
    expect(missing.status).toBe(400)
    expect((await missing.json()).error).toMatchObject({code: 'bad-token', message: expect.stringMatching(/send it again/)})
    const forged = await postJson({...validFields(), formToken: '1700000000000.' + 'A'.repeat(43)})
    expect(forged.status).toBe(400)
  })

  it('answers the sixth submission in a minute from one address with 429 and Retry-After', async () => {
    const address = nextAddress()
    for (let i = 0; i < 5; i++) {
      const response = await postJson({...validFields({subject: `Burst ${i}`}), formToken: tokenFrom(10)}, {'x-forwarded-for': address})
      expect(response.status).toBe(200)
    }
    const sixth = await postJson({...validFields({subject: 'Burst 6'}), formToken: tokenFrom(10)}, {'x-forwarded-for': address})
    expect(sixth.status).toBe(429)
    const retryAfter = Number(sixth.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect((await sixth.json()).error.message).toMatch(/try again later/)
    expect((await storedMessages()).filter((doc) => doc.subject === 'Burst 6')).toEqual([])
    // Someone else is not affected.
    expect((await postJson({...validFields(), formToken: tokenFrom(10)})).status).toBe(200)
  })

  it('refuses cross-site posts with 403 and stores nothing', async () => {
    const before = (await storedMessages()).length
    for (const headers of [
      {origin: 'https://evil.example'},
      {origin: 'null'},
      {origin: '', referer: 'https://evil.example/form.html'},
      {origin: '', 'sec-fetch-site': 'cross-site'},
    ]) {
      const clean = Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== ''))
      const request = new Request(`${SITE}/api/contact`, {
        method: 'POST',
        headers: {'content-type': 'application/json', 'x-forwarded-for': nextAddress(), ...clean},
        body: JSON.stringify({...validFields(), formToken: tokenFrom(10)}),
      })
      const response = await route.POST(request)
      expect(response.status, JSON.stringify(headers)).toBe(403)
      expect(await response.json()).toEqual({ok: false, error: {code: 'cross-site', message: 'This form can only be sent from this site.'}})
    }
    expect(await storedMessages()).toHaveLength(before)
  })

  it('refuses oversized fields with a message per field, and oversized bodies with 413', async () => {
    const before = (await storedMessages()).length
    const tooLong = await postJson({
      ...validFields({name: 'n'.repeat(101), subject: 's'.repeat(151), message: 'm'.repeat(5001)}),
      formToken: tokenFrom(10),
    })
    expect(tooLong.status).toBe(400)
    expect((await tooLong.json()).error).toEqual({
      code: 'invalid',
      message: 'Please correct the fields marked below.',
      fields: {
        name: 'Your name can be at most 100 characters.',
        subject: 'The subject can be at most 150 characters.',
        message: 'The message can be at most 5000 characters.',
      },
    })
    const tooMuchInAll = await postJson({...validFields(), formToken: tokenFrom(10), extra: 'x'.repeat(9000)})
    expect(tooMuchInAll.status).toBe(413)
    expect((await tooMuchInAll.json()).error.message).toMatch(/too large/)
    const hugeBody = await postJson({...validFields(), formToken: tokenFrom(10), message: 'm'.repeat(70_000)})
    expect(hugeBody.status).toBe(413)
    expect(await storedMessages()).toHaveLength(before)
  })

  it('answers malformed bodies and wrong types with 4xx, never 500', async () => {
    expect((await postJson('{not json')).status).toBe(400)
    expect((await postJson('[1,2]')).status).toBe(400)
    expect((await postJson({...validFields(), name: 42, formToken: tokenFrom(10)})).status).toBe(400)
    const text = await route.POST(new Request(`${SITE}/api/contact`, {method: 'POST', headers: {'content-type': 'text/plain', origin: SITE}, body: 'hi'}))
    expect(text.status).toBe(415)
    const repeated = await route.POST(
      new Request(`${SITE}/api/contact`, {
        method: 'POST',
        headers: {'content-type': 'application/x-www-form-urlencoded', origin: SITE, 'x-forwarded-for': nextAddress()},
        body: 'name=a&name=b',
      }),
    )
    expect(repeated.status).toBe(400)
  })

  it('hands out form tokens to API clients, not cached', async () => {
    const response = route.GET()
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = await response.json()
    expect(body).toMatchObject({minFillSeconds: 3, tokenField: 'formToken', limits: {message: {min: 10, max: 5000}}})
    // Straight back is too fast: dropped.
    const before = (await storedMessages()).length
    expect((await postJson({...validFields(), formToken: body.formToken})).status).toBe(200)
    expect(await storedMessages()).toHaveLength(before)
  })
})

describe('when the lake fails', () => {
  it('never claims success: the reader is told it was not sent', async () => {
    const deadClient = createClient({projectId: 'dispatch', dataset: 'production', apiVersion: '2025-02-19', apiHost: 'http://127.0.0.1:9', useProjectHostname: false, useCdn: false, token: env.token, maxRetries: 0})
    const outcome = await processSubmission({...validFields(), formToken: tokenFrom(10)}, {client: deadClient})
    expect(outcome).toMatchObject({kind: 'failed', message: expect.stringMatching(/NOT sent/)})
  })

  it('answers 503 with Retry-After through the endpoint when the lake is down', async () => {
    await env.lake.close()
    const response = await postJson({...validFields(), formToken: tokenFrom(10)})
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('60')
    expect((await response.json()).error.code).toBe('not-stored')
  })
})
