/**
 * The production server's response cache (lib/response-cache) end to end: real build, real lake.
 * Hits are served without entering Next; a publish, edit or unpublish through @sanity/client purges
 * every page and feed that shows the post within a second; draft mode is never cached.
 */
import {expect, test, type APIRequestContext} from '@playwright/test'
import {lakeClient} from './lake-client'

test.skip(
  !process.env.CI && process.env.E2E_BUILD !== '1',
  'The response cache runs only in the production server; scripts/test-server.ts starts that in CI or with E2E_BUILD=1 (locally it runs `next dev`).',
)


/** Requests `path` until `predicate` holds; returns how long it took. Fails after `timeoutMs`. */
async function timeUntil(request: APIRequestContext, path: string, predicate: (body: string, status: number) => boolean, timeoutMs: number) {
  const started = Date.now()
  await expect
    .poll(
      async () => {
        const response = await request.get(path)
        return predicate(await response.text(), response.status())
      },
      {timeout: timeoutMs, intervals: [50], message: `${path} within ${timeoutMs} ms`},
    )
    .toBe(true)
  return Date.now() - started
}

const pages = ['/', '/category/politics', '/feed.xml', '/atom.xml', '/feed.json', '/category/politics/feed.xml']

test('a second identical request is served from the cache', async ({request}) => {
  for (const path of ['/', '/posts/year-in-review-2018', '/category/politics', '/feed.xml']) {
    await request.get(path)
    const second = await request.get(path)
    expect(second.status(), path).toBe(200)
    expect(second.headers()['x-cache'], path).toBe('HIT')
    expect(second.headers()['etag'], path).toBeTruthy()
    expect(second.headers()['cache-control'], path).toContain('s-maxage')
  }
})

test('publish, edit and unpublish reach every cached page and feed within a second', async ({request}) => {
  const client = lakeClient()
  const slug = `cache-e2e-${Date.now().toString(36)}`
  const post = {
    _id: `post-${slug}`,
    _type: 'post',
    title: `Cache check ${slug}`,
    slug: {_type: 'slug', current: slug},
    excerpt: 'A post made by the response cache end-to-end test.',
    publishedAt: new Date(Date.now() - 60_000).toISOString(),
    author: {_type: 'reference', _ref: 'author-daniel-rios'},
    categories: [{_type: 'reference', _ref: 'category-politics', _key: 'c1'}],
    body: [{_type: 'block', _key: 'b1', style: 'normal', markDefs: [], children: [{_type: 'span', _key: 's1', text: 'Cached body.', marks: []}]}],
  }
  // Every page is in the cache before the change.
  for (const path of pages) {
    await request.get(path)
    expect((await request.get(path)).headers()['x-cache'], path).toBe('HIT')
  }

  await client.create(post)
  try {
    for (const path of pages) {
      const ms = await timeUntil(request, path, (body) => body.includes(post.title), 1_000)
      expect(ms, `${path} showed the new post after ${ms} ms`).toBeLessThan(1_000)
    }
    // Cached again, and an edit purges the post page as well.
    await request.get(`/posts/${slug}`)
    expect((await request.get(`/posts/${slug}`)).headers()['x-cache']).toBe('HIT')
    const edited = `${post.title} (edited)`
    await client.patch(post._id).set({title: edited}).commit()
    await timeUntil(request, `/posts/${slug}`, (body) => body.includes(edited), 1_000)
    await timeUntil(request, '/', (body) => body.includes(edited), 1_000)

    await client.delete(post._id)
    await timeUntil(request, `/posts/${slug}`, (_body, status) => status === 404, 1_000)
    for (const path of pages) await timeUntil(request, path, (body) => !body.includes(post.title), 1_000)
  } finally {
    await client.delete(post._id).catch(() => {})
  }
})

test('draft-mode requests are never served from or stored in the cache', async ({request}) => {
  await request.get('/posts/year-in-review-2018')
  const draft = await request.get('/posts/year-in-review-2018', {headers: {cookie: '__prerender_bypass=not-a-real-secret'}})
  expect(draft.headers()['x-cache']).toBeUndefined()
  // The Studio and APIs bypass it too.
  expect((await request.get('/api/health')).headers()['x-cache']).toBeUndefined()
  expect((await request.get('/search?q=maduro')).headers()['x-cache']).toBeUndefined()
})
