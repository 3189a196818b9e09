import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {isValidSignature, SIGNATURE_HEADER_NAME} from '@sanity/webhook'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

const SECRET = 'test-secret-for-scheduled-posts'
vi.stubEnv('SANITY_REVALIDATE_SECRET', SECRET)
const {announcePublished, delayUntil} = await import('@/lib/scheduling/scheduled-posts')

const received: {path: string; body: string; valid: boolean}[] = []
let server: http.Server
let origin: string

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', async () => {
      const signature = String(req.headers[SIGNATURE_HEADER_NAME] ?? '')
      received.push({path: req.url ?? '', body, valid: await isValidSignature(body, signature, SECRET)})
      res.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('scheduled posts', () => {
  it('announces a post going live to the revalidate and mentions webhooks, signed like the lake', async () => {
    await announcePublished(origin, {_id: 'post-later', slug: 'later'})
    expect(received.map((r) => r.path).sort()).toEqual(['/api/revalidate', '/api/webhooks/mentions'])
    for (const request of received) {
      expect(request.valid).toBe(true)
      expect(JSON.parse(request.body)).toMatchObject({_id: 'post-later', _type: 'post', operation: 'update', slug: 'later'})
    }
  })

  it('wakes up at the scheduled moment, but re-checks at least every five minutes', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(delayUntil('2026-01-01T00:00:10Z', now)).toBe(10_100)
    expect(delayUntil('2026-01-02T00:00:00Z', now)).toBe(5 * 60_000)
    expect(delayUntil('2025-12-31T00:00:00Z', now)).toBe(0)
    expect(delayUntil(undefined, now)).toBe(5 * 60_000)
  })
})
