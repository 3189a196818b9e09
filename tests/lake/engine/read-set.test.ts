/** What the sync-tag analysis reads from a query (lib/lake/engine/read-set.ts). */
import {parse} from 'groq-js'
import {describe, expect, it} from 'vitest'
import {analyzeScans} from '@/lib/lake/engine/read-set'

const scans = (query: string) => analyzeScans(parse(query))

describe('analyzeScans', () => {
  it('names the types and the top-level fields a filter and its order read', () => {
    expect(scans('*[_type == "post" && slug.current == $slug && defined(author)] | order(publishedAt desc)[0...10]{title}')).toEqual([
      {types: ['post'], fields: ['_type', 'author', 'publishedAt', 'slug']},
    ])
    expect(scans('*[_type in ["a", "b"] && x > 1]')).toEqual([{types: ['a', 'b'], fields: ['_type', 'x']}])
  })

  it('treats an unfiltered * as changing only on creation and deletion', () => {
    expect(scans('count(*)')).toEqual([{types: null, fields: ['_id']}])
  })

  it('counts references() and a bare @ as reading every field', () => {
    expect(scans('*[_type == "post" && references($id)]')).toEqual([{types: ['post'], fields: null}])
    expect(scans('*[defined(@)]')).toEqual([{types: null, fields: null}])
  })

  it('follows scopes: ^ to the outer document is not a field of the inner scan, ^ back to it is', () => {
    const [outer, inner] = scans('*[_type == "category"]{"posts": *[_type == "post" && ^._id in categories[]._ref]}')
    expect(outer).toEqual({types: ['category'], fields: ['_type']})
    expect(inner).toEqual({types: ['post'], fields: ['_type', 'categories']})
    expect(scans('*[_type == "post" && count(tags[@._ref == ^.mainTag._ref]) > 0]')).toEqual([{types: ['post'], fields: ['_type', 'mainTag', 'tags']}])
  })
})
