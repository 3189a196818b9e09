import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startTestLake, type TestLake} from './helpers'

let t: TestLake
beforeAll(async () => {
  t = await startTestLake()
})
afterAll(async () => {
  await t?.close()
})

describe('mutations through @sanity/client', () => {
  it('create, createIfNotExists, createOrReplace, patch and delete with Sanity response shapes', async () => {
    const created = await t.editor.create({_id: 'm-1', _type: 'note', title: 'One', count: 1, tags: ['a']})
    expect(created).toMatchObject({_id: 'm-1', _type: 'note', title: 'One'})
    expect(typeof created._rev).toBe('string')

    const again = await t.editor.createIfNotExists({_id: 'm-1', _type: 'note', title: 'Ignored'})
    expect(again.title).toBe('One')

    const replaced = await t.editor.createOrReplace({_id: 'm-2', _type: 'note', title: 'Two'})
    expect(replaced.title).toBe('Two')

    const patched = await t.editor
      .patch('m-1')
      .set({title: 'One!'})
      .inc({count: 2})
      .setIfMissing({extra: true})
      .insert('after', 'tags[-1]', ['b'])
      .commit()
    expect(patched).toMatchObject({title: 'One!', count: 3, extra: true, tags: ['a', 'b']})

    const unset = await t.editor.patch('m-1').unset(['extra']).commit()
    expect(unset.extra).toBeUndefined()

    const result = await t.editor.delete('m-2')
    expect(result.results).toMatchObject([{id: 'm-2', operation: 'delete'}])
    expect(await t.editor.getDocument('m-2')).toBeUndefined()
  })

  it('commits a multi-mutation transaction atomically and honours the client transactionId', async () => {
    const res = await t.editor
      .transaction()
      .create({_id: 'tx-a', _type: 'note'})
      .create({_id: 'tx-b', _type: 'note'})
      .commit({transactionId: 'my-tx-1', returnDocuments: false})
    expect(res.transactionId).toBe('my-tx-1')
    expect(res.results.map((r) => r.operation)).toEqual(['create', 'create'])
    const docs = await t.editor.getDocuments(['tx-a', 'tx-b'])
    expect(docs.map((d) => d?._rev)).toEqual(['my-tx-1', 'my-tx-1'])

    // Second mutation fails (already exists): nothing of the transaction is applied.
    await expect(
      t.editor.transaction().create({_id: 'tx-c', _type: 'note'}).create({_id: 'tx-a', _type: 'note'}).commit(),
    ).rejects.toMatchObject({statusCode: 409})
    expect(await t.editor.getDocument('tx-c')).toBeUndefined()
  })

  it('answers 409 on a stale ifRevisionID and leaves the document alone', async () => {
    const doc = await t.editor.create({_id: 'rev-1', _type: 'note', title: 'v1'})
    await t.editor.patch('rev-1').set({title: 'v2'}).commit()
    await expect(t.editor.patch('rev-1').ifRevisionId(doc._rev).set({title: 'stale'}).commit()).rejects.toMatchObject({
      statusCode: 409,
    })
    expect((await t.editor.getDocument('rev-1'))?.title).toBe('v2')
  })

  it('supports dryRun and autoGenerateArrayKeys', async () => {
    await t.editor.create({_id: 'dry-1', _type: 'note'}, {dryRun: true})
    expect(await t.editor.getDocument('dry-1')).toBeUndefined()
    const keyed = await t.editor.create({_id: 'keys-1', _type: 'note', items: [{label: 'x'}]}, {autoGenerateArrayKeys: true})
    expect((keyed.items as unknown as {_key?: string}[])[0]._key).toMatch(/^[0-9a-f]+$/)
  })
})

describe('actions through client.action', () => {
  it('creates a draft, edits it, publishes it', async () => {
    const res = await t.editor.action(
      {actionType: 'sanity.action.document.create', publishedId: 'act-1', attributes: {_id: 'drafts.act-1', _type: 'note', title: 'Draft'}, ifExists: 'fail'},
      {transactionId: 'act-tx-1'},
    )
    expect(res.transactionId).toBe('act-tx-1')
    await t.editor.action({
      actionType: 'sanity.action.document.edit',
      draftId: 'drafts.act-1',
      publishedId: 'act-1',
      patch: {set: {title: 'Edited'}},
    })
    await t.editor.action({actionType: 'sanity.action.document.publish', draftId: 'drafts.act-1', publishedId: 'act-1'})
    const [draft, published] = await t.editor.getDocuments(['drafts.act-1', 'act-1'])
    expect(draft).toBeNull()
    expect(published).toMatchObject({_id: 'act-1', title: 'Edited'})
  })

  it('refuses an unknown action with a 4xx', async () => {
    await expect(t.editor.action({actionType: 'sanity.action.document.teleport'} as never)).rejects.toMatchObject({
      statusCode: expect.any(Number),
    })
    const res = await fetch(t.api('/data/actions/production'), {
      method: 'POST',
      headers: {authorization: `Bearer ${t.editorToken}`, 'content-type': 'application/json'},
      body: JSON.stringify({actions: [{nope: true}]}),
    })
    expect(res.status).toBe(400)
    expect((await res.json()).error.type).toBe('actionError')
  })
})

describe('perspectives', () => {
  beforeAll(async () => {
    await t.editor
      .transaction()
      .createOrReplace({_id: 'persp-1', _type: 'article', title: 'Published'})
      .createOrReplace({_id: 'drafts.persp-1', _type: 'article', title: 'Draft'})
      .createOrReplace({_id: 'drafts.persp-2', _type: 'article', title: 'Only draft'})
      .commit()
  })

  it('raw returns every document as stored', async () => {
    const ids = await t.client({token: t.editorToken, perspective: 'raw'}).fetch<string[]>('*[_type == "article"] | order(_id)._id')
    expect(ids).toEqual(['drafts.persp-1', 'drafts.persp-2', 'persp-1'])
  })

  it('published returns published documents only', async () => {
    const titles = await t.client({token: t.editorToken, perspective: 'published'}).fetch<string[]>('*[_type == "article"].title')
    expect(titles).toEqual(['Published'])
  })

  it('drafts overlays drafts on published ids', async () => {
    const docs = await t
      .client({token: t.editorToken, perspective: 'drafts'})
      .fetch<{_id: string; title: string}[]>('*[_type == "article"] | order(_id){_id, title}')
    expect(docs).toEqual([
      {_id: 'persp-1', title: 'Draft'},
      {_id: 'persp-2', title: 'Only draft'},
    ])
  })

  it('returns the query, ms and syncTags with filterResponse false, and accepts POSTed queries', async () => {
    const full = await t.editor.fetch('count(*[_id == $id])', {id: 'persp-1'}, {filterResponse: false})
    expect(full).toMatchObject({query: 'count(*[_id == $id])', result: 1})
    expect(full.syncTags?.length).toBeGreaterThan(0)
    for (const tag of full.syncTags ?? []) expect(tag).toMatch(/^s1:[A-Za-z0-9_-]+$/)
    expect(typeof full.ms).toBe('number')
    const res = await fetch(t.api('/data/query/production'), {
      method: 'POST',
      headers: {authorization: `Bearer ${t.editorToken}`, 'content-type': 'application/json'},
      body: JSON.stringify({query: '*[_id == $id][0].title', params: {id: 'persp-1'}, perspective: 'published'}),
    })
    expect((await res.json()).result).toBe('Published')
  })
})

describe('privacy: anonymous callers', () => {
  beforeAll(async () => {
    await t.editor
      .transaction()
      .createOrReplace({_id: 'pub-1', _type: 'secretTest', title: 'Public'})
      .createOrReplace({_id: 'drafts.pub-1', _type: 'secretTest', title: 'Draft'})
      .createOrReplace({_id: 'contact.abc', _type: 'secretTest', title: 'Private message'})
      .commit()
  })

  it('query sees only public published documents, whatever the perspective', async () => {
    for (const perspective of ['raw', 'drafts', 'published'] as const) {
      const ids = await t.client({perspective}).fetch<string[]>('*[_type == "secretTest"]._id')
      expect(ids).toEqual(['pub-1'])
    }
  })

  it('doc endpoint omits private ids with reason permission', async () => {
    const res = await fetch(t.api('/data/doc/production/pub-1,drafts.pub-1,contact.abc,missing-1'))
    const body = await res.json()
    expect(body.documents.map((d: {_id: string}) => d._id)).toEqual(['pub-1'])
    expect(body.omitted).toEqual([
      {id: 'drafts.pub-1', reason: 'permission'},
      {id: 'contact.abc', reason: 'permission'},
      {id: 'missing-1', reason: 'existence'},
    ])
    expect(await t.anonymous.getDocument('contact.abc')).toBeUndefined()
  })

  it('export without a token contains public documents only', async () => {
    const text = await (await fetch(t.api('/data/export/production'))).text()
    const ids = text.trim().split('\n').map((line) => JSON.parse(line)._id as string)
    expect(ids).toContain('pub-1')
    expect(ids.some((id) => id.includes('.'))).toBe(false)
  })

  it('writes without a token answer 401; viewer tokens 403; nothing is written', async () => {
    await expect(t.anonymous.create({_id: 'anon-1', _type: 'note'})).rejects.toMatchObject({statusCode: 401})
    await expect(t.viewer.create({_id: 'anon-1', _type: 'note'})).rejects.toMatchObject({statusCode: 403})
    await expect(t.anonymous.action({actionType: 'sanity.action.document.delete', publishedId: 'pub-1'} as never)).rejects.toMatchObject({
      statusCode: 401,
    })
    expect(await t.editor.getDocument('anon-1')).toBeUndefined()
    expect(await t.editor.getDocument('pub-1')).toBeDefined()
  })

  it('viewer tokens read drafts and private documents', async () => {
    const ids = await t.viewer.fetch<string[]>('*[_type == "secretTest"] | order(_id)._id')
    expect(ids).toEqual(['contact.abc', 'drafts.pub-1', 'pub-1'])
  })
})

describe('bad input answers 4xx in Sanity shape and changes nothing', () => {
  const countAll = () => t.editor.fetch<number>('count(*)')
  const post = (pathname: string, body: string, token: string | null = t.editorToken) =>
    fetch(t.api(pathname), {
      method: 'POST',
      headers: {'content-type': 'application/json', ...(token ? {authorization: `Bearer ${token}`} : {})},
      body,
    })

  it('malformed JSON → 400', async () => {
    const before = await countAll()
    const res = await post('/data/mutate/production', '{"mutations": [')
    expect(res.status).toBe(400)
    expect((await res.json()).error).toMatchObject({type: 'httpBadRequest', description: expect.stringContaining('JSON')})
    expect(await countAll()).toBe(before)
  })

  it('unknown mutation type → 400 mutationError', async () => {
    const before = await countAll()
    const res = await post('/data/mutate/production', JSON.stringify({mutations: [{create: {_id: 'bad-1', _type: 'x'}}, {explode: {id: 'x'}}]}))
    expect(res.status).toBe(400)
    expect((await res.json()).error.type).toBe('mutationError')
    expect(await countAll()).toBe(before)
  })

  it('invalid GROQ → 400 with a description', async () => {
    await expect(t.editor.fetch('*[_type == ')).rejects.toMatchObject({statusCode: 400})
    const res = await fetch(t.api('/data/query/production?query=' + encodeURIComponent('*[[[')))
    expect(res.status).toBe(400)
    const body = await res.json()
    expect(typeof body.error.description).toBe('string')
  })

  it('bad $param JSON → 400', async () => {
    const res = await fetch(t.api('/data/query/production?query=*[_id==$id]&$id=unquoted'))
    expect(res.status).toBe(400)
    expect((await res.json()).error.description).toMatch(/quote/)
  })

  it('oversized body → 413', async () => {
    const before = await countAll()
    const huge = JSON.stringify({mutations: [{create: {_id: 'huge-1', _type: 'x', blob: 'x'.repeat(11 * 1024 * 1024)}}]})
    const res = await post('/data/mutate/production', huge).catch((error: Error) => error)
    // The server may close the connection right after answering 413 while the client still sends.
    if (res instanceof Error) expect(res.message).toMatch(/fetch failed|socket|reset/i)
    else {
      expect(res.status).toBe(413)
      expect((await res.json()).error.type).toBe('httpPayloadTooLarge')
    }
    expect(await countAll()).toBe(before)
  })

  it('bad token → 401 even for reads; unknown route → 404 JSON; wrong method → 405', async () => {
    const bad = await fetch(t.api('/data/query/production?query=1'), {headers: {authorization: 'Bearer sk-not-a-token'}})
    expect(bad.status).toBe(401)
    expect(await bad.json()).toMatchObject({statusCode: 401, error: 'Unauthorized'})
    const missing = await fetch(t.api('/nothing/here'))
    expect(missing.status).toBe(404)
    expect((await missing.json()).error.type).toBe('httpNotFound')
    const method = await fetch(t.api('/data/mutate/production'))
    expect(method.status).toBe(405)
  })

  it('another project → 404; invalid dataset name → 400', async () => {
    const other = await fetch(t.api('/ping'), {headers: {'x-sanity-project-id': 'someone-else'}})
    expect(other.status).toBe(404)
    const ds = await fetch(t.api('/data/query/BAD..NAME?query=1'))
    expect(ds.status).toBe(400)
  })
})

describe('export, import, history', () => {
  it('export → import round trip is identical', async () => {
    const exported = await (await fetch(t.api('/data/export/production'), {headers: {authorization: `Bearer ${t.editorToken}`}})).text()
    const docs = exported.trim().split('\n').map((line) => JSON.parse(line))
    expect(docs.length).toBeGreaterThan(5)
    await t.lake.engine.importDocuments('copy', docs, {mode: 'create', author: 'test'})
    const reexported = await (await fetch(t.api('/data/export/copy'), {headers: {authorization: `Bearer ${t.editorToken}`}})).text()
    expect(reexported).toBe(exported)
  })

  it('serves transaction history as NDJSON and documents at a revision', async () => {
    const v1 = await t.editor.create({_id: 'hist-1', _type: 'note', title: 'first'})
    await t.editor.patch('hist-1').set({title: 'second'}).commit()
    const res = await fetch(t.api('/data/history/production/transactions/hist-1?effectFormat=mendoza&excludeContent=true'), {
      headers: {authorization: `Bearer ${t.editorToken}`},
    })
    expect(res.headers.get('content-type')).toMatch(/ndjson/)
    const entries = (await res.text()).trim().split('\n').map((line) => JSON.parse(line))
    expect(entries).toHaveLength(2)
    expect(entries[0]).toMatchObject({id: v1._rev, documentIDs: ['hist-1']})
    expect(entries[0].effects['hist-1']).toBeDefined()

    const at = await fetch(t.api(`/data/history/production/documents/hist-1?revision=${v1._rev}`), {
      headers: {authorization: `Bearer ${t.editorToken}`},
    })
    expect((await at.json()).documents[0].title).toBe('first')

    const anon = await fetch(t.api('/data/history/production/transactions/hist-1'))
    expect(anon.status).toBe(401)
  })
})
