import {describe, expect, it} from 'vitest'
import type {Engine} from '@/lib/lake/engine'
import {author, DS, lakeError, testEngine} from './helpers'

/** A published post with a draft, a draft-only post, a release version, and private documents. */
async function seeded(): Promise<Engine> {
  const engine = testEngine()
  await engine.mutate(
    DS,
    [
      {create: {_id: 'author-1', _type: 'author', name: 'Ada'}},
      {create: {_id: 'post-1', _type: 'post', title: 'Published one', author: {_ref: 'author-1', _type: 'reference'}}},
      {create: {_id: 'drafts.post-1', _type: 'post', title: 'Draft of one', author: {_ref: 'author-1', _type: 'reference'}}},
      {create: {_id: 'drafts.post-2', _type: 'post', title: 'Draft only'}},
      {create: {_id: 'post-3', _type: 'post', title: 'Published three'}},
      {create: {_id: 'versions.spring.post-3', _type: 'post', title: 'Spring three'}},
      {create: {_id: 'versions.summer.post-3', _type: 'post', title: 'Summer three'}},
      {create: {_id: 'contact.abc', _type: 'contactMessage', message: 'private'}},
      {create: {_id: 'pingback.def', _type: 'pingback', status: 'pending'}},
    ],
    author,
  )
  return engine
}

const titles = async (engine: Engine, options: Parameters<Engine['query']>[3]) =>
  (await engine.query(DS, '*[_type == "post"] | order(_id) {_id, _originalId, title}', {}, options)).result

describe('query', () => {
  it('returns {result, ms} and honours params', async () => {
    const engine = await seeded()
    const {result, ms} = await engine.query(DS, '*[_id == $id][0].name', {id: 'author-1'})
    expect(result).toBe('Ada')
    expect(typeof ms).toBe('number')
  })

  it('raw perspective (the default) sees every document', async () => {
    const engine = await seeded()
    const {result} = await engine.query(DS, 'count(*)', {})
    expect(result).toBe(9)
    expect((await engine.query(DS, 'count(*)', {}, {perspective: 'raw'})).result).toBe(9)
  })

  it('published perspective hides drafts and versions', async () => {
    const engine = await seeded()
    expect(await titles(engine, {perspective: 'published'})).toEqual([
      {_id: 'post-1', _originalId: null, title: 'Published one'},
      {_id: 'post-3', _originalId: null, title: 'Published three'},
    ])
  })

  it('drafts / previewDrafts overlay drafts on published documents, with the published _id', async () => {
    const engine = await seeded()
    const expected = [
      {_id: 'post-1', _originalId: 'drafts.post-1', title: 'Draft of one'},
      {_id: 'post-2', _originalId: 'drafts.post-2', title: 'Draft only'},
      {_id: 'post-3', _originalId: 'post-3', title: 'Published three'},
    ]
    expect(await titles(engine, {perspective: 'drafts'})).toEqual(expected)
    expect(await titles(engine, {perspective: 'previewDrafts'})).toEqual(expected)
  })

  it('release stacks prefer the first release, then the next, then drafts, then published', async () => {
    const engine = await seeded()
    expect(await titles(engine, {perspective: ['summer', 'spring', 'drafts']})).toEqual([
      {_id: 'post-1', _originalId: 'drafts.post-1', title: 'Draft of one'},
      {_id: 'post-2', _originalId: 'drafts.post-2', title: 'Draft only'},
      {_id: 'post-3', _originalId: 'versions.summer.post-3', title: 'Summer three'},
    ])
    expect(await titles(engine, {perspective: ['spring']})).toEqual([
      {_id: 'post-1', _originalId: 'post-1', title: 'Published one'},
      {_id: 'post-3', _originalId: 'versions.spring.post-3', title: 'Spring three'},
    ])
  })

  it('rejects unknown perspectives with a 400', async () => {
    const engine = await seeded()
    for (const perspective of ['everything', [], ['bad name!']]) {
      const error = await lakeError(() => engine.query(DS, '*', {}, {perspective: perspective as never}))
      expect(error.status).toBe(400)
    }
  })

  it('public access never shows ids with a dot-separated prefix, in any perspective', async () => {
    const engine = await seeded()
    for (const perspective of ['raw', 'published', 'drafts', ['summer', 'drafts']] as const) {
      const {result} = await engine.query(DS, '*{_id}', {}, {perspective: perspective as never, access: 'public'})
      expect((result as {_id: string}[]).map((d) => d._id).sort(), String(perspective)).toEqual(['author-1', 'post-1', 'post-3'])
    }
    const direct = await engine.query(DS, '*[_id in ["contact.abc", "pingback.def", "drafts.post-1"]]', {}, {access: 'public'})
    expect(direct.result).toEqual([])
    const viaParam = await engine.query(DS, '*[_id == $id][0]', {id: 'contact.abc'}, {access: 'public'})
    expect(viaParam.result).toBeNull()
    // Token holders (access 'all', the default) do see private documents.
    expect((await engine.query(DS, '*[_id == "contact.abc"][0].message', {})).result).toBe('private')
  })

  it('dereferences with -> under the perspective', async () => {
    const engine = await seeded()
    const {result} = await engine.query(DS, '*[_id == "post-1"][0]{title, "author": author->name}', {}, {perspective: 'drafts'})
    expect(result).toEqual({title: 'Draft of one', author: 'Ada'})
  })

  it('sees new commits immediately (caches are refreshed on commit)', async () => {
    const engine = await seeded()
    expect((await engine.query(DS, 'count(*[_type == "post"])', {}, {perspective: 'published'})).result).toBe(2)
    await engine.mutate(DS, [{create: {_id: 'post-4', _type: 'post'}}, {delete: {id: 'post-1'}}], author)
    expect((await engine.query(DS, 'count(*[_type == "post"])', {}, {perspective: 'published'})).result).toBe(2)
    expect((await engine.query(DS, '*[_type == "post"]._id', {}, {perspective: 'published'})).result).toEqual(['post-3', 'post-4'])
  })

  it('type pre-filtering never changes results: mixed, negated and untyped scans', async () => {
    const engine = await seeded()
    const queries: [string, unknown][] = [
      ['*[_type == "post" && _id == "post-1"][0].title', 'Published one'],
      ['*["author" == _type]._id', ['author-1']],
      ['*[_type in ["author", "pingback"]]._id', ['author-1', 'pingback.def']],
      ['{"a": *[_type == "author"]._id, "n": count(*)}', {a: ['author-1'], n: 9}],
      ['*[_type != "post"]._id', ['author-1', 'contact.abc', 'pingback.def']],
      ['*[_type == "post" || _type == "author"]._id', ['author-1', 'drafts.post-1', 'drafts.post-2', 'post-1', 'post-3', 'versions.spring.post-3', 'versions.summer.post-3']],
      ['*[_type == "author"]{name, "posts": *[_type == "post" && references(^._id)]._id}', [{name: 'Ada', posts: ['drafts.post-1', 'post-1']}]],
      ['*[_type == "post" && author->name == "Ada"]._id', ['drafts.post-1', 'post-1']],
    ]
    for (const [query, expected] of queries) {
      expect((await engine.query(DS, query, {})).result, query).toEqual(expected)
    }
  })

  it('bad GROQ is a 400 queryParseError with Sanity\'s shape', async () => {
    const engine = await seeded()
    const query = '*[_type == "post"'
    const error = await lakeError(() => engine.query(DS, query, {}))
    expect(error.status).toBe(400)
    expect(error.body.error).toEqual({
      type: 'queryParseError',
      description: expect.any(String),
      start: expect.any(Number),
      end: expect.any(Number),
      query,
    })
    const {start, end} = error.body.error as unknown as {start: number; end: number}
    expect(start).toBeGreaterThanOrEqual(0)
    expect(end).toBeGreaterThanOrEqual(start)
    expect(end).toBeLessThanOrEqual(query.length)
    expect(error.body.error.description).not.toContain('Syntax error in GROQ query at position')
    const empty = await lakeError(() => engine.query(DS, '', {}))
    expect(empty.body.error.type).toBe('queryParseError')
  })

  it('a missing param is a clear 400 naming the param', async () => {
    const engine = await seeded()
    const error = await lakeError(() => engine.query(DS, '*[_id == $id && title == $title]', {id: 'x'}))
    expect(error.status).toBe(400)
    expect(error.body.error).toMatchObject({type: 'queryParseError', description: 'param $title referenced, but not provided'})
    const badParams = await lakeError(() => engine.query(DS, '*', [] as never))
    expect(badParams.status).toBe(400)
    const badName = await lakeError(() => engine.query(DS, '*', {'no-dash': 1}))
    expect(badName.status).toBe(400)
  })

  it('accepts params in slices, like Sanity ([$start...$end])', async () => {
    const engine = await seeded()
    const query = '*[_type == "post"] | order(_id)[$start...$end]._id'
    expect((await engine.query(DS, query, {start: 0, end: 2})).result).toEqual(['drafts.post-1', 'drafts.post-2'])
    expect((await engine.query(DS, query, {start: 1, end: 3})).result).toEqual(['drafts.post-2', 'post-1'])
    const missing = await lakeError(() => engine.query(DS, query, {start: 0}))
    expect(missing.body.error).toMatchObject({type: 'queryParseError', description: 'param $end referenced, but not provided'})
    const notNumber = await lakeError(() => engine.query(DS, query, {start: 0, end: 'x'}))
    expect(notNumber.status).toBe(400)
  })

  it('reserves the planner\'s hidden param names', async () => {
    const engine = await seeded()
    const error = await lakeError(() => engine.query(DS, '*[_type == "post"]', {__lake_scan_0: []}))
    expect(error.status).toBe(400)
  })

  it('identity() is the caller', async () => {
    const engine = await seeded()
    expect((await engine.query(DS, 'identity()', {}, {identity: 'user-7'})).result).toBe('user-7')
  })

  it('getDocuments returns raw documents in order, null where missing', async () => {
    const engine = await seeded()
    const docs = engine.getDocuments(DS, ['drafts.post-1', 'nope', 'contact.abc'])
    expect(docs.map((d) => d?._id ?? null)).toEqual(['drafts.post-1', null, 'contact.abc'])
  })
})

describe('matches (listener filters)', () => {
  it('evaluates a filter against one raw document', async () => {
    const engine = await seeded()
    const [draft, published] = engine.getDocuments(DS, ['drafts.post-1', 'post-1'])
    const filter = '*[_type == "post" && !(_id in path("drafts.**"))]'
    expect(await engine.matches(filter, {}, published!)).toBe(true)
    expect(await engine.matches(filter, {}, draft!)).toBe(false)
    expect(await engine.matches('*[_id == $id]', {id: 'post-1'}, published!)).toBe(true)
    expect(await engine.matches('*[_type == "author"]', {}, published!)).toBe(false)
    const error = await lakeError(() => engine.matches('*[', {}, published!))
    expect(error.body.error.type).toBe('queryParseError')
  })
})
