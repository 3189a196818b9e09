/**
 * The query planner (type lists, predicates taken out of filters) must never change a result:
 * every query here is answered by the engine and by plain groq-js over the same documents.
 */
import {evaluate, parse} from 'groq-js'
import {describe, expect, it} from 'vitest'
import {pipelineOf, type TreeNode} from '@/lib/lake/engine/scan-plan'
import {author, DS, testEngine} from './helpers'

const documents = [
  {_id: 'post-a', _type: 'post', title: 'A', slug: {current: 'a'}, publishedAt: '2020-01-01T00:00:00Z', cat: {_ref: 'cat-1'}},
  {_id: 'post-b', _type: 'post', title: 'B', slug: {current: null}, publishedAt: '2999-01-01T00:00:00Z'},
  {_id: 'post-c', _type: 'post', title: 'C', slug: 'not-an-object', publishedAt: 5},
  {_id: 'post-d', _type: 'post', title: 'D', slug: [{current: 'x'}], cat: {_ref: 'cat-2'}},
  {_id: 'drafts.post-a', _type: 'post', title: 'A draft', slug: {current: 'a'}},
  {_id: 'versions.r1.post-a', _type: 'post', title: 'A r1', slug: {current: 'a'}},
  {_id: 'cat-1', _type: 'category', title: 'One'},
  {_id: 'cat-2', _type: 'category', title: 'Two'},
  {_id: 'contact.x', _type: 'contactMessage'},
  {_id: 'animal.mammal.dog', _type: 'animal'},
]

const queries: [string, Record<string, unknown>?][] = [
  ['*[_type == "post"]._id'],
  ['*[_type == "post" && defined(slug.current)]._id'],
  ['*[_type == "post" && !defined(slug.current)]._id'],
  ['*[defined(slug)]._id'],
  ['*[defined(@.slug.current) && _type == "post"]._id'],
  ['*[_type == "post" && !(_id in path("drafts.**")) && !(_id in path("versions.**"))]._id'],
  ['*[_id in path("animal.*")]._id'],
  ['*[_id in path("animal.**")]._id'],
  ['*[!(_id in path("*"))]._id'],
  ['*[(_type == "post" && defined(title)) && (!(_id in path("drafts.**")))]._id'],
  ['*[_type == "post" && _type == "category"]._id'],
  ['*[_type in ["post", "category"] && _type == "category"]._id'],
  ['*[_type == "post" || _type == "category"]._id'],
  ['*[_type == "post" && publishedAt <= now()]._id'],
  ['*[_type == $type && defined(slug.current)]._id', {type: 'post'}],
  ['*[_type == "category"]{title, "posts": *[_type == "post" && defined(slug.current) && references(^._id)]._id}'],
  ['{"n": count(*[_type == "post" && !(_id in path("drafts.**"))]), "all": count(*)}'],
  ['*[_type == "post" && defined(cat)]{_id, "c": cat->title}'],
  ['*[_type == "post" && defined(slug.current)] | order(_id desc)[0...2]._id'],
  ['*[_type == "post" && defined(slug.current)][$from...$to]._id', {from: 0, to: 2}],
  ['*[true && _type == "post"]._id'],
  ['*[_type == "post" && slug.current == $slug]._id', {slug: 'a'}],
  ['*[$slug == slug.current]._id', {slug: 'a'}],
  ['*[slug.current == $v]._id', {v: null}],
  ['*[slug.current != $v]._id', {v: null}],
  ['*[slug == $v]._id', {v: {current: 'a'}}],
  ['*[slug != $v]._id', {v: ['a']}],
  ['*[publishedAt == 5]._id'],
  ['*[publishedAt == "5"]._id'],
  ['*[publishedAt != 5 && _type == "post"]._id'],
  ['*[title == true]._id'],
  ['*[publishedAt <= now()]._id'],
  ['*[now() >= publishedAt]._id'],
  ['*[now() < publishedAt]._id'],
  ['*[$t > publishedAt]._id', {t: '2500-01-01'}],
  ['*["B" <= title]._id'],
  ['*[3 > publishedAt]._id'],
  ['*[publishedAt > now()]._id'],
  ['*[publishedAt < $t]._id', {t: '2500-01-01'}],
  ['*[publishedAt >= 3]._id'],
  ['*[!(publishedAt <= now())]._id'],
  ['*[!(slug.current == "a") && _type == "post"]._id'],
  ['*[!defined(publishedAt) && !(_id in path("drafts.**"))]._id'],
  ['*[title > "B" && title <= "D"]._id'],
  ['*[_type == "post" && (publishedAt <= now() || !defined(publishedAt))]._id'],
  ['*[_id == "post-a"][0].title'],
  ['*[slug.current == "a"] | order(_id)[0]._id'],
  ['*[_type == "post"][0]'],
]

describe('query planning', () => {
  it('gives the same results as plain groq-js', async () => {
    const engine = testEngine()
    await engine.importDocuments(DS, documents, {mode: 'create', ...author})
    const stored = [...engine.exportDocuments(DS)].map((doc) => structuredClone(doc))
    for (const [query, params = {}] of queries) {
      const expected = await (await evaluate(parse(query, {params}), {dataset: stored, params})).get()
      const {result} = await engine.query(DS, query, params)
      expect(result, query).toEqual(expected)
      // Twice: the second run uses the cached, already-planned tree.
      expect((await engine.query(DS, query, params)).result, query).toEqual(expected)
    }
  })

  it('pushes order() and the slice through a projection whose order keys are document paths (the Studio search)', () => {
    const plan = (query: string) => pipelineOf(parse(query, {params: {limit: 1000}}) as unknown as TreeNode)
    const studio = plan('*[_type in $t && title match $q] {_type, _id, "orderings": [_id, title], ...select(_type == "post" => {"w0": _id}, _type == "author" => {"w2": name})} | order(orderings[0] asc, orderings[1] desc) [0...$limit]')
    expect(studio?.orderKeys).toEqual([{path: ['_id'], desc: false}, {path: ['title'], desc: true}])
    expect(studio?.projection?.type).toBe('Projection')
    expect(studio?.slice).toEqual({left: 0, right: 1000, isInclusive: false})
    expect(plan('*[_type == "post"]{"t": publishedAt} | order(t desc)[0]')?.orderKeys).toEqual([{path: ['publishedAt'], desc: true}])
    // Keys a later splat may set again, computed keys, and missing elements are left to groq-js.
    for (const query of [
      '*[_type == "post"]{"orderings": [_id], ...@} | order(orderings[0])[0...10]',
      '*[_type == "post"]{"orderings": [_id], ...select(true => {"orderings": [title]})} | order(orderings[0])[0...10]',
      '*[_type == "post"]{"orderings": [lower(title)]} | order(orderings[0])[0...10]',
      '*[_type == "post"]{"orderings": [_id]} | order(orderings[1])[0...10]',
      '*[_type == "post"]{"orderings": [...tags, _id]} | order(orderings[0])[0...10]',
      '*[_type == "post"]{"t": _id} | order(x)[0...10]',
    ]) {
      expect(plan(query), query).toBeNull()
    }
  })
})
