/**
 * #18 findings 4 and 11: per-client limits key on the address the production server saw (or, only
 * behind a configured trusted proxy, the one it reported), and a mention refused for its target
 * does not use up the sender's allowance.
 * Each test speaks from its own loopback address (127.x.y.z): one client each.
 */
import crypto from 'node:crypto'
import {beforeAll, describe, expect, it} from 'vitest'
import {posts, send, stack, type PostRef} from './helpers'
import {publicUrl} from './http'

/** A form token as if the contact form had been rendered `secondsAgo` ago (signed with the server's secret). */
function formToken(secondsAgo = 10): string {
  const issuedAt = Date.now() - secondsAgo * 1000
  return `${issuedAt}.${crypto.createHmac('sha256', stack().contactFormSecret).update(String(issuedAt)).digest('base64url')}`
}

const contact = (headers: Record<string, string>, options: {from: string; base?: string}) =>
  send('/api/contact', {
    ...options,
    headers: {'content-type': 'application/json', ...headers},
    body: JSON.stringify({name: 'Rate Test', email: 'r@example.net', subject: 'Limits', message: 'Testing the per-client limit.', website: '', formToken: formToken()}),
  })

const randomAddress = () => `198.51.100.${Math.floor(Math.random() * 254) + 1}`

let target: PostRef
beforeAll(async () => {
  ;[target] = await posts()
})

describe('contact form: 5 messages a minute per client (#4: 12 got through by rotating X-Forwarded-For)', () => {
  it('a client rotating X-Forwarded-For is still one client', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) statuses.push((await contact({'x-forwarded-for': randomAddress(), 'x-real-ip': randomAddress()}, {from: '127.0.2.1'})).status)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429])
  })

  it('behind a trusted proxy, the address the proxy reports is the client', async () => {
    const base = stack().proxiedSiteUrl
    // The proxy (127.0.0.1) appends what it saw; a client's own claims stand to the left of it.
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push((await contact({'x-forwarded-for': `${randomAddress()}, 203.0.113.50`}, {from: '127.0.0.1', base})).status)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429])
    // Another client behind the same proxy has its own allowance.
    expect((await contact({'x-forwarded-for': '203.0.113.51'}, {from: '127.0.0.1', base})).status).toBe(200)
  })

  it('behind a trusted proxy, a connection from elsewhere cannot claim an address', async () => {
    const base = stack().proxiedSiteUrl
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push((await contact({'x-forwarded-for': randomAddress()}, {from: '127.0.2.2', base})).status)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429])
  })
})

const webmention = (source: string, targetUrl: string, from: string, headers: Record<string, string> = {}) =>
  send('/webmention', {
    from,
    headers: {'content-type': 'application/x-www-form-urlencoded', ...headers},
    body: new URLSearchParams({source, target: targetUrl}).toString(),
  })

describe('mentions: 10 a minute per client', () => {
  it('a client rotating X-Forwarded-For is still one client', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) {
      // Distinct source hosts, so only the per-client limit can answer 429.
      const answer = await webmention(`http://rotating-${i}-${crypto.randomUUID()}.invalid/post`, publicUrl(`/posts/${target.slug}`), '127.0.2.3', {'x-forwarded-for': randomAddress()})
      statuses.push(answer.status)
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(202))
    expect(statuses.slice(10)).toEqual([429, 429])
  })

  it('mentions refused for their target do not use up the allowance (#11)', async () => {
    for (let i = 0; i < 15; i++) {
      const refused = await webmention(`http://order-${i}.invalid/post`, 'http://elsewhere.example/not-ours', '127.0.2.4')
      expect(refused.status, `foreign target ${i}`).toBe(400)
    }
    const accepted = await webmention(`http://order-ok-${crypto.randomUUID()}.invalid/post`, publicUrl(`/posts/${target.slug}`), '127.0.2.4')
    expect(accepted.status).toBe(202)
  })
})
