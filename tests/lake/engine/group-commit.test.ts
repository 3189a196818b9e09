/**
 * Group commit (engine.ts drainWrites): transactions queued while others are prepared are written
 * in one SQLite transaction, each still acknowledged only after that commit returned.
 */
import {evaluate, parse} from 'groq-js'
import {describe, expect, it, vi} from 'vitest'
import {textIndexing, type LakeEngine} from '@/lib/lake/engine/engine'
import type {Store} from '@/lib/lake/engine/store'
import {rawDocument} from '@/lib/lake/engine/raw-document'
import {author, DS, lakeError, testEngine} from './helpers'

function storeOf(engine: unknown): Store {
  return (engine as {store: Store}).store
}

describe('group commit', () => {
  it('commits transactions queued together in fewer SQLite transactions, each with its own log entry and revision', async () => {
    const engine = testEngine()
    const commits = vi.spyOn(storeOf(engine), 'commitGroup')
    const results = await Promise.all(
      Array.from({length: 10}, (_, i) => engine.mutate(DS, [{create: {_id: `doc-${i}`, _type: 'post', i}}], {...author, transactionId: `tx-${i}`})),
    )
    expect(results.map((result) => result.transactionId)).toEqual(Array.from({length: 10}, (_, i) => `tx-${i}`))
    const groups = commits.mock.calls.map(([group]) => group.map(({tx}) => tx.id))
    expect(groups.flat()).toEqual(Array.from({length: 10}, (_, i) => `tx-${i}`))
    expect(groups.length).toBeLessThan(10)
    for (let i = 0; i < 10; i++) expect(engine.getDocuments(DS, [`doc-${i}`])[0]).toMatchObject({i, _rev: `tx-${i}`})
    // Each is its own transaction in the log and in history.
    expect(engine.transactionsFrom(DS, 'tx-0', 100)!.map((tx) => tx.id)).toEqual(results.map((result) => result.transactionId))
    expect(engine.history(DS, ['doc-3'], {}).map((entry) => entry.id)).toEqual(['tx-3'])
  })

  it('an import batch commits alone: a write queued behind it reads the committed documents, not its raw texts', async () => {
    const engine = testEngine()
    const commits = vi.spyOn(storeOf(engine), 'commitGroup')
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const text = '{"_id":"imported","_type":"post","_rev":"r1","_createdAt":"2020-01-01T00:00:00Z","_updatedAt":"2020-01-01T00:00:00Z","tags":["a"]}'
    const imported = (engine as unknown as LakeEngine).transact(
      DS,
      {...author, transactionId: 'import'},
      async (context) => {
        await gate
        const doc = rawDocument(text, {_id: 'imported', _type: 'post', _rev: 'r1', _createdAt: '2020-01-01T00:00:00Z', _updatedAt: '2020-01-01T00:00:00Z'})
        context.workingSet.put('imported', doc)
        return {results: [{id: 'imported', operation: 'create'}], applied: [{create: doc}]}
      },
      {deferTextIndex: true},
    )
    // Queued while the import batch is being prepared: it would join its group if allowed.
    const patched = engine.mutate(DS, [{patch: {id: 'imported', insert: {after: 'tags[-1]', items: ['b']}}}], {...author, transactionId: 'patch'})
    release()
    await Promise.all([imported, patched])
    expect(commits.mock.calls.map(([group]) => group.map(({tx}) => tx.id))).toEqual([['import'], ['patch']])
    expect(engine.getDocuments(DS, ['imported'])[0]).toMatchObject({tags: ['a', 'b'], _rev: 'patch'})
  })

  it('waits one turn of the event loop for writes that have arrived but not been read yet (HTTP requests)', async () => {
    const engine = testEngine()
    const commits = vi.spyOn(storeOf(engine), 'commitGroup')
    const first = engine.mutate(DS, [{create: {_id: 'one', _type: 'post'}}], {...author, transactionId: 'one'})
    const second = new Promise((resolve) => setImmediate(() => resolve(engine.mutate(DS, [{create: {_id: 'two', _type: 'post'}}], {...author, transactionId: 'two'}))))
    await Promise.all([first, second])
    expect(commits.mock.calls.map(([group]) => group.map(({tx}) => tx.id))).toEqual([['one', 'two']])
  })

  it('a write waiting for its group is not held up by steps of the background full-text catch-up', async () => {
    const saved = {...textIndexing}
    textIndexing.background = false
    try {
      const engine = testEngine()
      // Enough pending documents for many catch-up steps (an import defers the index).
      await engine.importDocuments(DS, Array.from({length: 3000}, (_, i) => ({_id: `d-${i}`, _type: 'post', title: `word${i} `.repeat(200)})), {mode: 'create', author: 'test'})
      // Steps of either kind: filing what the catch-up's workers tokenised, or reading and filing here.
      const steps = vi.spyOn(storeOf(engine), 'catchUpTextIndex')
      const filed = vi.spyOn(storeOf(engine), 'fileTokenized')
      const count = () => steps.mock.calls.length + filed.mock.calls.length
      const catchUp = engine.catchUpTextIndex()
      await vi.waitFor(() => expect(count()).toBeGreaterThan(0))
      const before = count()
      await engine.mutate(DS, [{create: {_id: 'edit', _type: 'post'}}], author)
      expect(count()).toBe(before)
      expect(engine.textIndexBehind).toBeGreaterThan(0)
      await catchUp
      expect(engine.textIndexBehind).toBe(0)
    } finally {
      Object.assign(textIndexing, saved)
    }
  })

  it('a later transaction sees the earlier ones of its group; readers see none of them before the commit, and none is acknowledged before it', async () => {
    const engine = testEngine() as unknown as LakeEngine
    const first = engine.mutate(DS, [{create: {_id: 'a', _type: 'post', title: 'first'}}], {...author, transactionId: 'tx-a'})
    let acknowledged = false
    void first.then(() => (acknowledged = true))
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let seen: unknown
    const second = engine.transact(DS, author, async ({workingSet}) => {
      seen = workingSet.get('a')
      await gate
      return {results: [], applied: []}
    })
    await vi.waitFor(() => expect(seen).toBeDefined())
    expect(seen).toMatchObject({_id: 'a', title: 'first', _rev: 'tx-a'})
    expect(engine.getDocuments(DS, ['a'])).toEqual([null])
    expect((await engine.query(DS, '*[_id == "a"][0]', {})).result).toBeNull()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(acknowledged).toBe(false)
    release()
    await Promise.all([first, second])
    expect(engine.getDocuments(DS, ['a'])[0]).toMatchObject({title: 'first'})
  })

  it('a transaction reading history (documentAt) first commits the group before it, so it finds their revisions', async () => {
    const engine = testEngine() as unknown as LakeEngine
    const commits = vi.spyOn(storeOf(engine), 'commitGroup')
    const first = engine.mutate(DS, [{create: {_id: 'h', _type: 'post', n: 1}}], {...author, transactionId: 'h1'})
    let found: unknown
    const second = engine.transact(DS, author, async ({documentAt}) => {
      found = documentAt('h', {revision: 'h1'})
      return {results: [], applied: []}
    })
    await Promise.all([first, second])
    expect(found).toMatchObject({_id: 'h', n: 1})
    expect(commits.mock.calls[0][0].map(({tx}) => tx.id)).toEqual(['h1'])
  })

  it('mutations in one group build on each other like sequential ones (create, patch, create conflict, transaction id reuse)', async () => {
    const engine = testEngine()
    const commits = vi.spyOn(storeOf(engine), 'commitGroup')
    const created = engine.mutate(DS, [{create: {_id: 'p', _type: 'post', n: 1}}], {...author, transactionId: 'one'})
    const patched = engine.mutate(DS, [{patch: {id: 'p', inc: {n: 1}}}], {...author, transactionId: 'two'})
    const conflict = lakeError(() => engine.mutate(DS, [{create: {_id: 'p', _type: 'post'}}], author))
    const reused = lakeError(() => engine.mutate(DS, [{create: {_id: 'q', _type: 'post'}}], {...author, transactionId: 'one'}))
    const byQuery = engine.mutate(DS, [{patch: {query: '*[_type == "post" && n == 2]', set: {found: true}}}], {...author, transactionId: 'three'})
    await Promise.all([created, patched, byQuery])
    expect((await conflict).status).toBe(409)
    expect((await reused).status).toBe(409)
    expect(commits.mock.calls.some(([group]) => group.length > 1)).toBe(true)
    expect(engine.getDocuments(DS, ['p'])[0]).toMatchObject({n: 2, found: true, _rev: 'three'})
    expect(engine.getDocuments(DS, ['q'])).toEqual([null])
    // History holds each version as it was.
    expect(engine.documentAt(DS, 'p', {revision: 'one'})).toMatchObject({n: 1})
    expect(engine.documentAt(DS, 'p', {revision: 'two'})).toMatchObject({n: 2})
    expect(engine.documentAt(DS, 'p', {revision: 'two'})).not.toHaveProperty('found')
  })

  it('files the full-text index once per group, each document as the group left it (search stays exact)', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'gone', _type: 'post', title: 'alpha omega', excerpt: 'alpha'}}], author)
    const filed = vi.spyOn(storeOf(engine).fullText, 'index')
    await Promise.all([
      engine.mutate(DS, [{create: {_id: 'p', _type: 'post', title: 'alpha first', excerpt: 'one'}}], author),
      engine.mutate(DS, [{patch: {id: 'p', set: {title: 'beta second'}}}], author),
      engine.mutate(DS, [{create: {_id: 'q', _type: 'post', title: 'alpha gamma', excerpt: 'alpha alpha'}}], author),
      engine.mutate(DS, [{delete: {id: 'gone'}}], author),
      engine.mutate(DS, [{create: {_id: 'drafts.q', _type: 'post', title: 'beta draft', excerpt: 'alpha'}}], author),
    ])
    expect(filed.mock.calls.length).toBeLessThan(5)
    expect(filed.mock.calls.flatMap(([, changes]) => changes.map((change) => change.id)).sort()).toEqual(['drafts.q', 'gone', 'p', 'q'])
    const dataset = [...engine.exportDocuments(DS)]
    for (const query of [
      '*[title match "alpha"]._id',
      '*[title match "beta"]._id',
      '*[[title, excerpt] match "alpha"] | order(_id)._id',
      '*[_type == "post"] | score(title match "alpha", excerpt match "alpha") | order(_score desc, _id)[0...5]{_id, _score}',
    ]) {
      const expected = await (await evaluate(parse(query), {dataset})).get()
      expect((await engine.query(DS, query, {}, {perspective: 'raw'})).result, query).toEqual(expected)
    }
  })

  it('a commit that fails for one member fails only it; those before are committed, those after are prepared again and committed', async () => {
    const engine = testEngine()
    engine.attachLog(() => (tx) => {
      if (tx.id === 'bad') throw new Error('refused by a commit hook')
    })
    const announced: string[] = []
    engine.subscribe((tx) => announced.push(tx.id))
    const ids = ['ok-1', 'ok-2', 'bad', 'after']
    const writes = ids.map((id) => engine.mutate(DS, [{create: {_id: `doc-${id}`, _type: 'post'}}], {...author, transactionId: id}))
    // Prepared on top of the refused create, it is prepared again without it: as if sequential, it finds nothing to patch.
    const onTheRefused = engine.mutate(DS, [{patch: {id: 'doc-bad', set: {title: 'x'}}}], {...author, transactionId: 'on-bad'})
    const outcomes = await Promise.allSettled([...writes, onTheRefused])
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected'])
    expect(String((outcomes[4] as PromiseRejectedResult).reason)).not.toContain('refused by a commit hook')
    expect(announced).toEqual(['ok-1', 'ok-2', 'after'])
    expect(engine.getDocuments(DS, ids.map((id) => `doc-${id}`)).map(Boolean)).toEqual([true, true, false, true])
    // The store is consistent and takes the next write.
    await engine.mutate(DS, [{create: {_id: 'doc-next', _type: 'post'}}], {...author, transactionId: 'next'})
    expect(engine.transactionsFrom(DS, 'ok-1', 10)!.map((tx) => tx.id)).toEqual(['ok-1', 'ok-2', 'after', 'next'])
  })

  it('a failure after the commit (applying it to the cache) fails that write only; the write loop goes on', async () => {
    const engine = testEngine()
    const cache = (engine as unknown as {documents(dataset: string): {apply(): void}}).documents(DS)
    vi.spyOn(cache, 'apply').mockImplementationOnce(() => {
      throw new Error('cache failure')
    })
    await expect(engine.mutate(DS, [{create: {_id: 'x', _type: 'post'}}], author)).rejects.toThrow('cache failure')
    await engine.mutate(DS, [{create: {_id: 'y', _type: 'post'}}], author)
    expect(engine.getDocuments(DS, ['y'])[0]).toMatchObject({_id: 'y'})
  })

  it('a dry run in a group writes nothing', async () => {
    const engine = testEngine()
    const [, dry] = await Promise.all([
      engine.mutate(DS, [{create: {_id: 'x', _type: 'post'}}], author),
      engine.mutate(DS, [{create: {_id: 'y', _type: 'post'}}], {...author, dryRun: true}),
      engine.mutate(DS, [{create: {_id: 'z', _type: 'post'}}], author),
    ])
    expect(dry.results).toEqual([{id: 'y', operation: 'create'}])
    expect(engine.getDocuments(DS, ['x', 'y', 'z']).map(Boolean)).toEqual([true, false, true])
  })
})
