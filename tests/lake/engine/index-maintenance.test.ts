/**
 * The planner's indexes (per perspective view: types, orderings, equality, references, full text)
 * are built once and then carried across commits. After each kind of change an editor makes
 * (create, patch, delete, publish, discard, unpublish) and after reopening the file, every query
 * here must still give what plain groq-js gives over the same documents.
 */
import {evaluate, parse} from 'groq-js'
import {describe, expect, it} from 'vitest'
import type {Action, Engine, Perspective} from '@/lib/lake/engine'
import {applyPerspective, resolvePerspective} from '@/lib/lake/engine/perspective'
import {author, DS, testEngine} from './helpers'

const A = 'sanity.action.document.'
const PERSPECTIVES: Perspective[] = ['raw', 'published', 'drafts']
const QUERIES: [string, Record<string, unknown>][] = [
  ['*[_type == "post"] | order(publishedAt desc, _id)[0...5]{_id, title}', {}],
  ['count(*[_type == "post" && publishedAt <= "2024-06-01"])', {}],
  ['*[_type == "post" && slug.current == $slug][0]{_id, title, "prev": *[_type == "post" && publishedAt < ^.publishedAt] | order(publishedAt desc)[0]._id}', {slug: 'b'}],
  ['*[references("cat-1")] | order(_id)._id', {}],
  ['*[_type == "post" && [title, pt::text(body)] match $q] | score(title match $q) | order(_score desc, _id)[0...3]{_id, _score}', {q: 'storm*'}],
  ['*[_type == "post" && title match "river"]._id', {}],
  // The category page's total: a membership list narrowed by a range, counted by binary search.
  ['count(*[_type == "post" && defined(slug.current) && "cat-1" in categories[]._ref && publishedAt <= "2024-06-01"])', {}],
  ['count(*[_type == "post" && !(_id in path("drafts.**")) && $c in categories[]._ref && publishedAt > $d && publishedAt < "2025"])', {c: 'cat-1', d: '2024-01-01'}],
  ['*[_type == "category"]{_id, "n": count(*[_type == "post" && defined(slug) && ^._id in categories[]._ref && publishedAt >= "2024-03-01"])}', {}],
]

async function expectAgreement(engine: Engine, step: string): Promise<void> {
  const stored = [...engine.exportDocuments(DS)]
  for (const perspective of PERSPECTIVES) {
    const dataset = applyPerspective(stored, resolvePerspective(perspective), {access: 'all', includeVersions: true})
    for (const [query, params] of QUERIES) {
      const expected = await (await evaluate(parse(query, {params}), {dataset, params})).get()
      const {result} = await engine.query(DS, query, params, {perspective})
      expect(result, `${step}, ${JSON.stringify(perspective)}: ${query}`).toEqual(expected)
    }
  }
}

const post = (id: string, title: string, slug: string, publishedAt: string, body = 'calm day') => ({
  _id: id,
  _type: 'post',
  title,
  slug: {_type: 'slug', current: slug},
  publishedAt,
  categories: [{_type: 'reference', _key: 'c', _ref: 'cat-1'}],
  body: [{_type: 'block', _key: 'b', children: [{_type: 'span', _key: 's', text: body}]}],
})

describe('index maintenance across commits', () => {
  it('create, patch, delete, publish, discard, unpublish and reopening keep indexed answers exact', async () => {
    const engine = testEngine()
    await engine.mutate(
      DS,
      [
        {create: {_id: 'cat-1', _type: 'category', title: 'One'}},
        {create: post('a', 'Storm warning', 'a', '2024-01-01')},
        {create: post('b', 'River levels', 'b', '2024-02-01', 'storm surge')},
        {create: post('c', 'Quiet week', 'c', '2024-03-01')},
      ],
      author,
    )
    await expectAgreement(engine, 'initial') // builds the views and their indexes

    await engine.mutate(DS, [{create: post('d', 'Stormy night', 'd', '2024-01-15')}], author)
    await expectAgreement(engine, 'create')

    await engine.mutate(DS, [{patch: {id: 'b', set: {publishedAt: '2023-12-01', title: 'River in storm'}, unset: ['categories']}}], author)
    await expectAgreement(engine, 'patch')

    await engine.mutate(DS, [{delete: {id: 'c'}}], author)
    await expectAgreement(engine, 'delete')

    const act = (actions: Action[]) => engine.act(DS, actions, author)
    await act([{actionType: `${A}create`, publishedId: 'a', attributes: {...post('drafts.a', 'Storm over', 'a', '2025-01-01'), _id: 'drafts.a'}}])
    await expectAgreement(engine, 'draft created')

    await act([{actionType: `${A}publish`, draftId: 'drafts.a', publishedId: 'a'}])
    await expectAgreement(engine, 'publish')

    await act([{actionType: `${A}create`, publishedId: 'd', attributes: {...post('drafts.d', 'Draft river', 'b', '2024-02-02'), _id: 'drafts.d'}}])
    await act([{actionType: `${A}discard`, draftId: 'drafts.d'}])
    await expectAgreement(engine, 'discard')

    await act([{actionType: `${A}unpublish`, draftId: 'drafts.b', publishedId: 'b'}])
    await expectAgreement(engine, 'unpublish')

    // A restart rebuilds every index from the file.
    engine.close()
    const reopened = testEngine(engine.file)
    await expectAgreement(reopened, 'reopened')
  })
})
