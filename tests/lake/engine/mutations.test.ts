import {describe, expect, it} from 'vitest'
import {author, DS, lakeError, testEngine} from './helpers'

describe('create mutations', () => {
  it('create stores the document with system fields: _rev = transaction id, _createdAt = _updatedAt = tx time', async () => {
    const engine = testEngine()
    const result = await engine.mutate(DS, [{create: {_id: 'post-1', _type: 'post', title: 'Hello'}}], {...author, transactionId: 'tx-1'})
    expect(result.transactionId).toBe('tx-1')
    expect(result.results).toEqual([{id: 'post-1', operation: 'create'}])
    const [doc] = engine.getDocuments(DS, ['post-1'])
    expect(doc).toMatchObject({_id: 'post-1', _type: 'post', title: 'Hello', _rev: 'tx-1'})
    expect(doc!._createdAt).toBe(doc!._updatedAt)
    expect(new Date(doc!._createdAt).toISOString()).toBe(doc!._createdAt)
    expect(result.documents).toEqual([doc])
  })

  it('generates ids: missing _id → uuid, _id ending in "." → prefix + uuid', async () => {
    const engine = testEngine()
    const result = await engine.mutate(DS, [{create: {_type: 'post'}}, {create: {_id: 'drafts.', _type: 'post'}}], author)
    const [first, second] = result.results.map((r) => r.id)
    expect(first).toMatch(/^[0-9a-f-]{36}$/)
    expect(second).toMatch(/^drafts\.[0-9a-f-]{36}$/)
    expect(engine.getDocuments(DS, [first, second]).every(Boolean)).toBe(true)
  })

  it('generates Sanity-like transaction ids when none is given', async () => {
    const engine = testEngine()
    const {transactionId} = await engine.mutate(DS, [{create: {_type: 'post'}}], author)
    expect(transactionId).toMatch(/^[A-Za-z0-9]{22}$/)
  })

  it('create of an existing id is a 409 documentAlreadyExistsError', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'a', _type: 'post'}}], author)
    const error = await lakeError(() => engine.mutate(DS, [{create: {_id: 'a', _type: 'post'}}], author))
    expect(error.status).toBe(409)
    expect(error.body.error).toMatchObject({type: 'mutationError', items: [{index: 0, error: {type: 'documentAlreadyExistsError', id: 'a'}}]})
  })

  it('createOrReplace replaces the whole document and keeps _createdAt', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'a', _type: 'post', title: 'one', extra: true}}], author)
    const [before] = engine.getDocuments(DS, ['a'])
    await new Promise((resolve) => setTimeout(resolve, 5))
    const result = await engine.mutate(DS, [{createOrReplace: {_id: 'a', _type: 'post', title: 'two'}}], author)
    expect(result.results).toEqual([{id: 'a', operation: 'update'}])
    const [after] = engine.getDocuments(DS, ['a'])
    expect(after).toMatchObject({title: 'two', _createdAt: before!._createdAt})
    expect(after).not.toHaveProperty('extra')
    expect(after!._updatedAt > before!._updatedAt).toBe(true)
    const created = await engine.mutate(DS, [{createOrReplace: {_id: 'b', _type: 'post'}}], author)
    expect(created.results).toEqual([{id: 'b', operation: 'create'}])
  })

  it('createIfNotExists creates once and then leaves the document alone', async () => {
    const engine = testEngine()
    const first = await engine.mutate(DS, [{createIfNotExists: {_id: 'a', _type: 'post', title: 'one'}}], author)
    expect(first.results).toEqual([{id: 'a', operation: 'create'}])
    const second = await engine.mutate(DS, [{createIfNotExists: {_id: 'a', _type: 'post', title: 'two'}}], author)
    expect(second.results).toEqual([{id: 'a', operation: 'none'}])
    expect(engine.getDocuments(DS, ['a'])[0]).toMatchObject({title: 'one', _rev: first.transactionId})
  })

  it('validates ids and _type', async () => {
    const engine = testEngine()
    for (const _id of ['-starts-with-dash', 'has space', 'a..b', 'x.-y', 'ü', 'a'.repeat(129)]) {
      const error = await lakeError(() => engine.mutate(DS, [{create: {_id, _type: 'post'}}], author))
      expect(error.status).toBe(400)
      expect(error.body.error.description).toContain('Malformed document ID')
    }
    const noType = await lakeError(() => engine.mutate(DS, [{create: {_id: 'a'}}], author))
    expect(noType.status).toBe(400)
    expect(noType.body.error.description).toContain('_type')
    expect(engine.getDocuments(DS, ['a'])).toEqual([null])
  })

  it('rejects unknown and malformed mutations with a 400 mutationError', async () => {
    const engine = testEngine()
    const unknown = await lakeError(() => engine.mutate(DS, [{upsert: {_id: 'a', _type: 'post'}}], author))
    expect(unknown.status).toBe(400)
    expect(unknown.body.error.type).toBe('mutationError')
    expect(unknown.body.error.description).toContain('Unknown mutation type "upsert"')
    for (const bad of [[], [null], [{create: 'x'}], [{create: {_type: 'a'}, delete: {id: 'a'}}]]) {
      const error = await lakeError(() => engine.mutate(DS, bad as never, author))
      expect(error.status).toBe(400)
      expect(error.body.error.type).toBe('mutationError')
    }
    const badRev = await lakeError(() => engine.mutate(DS, [{create: {_type: 'a'}}], {...author, transactionId: 'bad id!'}))
    expect(badRev.status).toBe(400)
  })

  it('a reused transaction id is a 409', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_type: 'a'}}], {...author, transactionId: 'same'})
    const error = await lakeError(() => engine.mutate(DS, [{create: {_type: 'a'}}], {...author, transactionId: 'same'}))
    expect(error.status).toBe(409)
  })
})

describe('delete mutations', () => {
  it('deletes by id (and succeeds for a missing id)', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'a', _type: 'post'}}], author)
    const result = await engine.mutate(DS, [{delete: {id: 'a'}}, {delete: {id: 'never-existed'}}], author)
    expect(result.results).toEqual([
      {id: 'a', operation: 'delete'},
      {id: 'never-existed', operation: 'delete'},
    ])
    expect(result.documents).toEqual([null, null])
    expect(engine.getDocuments(DS, ['a'])).toEqual([null])
  })

  it('deletes by GROQ query with params', async () => {
    const engine = testEngine()
    await engine.mutate(
      DS,
      [
        {create: {_id: 'p1', _type: 'pingback', status: 'spam'}},
        {create: {_id: 'p2', _type: 'pingback', status: 'spam'}},
        {create: {_id: 'p3', _type: 'pingback', status: 'approved'}},
      ],
      author,
    )
    const result = await engine.mutate(DS, [{delete: {query: '*[_type == "pingback" && status == $status]', params: {status: 'spam'}}}], author)
    expect(result.results.map((r) => r.id).sort()).toEqual(['p1', 'p2'])
    expect(engine.getDocuments(DS, ['p1', 'p2', 'p3']).map((d) => d?._id ?? null)).toEqual([null, null, 'p3'])
  })

  it('a bad query in a mutation is a 400, not a crash', async () => {
    const engine = testEngine()
    const error = await lakeError(() => engine.mutate(DS, [{delete: {query: '*[_type == '}}], author))
    expect(error.status).toBe(400)
    const missingParam = await lakeError(() => engine.mutate(DS, [{delete: {query: '*[_id == $id]'}}], author))
    expect(missingParam.status).toBe(400)
    expect(missingParam.body.error.description).toContain('$id')
  })
})

describe('patch mutations', () => {
  async function seeded() {
    const engine = testEngine()
    await engine.mutate(
      DS,
      [
        {
          create: {
            _id: 'post-1',
            _type: 'post',
            title: 'Hello world',
            views: 10,
            tags: [
              {_key: 'a', name: 'a'},
              {_key: 'b', name: 'b'},
            ],
            meta: {draft: true, keep: 1},
          },
        },
      ],
      {...author, transactionId: 'rev-1'},
    )
    return engine
  }

  it('set, setIfMissing and unset', async () => {
    const engine = await seeded()
    await engine.mutate(
      DS,
      [{patch: {id: 'post-1', set: {title: 'New', 'meta.keep': 2}, setIfMissing: {excerpt: 'x', title: 'ignored'}, unset: ['meta.draft']}}],
      author,
    )
    expect(engine.getDocuments(DS, ['post-1'])[0]).toMatchObject({title: 'New', excerpt: 'x', meta: {keep: 2}})
    expect(engine.getDocuments(DS, ['post-1'])[0]!.meta).not.toHaveProperty('draft')
  })

  it('inc and dec', async () => {
    const engine = await seeded()
    await engine.mutate(DS, [{patch: {id: 'post-1', inc: {views: 5}}}, {patch: {id: 'post-1', dec: {views: 2}}}], author)
    expect(engine.getDocuments(DS, ['post-1'])[0]!.views).toBe(13)
  })

  it('insert before, after and replace in arrays (by _key and index)', async () => {
    const engine = await seeded()
    await engine.mutate(
      DS,
      [
        {patch: {id: 'post-1', insert: {before: 'tags[_key=="a"]', items: [{_key: 'z', name: 'z'}]}}},
        {patch: {id: 'post-1', insert: {after: 'tags[-1]', items: [{_key: 'y', name: 'y'}]}}},
        {patch: {id: 'post-1', insert: {replace: 'tags[_key=="b"]', items: [{_key: 'c', name: 'c'}]}}},
      ],
      author,
    )
    const tags = engine.getDocuments(DS, ['post-1'])[0]!.tags as {_key: string}[]
    expect(tags.map((t) => t._key)).toEqual(['z', 'a', 'c', 'y'])
  })

  it('diffMatchPatch edits strings', async () => {
    const engine = await seeded()
    await engine.mutate(DS, [{patch: {id: 'post-1', diffMatchPatch: {title: '@@ -1,11 +1,11 @@\n Hello \n-world\n+there\n'}}}], author)
    expect(engine.getDocuments(DS, ['post-1'])[0]!.title).toBe('Hello there')
  })

  it('ifRevisionID: matching applies, stale is 409 with Sanity\'s shape', async () => {
    const engine = await seeded()
    const ok = await engine.mutate(DS, [{patch: {id: 'post-1', ifRevisionID: 'rev-1', set: {title: 'A'}}}], {...author, transactionId: 'rev-2'})
    expect(ok.documents[0]).toMatchObject({title: 'A', _rev: 'rev-2'})
    const error = await lakeError(() => engine.mutate(DS, [{patch: {id: 'post-1', ifRevisionID: 'rev-1', set: {title: 'B'}}}], author))
    expect(error.status).toBe(409)
    expect(error.body).toEqual({
      error: {
        type: 'mutationError',
        description: 'Document "post-1" has unexpected revision ID ("rev-2"), expected "rev-1"',
        items: [
          {
            index: 0,
            error: {
              type: 'documentRevisionIDDoesNotMatchError',
              id: 'post-1',
              currentRevisionID: 'rev-2',
              expectedRevisionID: 'rev-1',
              description: 'Document "post-1" has unexpected revision ID ("rev-2"), expected "rev-1"',
            },
          },
        ],
      },
    })
    expect(engine.getDocuments(DS, ['post-1'])[0]!.title).toBe('A')
  })

  it('patching a missing document by id is a 409 documentNotFoundError', async () => {
    const engine = testEngine()
    const error = await lakeError(() => engine.mutate(DS, [{patch: {id: 'missing', set: {a: 1}}}], author))
    expect(error.status).toBe(409)
    expect(error.body.error.items).toEqual([expect.objectContaining({index: 0, error: expect.objectContaining({type: 'documentNotFoundError', id: 'missing'})})])
  })

  it('patches by query touch every match', async () => {
    const engine = await seeded()
    await engine.mutate(DS, [{create: {_id: 'post-2', _type: 'post', views: 0}}, {create: {_id: 'author-1', _type: 'author'}}], author)
    const result = await engine.mutate(DS, [{patch: {query: '*[_type == "post"]', set: {flag: true}}}], author)
    expect(result.results).toEqual([
      {id: 'post-1', operation: 'update'},
      {id: 'post-2', operation: 'update'},
    ])
    expect(engine.getDocuments(DS, ['post-1', 'post-2', 'author-1']).map((d) => d!.flag)).toEqual([true, true, undefined])
  })

  it('rejects unknown patch operations and malformed operation values', async () => {
    const engine = await seeded()
    const cases = [
      {id: 'post-1', merge: {a: 1}},
      {id: 'post-1', set: 'x'},
      {id: 'post-1', inc: {views: 'one'}},
      {id: 'post-1', unset: 'title'},
      {id: 'post-1', insert: {items: [1]}},
      {id: 'post-1', insert: {before: 'tags[0]', after: 'tags[1]', items: []}},
      {id: 'post-1', query: '*', set: {a: 1}},
      {set: {a: 1}},
      {id: 'post-1', unset: ['_type']},
    ]
    for (const patch of cases) {
      const error = await lakeError(() => engine.mutate(DS, [{patch}], author))
      expect(error.status, JSON.stringify(patch)).toBe(400)
    }
    expect(engine.getDocuments(DS, ['post-1'])[0]!._rev).toBe('rev-1')
  })

  it('rejects patch paths into __proto__ and documents nested absurdly deep', async () => {
    const engine = await seeded()
    for (const patch of [{id: 'post-1', set: {'__proto__.polluted': true}}, {id: 'post-1', unset: ['meta.__proto__']}]) {
      const error = await lakeError(() => engine.mutate(DS, [{patch}], author))
      expect(error.status).toBe(400)
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    let deep: unknown = 'leaf'
    for (let i = 0; i < 5000; i++) deep = [deep]
    const create = await lakeError(() => engine.mutate(DS, [{create: {_type: 'post', deep}}], author))
    expect(create.status).toBe(400)
    const patch = await lakeError(() => engine.mutate(DS, [{patch: {id: 'post-1', set: {deep}}}], author))
    expect(patch.status).toBe(400)
    const imported = await lakeError(() => engine.importDocuments(DS, [{_id: 'deep', _type: 'post', deep}], {mode: 'create', author: 'i'}))
    expect(imported.status).toBe(400)
    expect(engine.getDocuments(DS, ['post-1'])[0]!._rev).toBe('rev-1')
  })

  it('a patch cannot change _id or _rev', async () => {
    const engine = await seeded()
    const result = await engine.mutate(DS, [{patch: {id: 'post-1', set: {_id: 'other', _rev: 'forged'}}}], {...author, transactionId: 'rev-x'})
    expect(result.documents[0]).toMatchObject({_id: 'post-1', _rev: 'rev-x'})
    expect(engine.getDocuments(DS, ['other'])).toEqual([null])
  })

  it('the Studio\'s unset of a field that does not exist is harmless', async () => {
    const engine = await seeded()
    await engine.mutate(DS, [{patch: {id: 'post-1', unset: ['_empty_action_guard_pseudo_field_']}}], {...author, transactionId: 'rev-u'})
    expect(engine.getDocuments(DS, ['post-1'])[0]).toMatchObject({title: 'Hello world', _rev: 'rev-u'})
  })
})

describe('transactions', () => {
  it('are atomic: a failing second mutation leaves nothing written and notifies no one', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'exists', _type: 'post', n: 1}}], author)
    const seen: string[] = []
    engine.subscribe((tx) => seen.push(tx.id))
    const error = await lakeError(() =>
      engine.mutate(
        DS,
        [{create: {_id: 'new', _type: 'post'}}, {patch: {id: 'exists', inc: {n: 1}}}, {create: {_id: 'exists', _type: 'post'}}],
        author,
      ),
    )
    expect(error.status).toBe(409)
    expect(error.body.error.items).toEqual([expect.objectContaining({index: 2})])
    expect(engine.getDocuments(DS, ['new', 'exists']).map((d) => d && d.n)).toEqual([null, 1])
    expect(seen).toEqual([])
    expect(engine.history(DS, ['new'])).toEqual([])
    engine.close()
    const reopened = testEngine(engine.file)
    expect(reopened.getDocuments(DS, ['new', 'exists']).map((d) => d && d.n)).toEqual([null, 1])
  })

  it('later mutations see earlier ones in the same transaction', async () => {
    const engine = testEngine()
    const result = await engine.mutate(
      DS,
      [
        {create: {_id: 'a', _type: 'post', n: 1}},
        {patch: {query: '*[_id == "a"]', inc: {n: 1}}},
        {delete: {query: '*[n == 2]'}},
      ],
      author,
    )
    expect(result.results).toEqual([
      {id: 'a', operation: 'create'},
      {id: 'a', operation: 'update'},
      {id: 'a', operation: 'delete'},
    ])
    expect(engine.getDocuments(DS, ['a'])).toEqual([null])
  })

  it('dryRun computes results and documents without writing or notifying', async () => {
    const engine = testEngine()
    const seen: string[] = []
    engine.subscribe((tx) => seen.push(tx.id))
    const result = await engine.mutate(DS, [{create: {_id: 'a', _type: 'post', title: 't'}}], {...author, dryRun: true})
    expect(result.documents[0]).toMatchObject({_id: 'a', title: 't'})
    expect(engine.getDocuments(DS, ['a'])).toEqual([null])
    expect(seen).toEqual([])
  })

  it('listeners get the committed transaction with before/after per document', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'a', _type: 'post', n: 1}}], author)
    const transactions: import('@/lib/lake/engine').Transaction[] = []
    const unsubscribe = engine.subscribe((tx) => transactions.push(tx))
    await engine.mutate(DS, [{patch: {id: 'a', inc: {n: 1}}}, {create: {_id: 'b', _type: 'post'}}], {...author, transactionId: 't2'})
    unsubscribe()
    await engine.mutate(DS, [{delete: {id: 'b'}}], author)
    expect(transactions).toHaveLength(1)
    const [tx] = transactions
    expect(tx).toMatchObject({id: 't2', dataset: DS, author: 'test-user'})
    expect(tx.mutations).toHaveLength(2)
    const byId = Object.fromEntries(tx.changes.map((c) => [c.id, c]))
    expect(byId.a.before).toMatchObject({n: 1})
    expect(byId.a.after).toMatchObject({n: 2, _rev: 't2'})
    expect(byId.b.before).toBeNull()
    expect(byId.b.after).toMatchObject({_id: 'b'})
  })

  it('concurrent mutate calls are serialized (no lost updates)', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'counter', _type: 'counter', n: 0}}], author)
    await Promise.all(Array.from({length: 20}, () => engine.mutate(DS, [{patch: {query: '*[_id == "counter"]', inc: {n: 1}}}], author)))
    expect(engine.getDocuments(DS, ['counter'])[0]!.n).toBe(20)
  })

  it('documents are durable across reopen, and stored documents cannot be modified through returned objects', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'a', _type: 'post', nested: {x: 1}}}], author)
    const [doc] = engine.getDocuments(DS, ['a'])
    expect(() => {
      ;(doc!.nested as {x: number}).x = 2
    }).toThrow()
    engine.close()
    const reopened = testEngine(engine.file)
    expect(reopened.getDocuments(DS, ['a'])[0]).toMatchObject({nested: {x: 1}})
    expect(reopened.datasets()).toEqual([DS])
  })

  it('keeps datasets apart and validates dataset names', async () => {
    const engine = testEngine()
    await engine.mutate('one', [{create: {_id: 'a', _type: 'post'}}], author)
    expect(engine.getDocuments('two', ['a'])).toEqual([null])
    const error = await lakeError(() => engine.mutate('Bad Name', [{create: {_type: 'x'}}], author))
    expect(error.status).toBe(400)
  })
})
