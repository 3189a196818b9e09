/**
 * `^` inside a pipeline nested in an outer filter names the outer filter's document. The planner
 * once computed such a pipeline once for the whole outer scan (as if `^` were the root), so
 * "categories that have posts" came back empty; groq-js is the reference.
 */
import {evaluate, parse} from 'groq-js'
import {describe, expect, it} from 'vitest'
import {author, DS, testEngine} from './helpers'

const documents = [
  {_id: 'cat-a', _type: 'category', slug: {current: 'a'}},
  {_id: 'cat-b', _type: 'category', slug: {current: 'b'}},
  {_id: 'p1', _type: 'post', publishedAt: '2020-01-01T00:00:00Z', categories: [{_key: 'k', _type: 'reference', _ref: 'cat-b'}]},
  {_id: 'p2', _type: 'post', publishedAt: '2020-01-02T00:00:00Z', categories: [{_key: 'k', _type: 'reference', _ref: 'cat-b'}]},
]

const queries = [
  '*[_type == "category" && count(*[_type == "post" && references(^._id)]) > 0] | order(_id)[0].slug.current',
  '*[_type == "category" && count(*[references(^._id)]) > 0]._id',
  '*[_type == "category" && defined(*[_type == "post" && references(^._id)][0])]._id',
  '*[_type == "category" && count(*[_type == "post" && ^._id in categories[]._ref && publishedAt <= now()]) == 2]._id',
  '*[_type == "category" && !(_id in *[_type == "post"].categories[]._ref)]._id',
  '*[_type == "category" && count(*[_type == "post" && references(^._id) && count(*[_id == ^._id]) == 1]) > 1]._id',
]

describe('^ in a pipeline inside an outer filter', () => {
  for (const query of queries) {
    it(query, async () => {
      const engine = testEngine()
      await engine.mutate(DS, documents.map((doc) => ({create: doc})), author)
      const expected = await (await evaluate(parse(query), {dataset: [...engine.exportDocuments(DS)]})).get()
      expect((await engine.query(DS, query, {}, {perspective: 'raw'})).result).toEqual(expected)
    })
  }

  it('finds the category that has posts', async () => {
    const engine = testEngine()
    await engine.mutate(DS, documents.map((doc) => ({create: doc})), author)
    expect((await engine.query(DS, queries[0], {}, {perspective: 'raw'})).result).toBe('b')
  })
})
