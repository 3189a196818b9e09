import {describe, expect, it} from 'vitest'
import {IMPORT_BATCH_SIZE} from '@/lib/lake/engine/import-export'
import {author, DS, lakeError, testEngine} from './helpers'

describe('export and import', () => {
  it('export → import round trip is identical (system fields kept)', async () => {
    const source = testEngine()
    await source.mutate(
      DS,
      [
        {create: {_id: 'author-1', _type: 'author', name: 'Ada', bio: [{_type: 'block', _key: 'k', children: [{_type: 'span', _key: 's', text: 'hi'}]}]}},
        {create: {_id: 'post-1', _type: 'post', title: 'T', author: {_type: 'reference', _ref: 'author-1'}}},
        {create: {_id: 'drafts.post-1', _type: 'post', title: 'D'}},
        {create: {_id: 'image-abc-10x10-png', _type: 'sanity.imageAsset', url: 'https://x/y.png'}},
      ],
      author,
    )
    await source.mutate(DS, [{patch: {id: 'post-1', set: {title: 'T2'}}}], author)
    const exported = [...source.exportDocuments(DS)]
    expect(exported.map((d) => d._id)).toEqual(['author-1', 'drafts.post-1', 'image-abc-10x10-png', 'post-1'])
    // NDJSON, as `sanity dataset export` writes it
    const ndjson = exported.map((doc) => JSON.stringify(doc)).join('\n')

    const target = testEngine()
    const progress: number[] = []
    const {count} = await target.importDocuments(
      DS,
      ndjson.split('\n').map((line) => JSON.parse(line)),
      {mode: 'create', author: 'importer', onProgress: (n) => progress.push(n)},
    )
    expect(count).toBe(4)
    expect(progress.at(-1)).toBe(4)
    expect([...target.exportDocuments(DS)]).toEqual(exported)
    expect((await target.query(DS, '*[_id == "post-1"][0]{title, "author": author->name}', {})).result).toEqual({title: 'T2', author: 'Ada'})
  })

  it('imports in batches, reporting progress, from any iterable', async () => {
    const engine = testEngine()
    const total = 2 * IMPORT_BATCH_SIZE + 234
    function* documents() {
      for (let i = 0; i < total; i++) yield {_id: `doc-${i}`, _type: 'thing', i}
    }
    const progress: number[] = []
    const {count} = await engine.importDocuments(DS, documents(), {mode: 'createOrReplace', author: 'importer', onProgress: (n) => progress.push(n)})
    expect(count).toBe(total)
    expect(progress).toEqual([IMPORT_BATCH_SIZE, 2 * IMPORT_BATCH_SIZE, total])
    expect((await engine.query(DS, 'count(*[_type == "thing"])', {})).result).toBe(total)
    const doc = engine.getDocuments(DS, ['doc-7'])[0]!
    expect(doc._rev).toMatch(/^[A-Za-z0-9]{22}$/)
    expect(doc._createdAt).toBe(doc._updatedAt)
  })

  it('modes: create fails on existing ids, createIfNotExists keeps them, createOrReplace replaces', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'a', _type: 'thing', v: 'old'}}], author)
    const error = await lakeError(() => engine.importDocuments(DS, [{_id: 'a', _type: 'thing', v: 'new'}], {mode: 'create', author: 'i'}))
    expect(error.status).toBe(409)
    await engine.importDocuments(DS, [{_id: 'a', _type: 'thing', v: 'new'}, {_id: 'b', _type: 'thing'}], {mode: 'createIfNotExists', author: 'i'})
    expect(engine.getDocuments(DS, ['a', 'b']).map((d) => d?.v ?? null)).toEqual(['old', null])
    expect(engine.getDocuments(DS, ['b'])[0]).not.toBeNull()
    await engine.importDocuments(DS, [{_id: 'a', _type: 'thing', v: 'new', _rev: 'file-rev', _createdAt: '2019-05-05T05:05:05Z'}], {mode: 'createOrReplace', author: 'i'})
    expect(engine.getDocuments(DS, ['a'])[0]).toMatchObject({v: 'new', _rev: 'file-rev', _createdAt: '2019-05-05T05:05:05Z'})
  })

  it('rejects bad documents and modes with a 4xx, writing nothing of the failing batch', async () => {
    const engine = testEngine()
    const noType = await lakeError(() => engine.importDocuments(DS, [{_id: 'ok', _type: 'x'}, {_id: 'bad'}], {mode: 'create', author: 'i'}))
    expect(noType.status).toBe(400)
    expect(engine.getDocuments(DS, ['ok'])).toEqual([null])
    const badId = await lakeError(() => engine.importDocuments(DS, [{_id: '-x', _type: 'x'}], {mode: 'create', author: 'i'}))
    expect(badId.status).toBe(400)
    const badMode = await lakeError(() => engine.importDocuments(DS, [], {mode: 'merge' as never, author: 'i'}))
    expect(badMode.status).toBe(400)
  })
})
