/**
 * The site's cache follows Sanity sync tags (lib/site/live-revalidation.ts): an edit of one post
 * re-renders the pages and feeds that show it — its own page, home, the feeds — and leaves the
 * cached page of an unrelated post alone. No webhook: the lake's Live Content API stream drives it.
 */
import {expect, test, type APIRequestContext} from '@playwright/test'
import {lakeClient} from './lake-client'

test.skip(
  !process.env.CI && process.env.E2E_BUILD !== '1',
  'Cache hits are visible (x-cache) only in the production server; scripts/test-server.ts starts that in CI or with E2E_BUILD=1.',
)

/** One of the oldest demo posts: the new post (the newest, no categories) is neither its neighbour nor related. */
const UNRELATED = '/posts/minimum-wage-raised-again'

async function until(request: APIRequestContext, path: string, predicate: (body: string) => boolean, timeoutMs: number) {
  const started = Date.now()
  await expect
    .poll(async () => predicate(await (await request.get(path)).text()), {timeout: timeoutMs, intervals: [50], message: path})
    .toBe(true)
  return Date.now() - started
}

test('an edit of post A refreshes A, home and feeds within a second, and leaves post B cached', async ({request}) => {
  const client = lakeClient()
  const slug = `sync-tags-${Date.now().toString(36)}`
  const post = {
    _id: `post-${slug}`,
    _type: 'post',
    title: `Sync tag check ${slug}`,
    slug: {_type: 'slug', current: slug},
    excerpt: 'A post made by the sync tags end-to-end test.',
    publishedAt: new Date(Date.now() - 60_000).toISOString(),
    author: {_type: 'reference', _ref: 'author-daniel-rios'},
    body: [{_type: 'block', _key: 'b1', style: 'normal', markDefs: [], children: [{_type: 'span', _key: 's1', text: 'Body.', marks: []}]}],
  }
  await client.create(post)
  try {
    await until(request, '/', (body) => body.includes(post.title), 2_000)
    const watched = [`/posts/${slug}`, '/', '/feed.xml', '/atom.xml', '/feed.json', UNRELATED]
    for (const path of watched) {
      await request.get(path)
      expect((await request.get(path)).headers()['x-cache'], path).toBe('HIT')
    }
    const before = await (await request.get(UNRELATED)).text()

    const edited = `${post.title} (edited)`
    await client.patch(post._id).set({title: edited}).commit()
    for (const path of watched.slice(0, 5)) {
      const ms = await until(request, path, (body) => body.includes(edited), 1_000)
      expect(ms, `${path} after ${ms} ms`).toBeLessThan(1_000)
    }
    // B was not expired: still the very same cached response.
    const unrelated = await request.get(UNRELATED)
    expect(unrelated.headers()['x-cache']).toBe('HIT')
    expect(await unrelated.text()).toBe(before)

  } finally {
    await client.delete(post._id).catch(() => {})
  }
})
