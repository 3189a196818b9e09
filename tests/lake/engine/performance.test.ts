/**
 * Times the site's real home query on 10,000 posts. Prints the figures; asserts only correctness
 * (timings depend on the machine), plus that the type pre-filter engaged.
 */
import {describe, expect, it} from 'vitest'
import {prepareQuery} from '@/lib/lake/engine/groq'
import {pipelineOf, type TreeNode} from '@/lib/lake/engine/scan-plan'
import {navigationQuery, postListQuery} from '@/sanity/lib/queries'
import {DS, testEngine} from './helpers'

const POSTS = Number(process.env.LAKE_PERF_POSTS ?? 10_000)

function* blog() {
  for (let i = 0; i < 20; i++) yield {_id: `author-${i}`, _type: 'author', name: `Author ${i}`, slug: {_type: 'slug', current: `author-${i}`}}
  for (let i = 0; i < 30; i++) yield {_id: `category-${i}`, _type: 'category', title: `Category ${i}`, slug: {_type: 'slug', current: `category-${i}`}}
  for (let i = 0; i < POSTS; i++) {
    yield {
      _id: `post-${String(i).padStart(5, '0')}`,
      _type: 'post',
      title: `Post number ${i}`,
      slug: {_type: 'slug', current: `post-${i}`},
      excerpt: 'An excerpt that is about as long as a real one, give or take a few words.',
      publishedAt: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString(),
      author: {_type: 'reference', _ref: `author-${i % 20}`},
      categories: [{_type: 'reference', _ref: `category-${i % 30}`, _key: 'c'}],
      body: [{_type: 'block', _key: 'b', style: 'normal', children: [{_type: 'span', _key: 's', text: 'Body text '.repeat(50)}]}],
    }
  }
}

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now()
  const result = await work()
  return [result, performance.now() - started]
}

describe('performance', () => {
  it('home query on 10,000 posts', {timeout: 120_000}, async () => {
    const engine = testEngine()
    const [, importMs] = await time(() => engine.importDocuments(DS, blog(), {mode: 'create', author: 'bench'}))
    // The planner answers both `*[…]` of the home query from the post indexes: a top-10 walk and a count.
    const tree = prepareQuery(postListQuery, {start: 0, end: 10}).compiled.tree as unknown as {attributes: {value: TreeNode}[]}
    const [posts, total] = tree.attributes.map((attribute) => attribute.value)
    expect(pipelineOf(posts.base as TreeNode)).toMatchObject({
      filter: {types: new Set(['post'])},
      orderKeys: [{path: ['publishedAt'], desc: true}, {path: ['_id'], desc: true}],
      slice: {left: 0, right: 10},
    })
    expect(pipelineOf(total)).toMatchObject({count: true, filter: {types: new Set(['post'])}})

    const params = {start: 0, end: 10}
    const options = {perspective: 'published' as const, access: 'public' as const}
    const [cold, coldMs] = await time(() => engine.query(DS, postListQuery, params, options))
    const warm: number[] = []
    for (let i = 0; i < 10; i++) warm.push((await time(() => engine.query(DS, postListQuery, params, options)))[1])
    const [, navMs] = await time(() => engine.query(DS, navigationQuery, {}, options))

    const result = cold.result as {posts: {_id: string; author: {name: string}; categories: {title: string}[]}[]; total: number}
    expect(result.total).toBeGreaterThan(0)
    expect(result.total).toBeLessThanOrEqual(POSTS)
    expect(result.posts).toHaveLength(10)
    expect(result.posts[0].author.name).toMatch(/^Author \d+$/)
    expect(result.posts[0].categories[0].title).toMatch(/^Category \d+$/)

    // A commit derives the views and their indexes from the change.
    await engine.mutate(DS, [{patch: {id: 'post-00000', set: {title: 'Edited'}}}], {author: 'bench'})
    const [, afterCommitMs] = await time(() => engine.query(DS, postListQuery, params, options))

    const median = warm.sort((a, b) => a - b)[Math.floor(warm.length / 2)]
    console.log(
      `[lake perf] ${POSTS} posts: import ${importMs.toFixed(0)} ms; home query cold ${coldMs.toFixed(1)} ms, ` +
        `warm median ${median.toFixed(1)} ms, after a commit ${afterCommitMs.toFixed(1)} ms; navigation query ${navMs.toFixed(1)} ms`,
    )
  })
})
