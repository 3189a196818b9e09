/**
 * #18 finding 5 (and 12): signed webhooks expire, and the mentions webhook acts once per delivery.
 * Before: a captured signed request was accepted forever (revalidate 200, mentions 202 and the
 * outgoing mentions sent again on every replay).
 */
import crypto from 'node:crypto'
import {describe, expect, it} from 'vitest'
import {send, signed} from './helpers'

const MINUTE = 60_000
const change = () => ({_id: `post-security-${crypto.randomUUID()}`, _type: 'post', operation: 'update', slug: 'not-a-post', transactionId: crypto.randomUUID()})

describe.each(['/api/revalidate', '/api/webhooks/mentions'])('POST %s', (path) => {
  it('refuses an unsigned call', async () => {
    const answer = await send(path, {headers: {'content-type': 'application/json'}, body: JSON.stringify(change())})
    expect(answer.status).toBe(401)
    expect(answer.text).toMatch(/signature/i)
  })

  it('refuses a forged signature', async () => {
    const request = await signed(change())
    const answer = await send(path, {headers: {...request.headers, 'sanity-webhook-signature': `t=${Date.now()},v1=${'x'.repeat(43)}`}, body: request.body})
    expect(answer.status).toBe(401)
  })

  it('refuses a correctly signed request captured ten minutes ago (replay)', async () => {
    const request = await signed(change(), Date.now() - 10 * MINUTE)
    const answer = await send(path, request)
    expect(answer.status).toBe(401)
    expect(answer.text).toMatch(/timestamp/i)
  })

  it('refuses a signature dated in the future', async () => {
    expect((await send(path, await signed(change(), Date.now() + 10 * MINUTE))).status).toBe(401)
  })

  it('accepts a fresh signature', async () => {
    const answer = await send(path, await signed(change()))
    expect([200, 202]).toContain(answer.status)
  })
})

describe('mentions webhook idempotency', () => {
  it('acts on a delivery once: an immediate replay, or a re-signed retry of the same change, is acknowledged and ignored', async () => {
    const body = change()
    const first = await signed(body)
    const accepted = await send('/api/webhooks/mentions', first)
    expect(accepted.status).toBe(202)
    const replay = await send('/api/webhooks/mentions', first)
    expect(replay.status).toBe(200)
    expect(JSON.parse(replay.text)).toMatchObject({duplicate: true})
    const retry = await send('/api/webhooks/mentions', await signed(body, Date.now() + 1000))
    expect(JSON.parse(retry.text)).toMatchObject({duplicate: true})
    // A different change is new.
    expect((await send('/api/webhooks/mentions', await signed(change()))).status).toBe(202)
  })
})
