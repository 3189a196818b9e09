/**
 * Feeds end to end: the real site (scripts/test-server.ts) against a real local lake.
 * Content changes go through @sanity/client with the site's token, exactly as an editor's
 * publish reaches the lake; the lake's webhook revalidates the site's cache tags.
 */
import {parseFeed} from '@rowanmanning/feed-parser'
import {expect, test, type APIRequestContext} from '@playwright/test'
import {lakeClient} from './lake-client'

const FEEDS = {rss: 'feed.xml', atom: 'atom.xml', json: 'feed.json'} as const
const CONTENT_TYPES = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
}


type ParsedItem = {id: string | null; url: string | null; title: string | null}

/** Fetches a feed and parses it with an independent parser; JSON Feed is checked by shape. */
async function readFeed(request: APIRequestContext, path: string): Promise<{items: ParsedItem[]; headers: Record<string, string>}> {
  const res = await request.get(path)
  expect(res.status(), path).toBe(200)
  const format = (Object.keys(FEEDS) as (keyof typeof FEEDS)[]).find((f) => path.endsWith(FEEDS[f]))!
  expect(res.headers()['content-type']).toBe(CONTENT_TYPES[format])
  const body = await res.text()
  if (format === 'json') {
    const feed = JSON.parse(body)
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1')
    expect(typeof feed.title).toBe('string')
    expect(feed.feed_url).toMatch(new RegExp(`${path.replace(/[.]/g, '\\.')}$`))
    for (const item of feed.items) {
      expect(typeof item.id).toBe('string')
      expect(typeof item.content_html).toBe('string')
      expect(item.date_published).toMatch(/^\d{4}-\d{2}-\d{2}T/)
    }
    return {items: feed.items.map((i: {id: string; url: string; title: string}) => ({id: i.id, url: i.url, title: i.title})), headers: res.headers()}
  }
  const feed = parseFeed(body)
  expect(feed.meta.type).toBe(format)
  expect(feed.title).toBeTruthy()
  expect(feed.self).toMatch(new RegExp(`${path.replace(/[.]/g, '\\.')}$`))
  for (const item of feed.items) {
    expect(item.title).toBeTruthy()
    expect(item.content).toBeTruthy()
    expect(item.published).not.toBeNull()
  }
  return {items: feed.items.map((i) => ({id: i.id, url: i.url, title: i.title})), headers: res.headers()}
}

/** A category, a tag and an author that each have visible posts, asked of the lake. */
async function topicPaths(): Promise<string[]> {
  const withPosts = (type: string) =>
    `*[_type == "${type}" && defined(slug.current) && count(*[_type == "post" && !(_id in path("drafts.**")) && publishedAt <= now() && references(^._id)]) > 0] | order(_id asc)[0].slug.current`
  const slugs = await lakeClient().fetch<{category: string; tag: string; author: string}>(
    `{"category": ${withPosts('category')}, "tag": ${withPosts('tag')}, "author": ${withPosts('author')}}`,
  )
  return (['category', 'tag', 'author'] as const).map((kind) => {
    expect(slugs[kind], `a ${kind} with posts`).toBeTruthy()
    return `/${kind}/${slugs[kind]}`
  })
}

test.describe('feeds', () => {
  test('site-wide and per-topic feeds parse in all three formats', async ({request}) => {
    const {items} = await readFeed(request, '/feed.xml')
    expect(items.length).toBeGreaterThan(0)
    await readFeed(request, '/atom.xml')
    await readFeed(request, '/feed.json')
    const topics = await topicPaths()
    expect(topics.length).toBe(3)
    for (const topic of topics) {
      for (const file of Object.values(FEEDS)) {
        const feed = await readFeed(request, `${topic}/${file}`)
        expect(feed.items.length, `${topic}/${file}`).toBeGreaterThan(0)
      }
    }
    expect((await request.get('/category/no-such-category-anywhere/feed.xml')).status()).toBe(404)
  })

  test('every item link resolves to a page', async ({request}) => {
    const {items} = await readFeed(request, '/feed.xml')
    for (const item of items) {
      const url = new URL(item.url!)
      expect(url.pathname).toMatch(/^\/posts\//)
      const res = await request.get(url.pathname)
      expect(res.status(), url.pathname).toBe(200)
    }
  })

  test('a conditional request is answered 304', async ({request}) => {
    for (const file of Object.values(FEEDS)) {
      const first = await request.get(`/${file}`)
      const etag = first.headers()['etag']
      const lastModified = first.headers()['last-modified']
      expect(etag).toMatch(/^"[^"]+"$/)
      expect(lastModified).toMatch(/GMT$/)
      expect(first.headers()['cache-control']).toContain('s-maxage=')
      const byEtag = await request.get(`/${file}`, {headers: {'If-None-Match': etag}})
      expect(byEtag.status()).toBe(304)
      expect(await byEtag.body()).toHaveLength(0)
      const byDate = await request.get(`/${file}`, {headers: {'If-Modified-Since': lastModified}})
      expect(byDate.status()).toBe(304)
    }
  })

  test('a published post appears at the top within 2 s; unpublished, scheduled and draft posts do not', async ({request}) => {
    const client = lakeClient()
    const category = await client.fetch<{_id: string; slug: string}>(
      `*[_type == "category" && defined(slug.current)] | order(_id asc)[0]{_id, "slug": slug.current}`,
    )
    expect(category).toBeTruthy()
    const run = `${Date.now()}`
    const id = `post-e2e-feeds-${run}`
    const doc = (suffix: string, publishedAt: string) => ({
      _type: 'post',
      title: `Feeds e2e ${suffix} ${run}`,
      slug: {_type: 'slug', current: `feeds-e2e-${suffix}-${run}`},
      excerpt: 'Published by the feeds end-to-end test.',
      publishedAt,
      categories: [{_type: 'reference', _ref: category._id, _key: 'c1'}],
      body: [{_type: 'block', _key: 'b1', style: 'blockquote', markDefs: [], children: [{_type: 'span', _key: 's1', text: 'Quoted & kept ]]>', marks: []}]}],
    })
    const firstTitle = async (path: string) => (await readFeed(request, path)).items[0]?.title
    const titles = async (path: string) => (await readFeed(request, path)).items.map((i) => i.title)

    // Under `next dev` a route compiles on its first request; make sure the webhook receiver is
    // compiled before the clock starts, so the 2 s below measure propagation, not compilation.
    await request.get('/api/revalidate')
    try {
      // Never visible: a future-dated post and a draft.
      await client
        .transaction()
        .create({_id: `${id}-scheduled`, ...doc('scheduled', new Date(Date.now() + 86_400_000).toISOString())})
        .create({_id: `drafts.${id}-draft`, ...doc('draft', new Date().toISOString())})
        .commit()

      await client.create({_id: id, ...doc('live', new Date(Date.now() - 1000).toISOString())})
      const live = `Feeds e2e live ${run}`
      for (const path of ['/feed.xml', `/category/${category.slug}/feed.xml`, '/atom.xml', '/feed.json']) {
        await expect.poll(() => firstTitle(path), {timeout: 2_000, intervals: [100, 200, 250]}).toBe(live)
      }
      for (const path of ['/feed.xml', '/feed.json']) {
        const all = await titles(path)
        expect(all).not.toContain(`Feeds e2e scheduled ${run}`)
        expect(all).not.toContain(`Feeds e2e draft ${run}`)
      }

      // Unpublishing removes the published document (Sanity semantics): it must leave the feeds.
      await client.delete(id)
      for (const path of ['/feed.xml', `/category/${category.slug}/feed.xml`]) {
        await expect.poll(async () => (await titles(path)).includes(live), {timeout: 2_000, intervals: [100, 200, 250]}).toBe(false)
      }
    } finally {
      await client.transaction().delete(id).delete(`${id}-scheduled`).delete(`drafts.${id}-draft`).commit().catch(() => {})
    }
  })
})
