/**
 * #18 findings 1 and 12: one anonymous request must never change what other readers get.
 * Requests Next answers specially (prefetch, RSC, router state, middleware and prerender
 * internals) bypass the response cache; only complete, successful documents are stored; a cached
 * page honours weak and `*` validators.
 */
import {beforeAll, describe, expect, it} from 'vitest'
import {NEXT_SPECIAL_REQUEST_HEADERS} from '@/lib/response-cache/policy'
import {freshPost, isWholePage, posts, send, type PostRef} from './helpers'

let all: PostRef[]
beforeAll(async () => {
  all = await posts()
  expect(all.length).toBeGreaterThan(5)
})

describe('cache poisoning', () => {
  it('a prefetch (X-Middleware-Prefetch) on a cache miss does not blank the post for everyone', async () => {
    const post = await freshPost('prefetch')
    const attack = await send(`/posts/${post.slug}`, {headers: {'x-middleware-prefetch': '1'}})
    expect(attack.headers['x-cache']).toBeUndefined()
    const reader = await send(`/posts/${post.slug}`)
    expect(reader.headers['x-cache'], 'the attack left nothing in the cache').toBe('MISS')
    expect(isWholePage(reader), `reader got ${reader.status} ${reader.headers['x-cache']} ${reader.text.slice(0, 80)}`).toBe(true)
    const again = await send(`/posts/${post.slug}`)
    expect(again.headers['x-cache']).toBe('HIT')
    expect(isWholePage(again)).toBe(true)
  })

  it.each([
    ['rsc', '1'],
    ['next-router-prefetch', '1'],
    ['next-router-state-tree', '%5B%22%22%2C%7B%7D%5D'],
    ['next-router-segment-prefetch', '/_tree'],
    ['x-nextjs-data', '1'],
    ['x-middleware-subrequest', 'middleware'],
    ['x-prerender-revalidate', '1'],
  ])('%s on a cache miss is answered by Next alone, and readers still get the page', async (name, value) => {
    const post = await freshPost(name)
    const attack = await send(`/posts/${post.slug}`, {headers: {[name]: value}})
    expect(attack.status).toBeLessThan(500)
    expect(attack.headers['x-cache']).toBeUndefined()
    const reader = await send(`/posts/${post.slug}`)
    expect(isWholePage(reader), `after ${name}: ${reader.status} ${reader.text.slice(0, 80)}`).toBe(true)
    expect(reader.text).toContain('Readers must get this whole page.')
  })

  it('every special header Next knows bypasses the cache on a live server', async () => {
    const post = all[all.length - 1]
    for (const name of NEXT_SPECIAL_REQUEST_HEADERS) {
      const answer = await send(`/posts/${post.slug}`, {headers: {[name]: '1'}}).catch((error: Error) => ({status: 0, headers: {}, text: error.message}))
      expect(answer.headers['x-cache' as never], name).toBeUndefined()
    }
    expect(isWholePage(await send(`/posts/${post.slug}`))).toBe(true)
  })

  it('a missing page is never stored', async () => {
    await send('/posts/no-such-post-here')
    const again = await send('/posts/no-such-post-here')
    expect(again.status).toBe(404)
    expect(again.headers['x-cache']).not.toBe('HIT')
  })
})

describe('conditional requests on cached pages', () => {
  it('answer 304 to the ETag, its weak form and *, and 200 otherwise', async () => {
    await send('/')
    const hit = await send('/')
    expect(hit.headers['x-cache']).toBe('HIT')
    const etag = String(hit.headers.etag)
    for (const condition of [etag, `W/${etag}`, '*']) {
      const answer = await send('/', {headers: {'if-none-match': condition}})
      expect(answer.status, condition).toBe(304)
      expect(answer.body.length).toBe(0)
    }
    expect((await send('/', {headers: {'if-none-match': '"not-it"'}})).status).toBe(200)
  })
})
