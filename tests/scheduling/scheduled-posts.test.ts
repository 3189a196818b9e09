import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {isValidSignature, SIGNATURE_HEADER_NAME} from '@sanity/webhook'
import {evaluate, parse} from 'groq-js'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

const SECRET = 'test-secret-for-scheduled-posts'
vi.stubEnv('SANITY_REVALIDATE_SECRET', SECRET)
const {announcePublished, delayUntil, duePostsQuery, nextScheduledPostQuery} = await import('@/lib/scheduling/scheduled-posts')

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
      if (JSON.parse(body)._id === 'post-refused' && req.url === '/api/webhooks/mentions') res.statusCode = 503
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

  it('fails an announcement one endpoint did not accept, so that it is retried rather than counted as done', async () => {
    await expect(announcePublished(origin, {_id: 'post-refused', slug: 'refused'})).rejects.toThrow('/api/webhooks/mentions answered 503')
  })

  it('announces only posts written before their moment, and finds the next moment after the window just passed', async () => {
    const doc = (id: string, publishedAt: string, updatedAt: string) => ({_id: id, _type: 'post', slug: {current: id}, publishedAt, _updatedAt: updatedAt})
    const dataset = [
      doc('scheduled', '2026-01-01T10:00:00.000Z', '2026-01-01T09:00:00.000Z'),
      // Published at once (or back-dated): its own write already announced it.
      doc('written-after', '2026-01-01T10:00:01.000Z', '2026-01-01T10:00:02.000Z'),
      doc('later', '2026-01-01T10:00:05.000Z', '2026-01-01T09:00:00.000Z'),
      {...doc('drafts.scheduled', '2026-01-01T10:00:00.000Z', '2026-01-01T09:00:00.000Z')},
    ]
    const run = async (query: string, params: Record<string, string>) => (await evaluate(parse(query), {dataset, params})).get()
    const due = await run(duePostsQuery, {since: '2026-01-01T09:59:59.000Z', until: '2026-01-01T10:00:03.000Z'})
    expect(due.map((post: {_id: string}) => post._id)).toEqual(['scheduled'])
    // A pass whose window ended at 10:00:03 must wake for 10:00:05, whatever the clock says by now.
    expect((await run(nextScheduledPostQuery, {after: '2026-01-01T10:00:03.000Z'}))._id).toBe('later')
    expect((await run(nextScheduledPostQuery, {after: '2026-01-01T09:59:00.000Z'}))._id).toBe('scheduled')
  })
})
