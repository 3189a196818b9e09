import {encodeSignatureHeader} from '@sanity/webhook'
import {describe, expect, it} from 'vitest'
import {deliveryKeys, readSignedWebhook, ReplayGuard, WEBHOOK_TOLERANCE_MS} from '@/lib/http/signed-webhook'

const SECRET = 'test-secret'

async function request(body: string, timestamp: number, secret = SECRET): Promise<Request> {
  return new Request('http://site/hook', {method: 'POST', body, headers: {'sanity-webhook-signature': await encodeSignatureHeader(body, timestamp, secret)}})
}

describe('readSignedWebhook', () => {
  const now = Date.UTC(2026, 0, 1)
  it('accepts a fresh, valid signature', async () => {
    const result = await readSignedWebhook(await request('{"a":1}', now - 1000), SECRET, 1024, now)
    expect(result).toMatchObject({ok: true, body: {a: 1}})
  })

  it.each([
    ['older than the tolerance', now - WEBHOOK_TOLERANCE_MS - 1],
    ['from the future beyond the tolerance', now + WEBHOOK_TOLERANCE_MS + 1],
  ])('refuses a signature %s', async (_, timestamp) => {
    expect(await readSignedWebhook(await request('{}', timestamp), SECRET, 1024, now)).toMatchObject({ok: false, status: 401})
  })

  it('refuses a missing, malformed or wrong signature', async () => {
    expect(await readSignedWebhook(new Request('http://site/hook', {method: 'POST', body: '{}'}), SECRET, 1024, now)).toMatchObject({status: 401})
    const malformed = new Request('http://site/hook', {method: 'POST', body: '{}', headers: {'sanity-webhook-signature': 'nope'}})
    expect(await readSignedWebhook(malformed, SECRET, 1024, now)).toMatchObject({status: 401})
    expect(await readSignedWebhook(await request('{}', now, 'other'), SECRET, 1024, now)).toMatchObject({status: 401})
  })

  it('answers 413 past the size cap and 400 for a signed non-JSON body', async () => {
    expect(await readSignedWebhook(await request('x'.repeat(2048), now), SECRET, 1024, now)).toMatchObject({status: 413})
    expect(await readSignedWebhook(await request('not json', now), SECRET, 1024, now)).toMatchObject({status: 400})
  })
})

describe('ReplayGuard', () => {
  it('lets a delivery act once, recognising it by body or idempotency key', async () => {
    const guard = new ReplayGuard(10_000, 100, {redis: null})
    const first = new Request('http://site', {headers: {'idempotency-key': 'k1'}})
    expect(await guard.firstDelivery(deliveryKeys(first, {text: 'a'}), 0)).toBe(true)
    expect(await guard.firstDelivery(deliveryKeys(new Request('http://site'), {text: 'a'}), 1)).toBe(false)
    expect(await guard.firstDelivery(deliveryKeys(first, {text: 'b'}), 2)).toBe(false)
    expect(await guard.firstDelivery(deliveryKeys(new Request('http://site'), {text: 'c'}), 3)).toBe(true)
    // Forgotten after its time (the signature's tolerance refuses older replays anyway).
    expect(await guard.firstDelivery(deliveryKeys(new Request('http://site'), {text: 'a'}), 20_000)).toBe(true)
  })

  it('stays bounded', async () => {
    const guard = new ReplayGuard(60_000, 50, {redis: null})
    for (let i = 0; i < 500; i++) await guard.firstDelivery([`k${i}`], i)
    expect((guard as unknown as {seen: Map<string, number>}).seen.size).toBeLessThanOrEqual(50)
  })
})
