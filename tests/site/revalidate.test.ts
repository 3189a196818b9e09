/**
 * `/api/revalidate` refuses anything not signed with the webhook secret, in the unit suite
 * (#18, finding 12: accepting unsigned calls was noticed only by the slow e2e suite), and refuses
 * signatures outside the replay window (finding 5).
 */
import {encodeSignatureHeader} from '@sanity/webhook'
import {beforeAll, describe, expect, it, vi} from 'vitest'

const SECRET = 'unit-test-revalidate-secret'
const revalidated: string[] = []
vi.mock('next/cache', () => ({revalidateTag: (tag: string) => void revalidated.push(tag)}))

let POST: (request: Request) => Promise<Response>
beforeAll(async () => {
  vi.stubEnv('SANITY_REVALIDATE_SECRET', SECRET)
  vi.resetModules()
  ;({POST} = await import('@/app/api/revalidate/route'))
})

const body = JSON.stringify({_id: 'post-1', _type: 'post', operation: 'update', slug: 'hello'})
const call = (headers: Record<string, string>, text = body) =>
  POST(new Request('http://site/api/revalidate', {method: 'POST', headers: {'content-type': 'application/json', ...headers}, body: text}))

describe('POST /api/revalidate', () => {
  it('refuses an unsigned call and expires nothing', async () => {
    const response = await call({})
    expect(response.status).toBe(401)
    expect(revalidated).toEqual([])
  })

  it('refuses a signature made with another secret', async () => {
    expect((await call({'sanity-webhook-signature': await encodeSignatureHeader(body, Date.now(), 'wrong')})).status).toBe(401)
  })

  it('refuses a valid signature replayed after the tolerance', async () => {
    expect((await call({'sanity-webhook-signature': await encodeSignatureHeader(body, Date.now() - 10 * 60_000, SECRET)})).status).toBe(401)
    expect(revalidated).toEqual([])
  })

  it('expires the tags of a correctly signed change', async () => {
    const response = await call({'sanity-webhook-signature': await encodeSignatureHeader(body, Date.now(), SECRET)})
    expect(response.status).toBe(200)
    expect(revalidated).toContain('post:hello')
  })

  it('answers 413 to an oversize signed body', async () => {
    const big = JSON.stringify({_id: 'x', _type: 'post', pad: 'p'.repeat(70 * 1024)})
    expect((await call({'sanity-webhook-signature': await encodeSignatureHeader(big, Date.now(), SECRET)}, big)).status).toBe(413)
  })

  it('expires the sync tags of a live event, with its id as the change pseudo-tag (one announcement per cluster)', async () => {
    const {changeTag} = await import('@/lib/response-cache/tag-registry.cjs')
    const live = JSON.stringify({syncTags: ['s1:abc'], eventId: 'boot1-42'})
    const response = await call({'sanity-webhook-signature': await encodeSignatureHeader(live, Date.now(), SECRET)}, live)
    expect(response.status).toBe(200)
    expect(revalidated).toContain('sanity:s1:abc')
    expect(revalidated).toContain(changeTag('boot1-42'))
    expect(changeTag('boot1-42')).toMatch(/^_dispatch_change:[A-Za-z0-9_-]{32}$/)
  })
})
