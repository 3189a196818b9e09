/**
 * The feed queries run by groq-js (the lake's own GROQ engine) over a small dataset: which posts a
 * feed may show, in which order, how many, and per topic.
 */
import {evaluate, parse} from 'groq-js'
import {describe, expect, it} from 'vitest'
import {feedPostsQuery, feedSettingsQuery, feedTopicQuery} from '@/sanity/lib/queries'

const NOW = new Date('2024-06-01T12:00:00Z')

const ref = (id: string) => ({_type: 'reference', _ref: id, _key: id})
const post = (id: string, publishedAt: string, extra: Record<string, unknown> = {}) => ({
  _id: id,
  _type: 'post',
  _updatedAt: publishedAt,
  title: id,
  slug: {_type: 'slug', current: id},
  publishedAt,
  author: {_type: 'reference', _ref: 'author-ana'},
  categories: [ref('category-politics')],
  tags: [],
  body: [{_type: 'block', _key: 'b', children: [{_type: 'span', _key: 's', text: 'hi', marks: []}], markDefs: [], style: 'normal'}],
  ...extra,
})

const dataset = [
  {_id: 'siteSettings', _type: 'siteSettings', _updatedAt: '2024-01-01T00:00:00Z', title: 'Site', feedItemCount: 2},
  {_id: 'author-ana', _type: 'author', _updatedAt: '2024-01-01T00:00:00Z', name: 'Ana', slug: {current: 'ana'}},
  {_id: 'category-politics', _type: 'category', _updatedAt: '2024-01-01T00:00:00Z', title: 'Politics', slug: {current: 'politics'}},
  {_id: 'category-sport', _type: 'category', _updatedAt: '2024-01-01T00:00:00Z', title: 'Sport', slug: {current: 'sport'}},
  {_id: 'tag-oil', _type: 'tag', _updatedAt: '2024-01-01T00:00:00Z', title: 'Oil', slug: {current: 'oil'}},
  post('old', '2024-01-01T00:00:00Z'),
  post('newer', '2024-05-01T00:00:00Z', {tags: [ref('tag-oil')]}),
  post('newest', '2024-05-31T00:00:00Z', {categories: [ref('category-sport')], author: null}),
  post('scheduled', '2024-07-01T00:00:00Z'),
  post('drafts.draft-only', '2024-05-15T00:00:00Z'),
  post('versions.r1.release', '2024-05-15T00:00:00Z'),
  post('no-slug', '2024-05-20T00:00:00Z', {slug: undefined}),
]

async function run<T>(query: string, params: Record<string, unknown>): Promise<T> {
  const result = await evaluate(parse(query, {params}), {dataset, params, timestamp: NOW})
  return (await result.get()) as T
}

type Post = {_id: string; author: {name: string} | null; categories: {title: string}[]; tags: {title: string}[] | null; body: unknown[]}

describe('feedPostsQuery', () => {
  it('site-wide: visible posts only, newest first, with authors, topics and full bodies', async () => {
    const posts = await run<Post[]>(feedPostsQuery, {topicId: '', limit: 20})
    expect(posts.map((p) => p._id)).toEqual(['newest', 'newer', 'old'])
    expect(posts[1].author?.name).toBe('Ana')
    expect(posts[1].categories[0].title).toBe('Politics')
    expect(posts[1].tags?.[0].title).toBe('Oil')
    expect(posts[1].body).toHaveLength(1)
  })

  it('never shows future-dated posts, drafts, release versions or posts without a slug', async () => {
    const ids = (await run<Post[]>(feedPostsQuery, {topicId: '', limit: 100})).map((p) => p._id)
    expect(ids).not.toContain('scheduled')
    expect(ids.some((id) => id.startsWith('drafts.') || id.startsWith('versions.'))).toBe(false)
    expect(ids).not.toContain('no-slug')
  })

  it('honours the limit', async () => {
    expect(await run<Post[]>(feedPostsQuery, {topicId: '', limit: 2})).toHaveLength(2)
  })

  it('per topic: category, tag and author', async () => {
    const ids = async (topicId: string) => (await run<Post[]>(feedPostsQuery, {topicId, limit: 20})).map((p) => p._id)
    expect(await ids('category-politics')).toEqual(['newer', 'old'])
    expect(await ids('category-sport')).toEqual(['newest'])
    expect(await ids('tag-oil')).toEqual(['newer'])
    expect(await ids('author-ana')).toEqual(['newer', 'old'])
  })
})

describe('feedTopicQuery and feedSettingsQuery', () => {
  it('find a topic by kind and slug, with a title for authors too', async () => {
    expect(await run(feedTopicQuery, {kind: 'category', slug: 'politics'})).toMatchObject({_id: 'category-politics', title: 'Politics'})
    expect(await run(feedTopicQuery, {kind: 'author', slug: 'ana'})).toMatchObject({_id: 'author-ana', title: 'Ana'})
    expect(await run(feedTopicQuery, {kind: 'tag', slug: 'politics'})).toBeNull()
  })

  it('read the settings the channel needs', async () => {
    expect(await run(feedSettingsQuery, {})).toMatchObject({title: 'Site', feedItemCount: 2, _updatedAt: '2024-01-01T00:00:00Z'})
  })
})
