import {applyPatch} from 'mendoza'
import {describe, expect, it} from 'vitest'
import {author, DS, lakeError, testEngine} from './helpers'

async function editedThreeTimes() {
  const engine = testEngine()
  await engine.mutate(DS, [{create: {_id: 'post-1', _type: 'post', title: 'v1'}}], {...author, transactionId: 't1'})
  await engine.mutate(DS, [{create: {_id: 'other', _type: 'post'}}], {...author, transactionId: 't-other'})
  await new Promise((resolve) => setTimeout(resolve, 15))
  await engine.mutate(DS, [{patch: {id: 'post-1', set: {title: 'v2'}}}, {create: {_id: 'drafts.post-1', _type: 'post', title: 'd'}}], {...author, transactionId: 't2'})
  await new Promise((resolve) => setTimeout(resolve, 15))
  await engine.mutate(DS, [{delete: {id: 'post-1'}}], {author: 'someone-else', transactionId: 't3'})
  return engine
}

describe('history', () => {
  it('lists the transactions touching the documents, oldest first, with mutations', async () => {
    const engine = await editedThreeTimes()
    const entries = engine.history(DS, ['post-1'])
    expect(entries.map((e) => e.id)).toEqual(['t1', 't2', 't3'])
    expect(entries[1]).toMatchObject({author: 'test-user', documentIDs: ['post-1', 'drafts.post-1']})
    expect(entries[1].mutations).toEqual([{patch: {id: 'post-1', set: {title: 'v2'}}}, {create: {_id: 'drafts.post-1', _type: 'post', title: 'd'}}])
    expect(entries[2].author).toBe('someone-else')
    expect(engine.history(DS, ['post-1', 'drafts.post-1'], {includeIdentifiedDocumentsOnly: true})[1].documentIDs).toEqual(['post-1', 'drafts.post-1'])
    expect(engine.history(DS, ['post-1'], {includeIdentifiedDocumentsOnly: true})[1].documentIDs).toEqual(['post-1'])
  })

  it('gives mendoza effects that replay the document forward and backward', async () => {
    const engine = await editedThreeTimes()
    const entries = engine.history(DS, ['post-1'])
    let doc: unknown = null
    const versions: unknown[] = []
    for (const entry of entries) {
      const effect = entry.effects!['post-1']
      expect(applyPatch(doc, effect.revert as never)).toEqual(doc)
      const next = applyPatch(doc, effect.apply as never)
      expect(applyPatch(next, effect.revert as never)).toEqual(doc)
      doc = next
      versions.push(doc)
    }
    // Effects apply to documents without _rev, as the Studio keeps them.
    expect(versions[0]).toMatchObject({title: 'v1'})
    expect(versions[0]).not.toHaveProperty('_rev')
    expect(versions[1]).toMatchObject({title: 'v2'})
    // Only the changed fields are patched: the id is not repeated.
    expect(JSON.stringify(entries[1].effects!['post-1'].apply)).not.toContain('post-1')
    // Deletion is `[0, null]`: how the Studio's timeline recognises a delete.
    expect(entries[2].effects!['post-1'].apply).toEqual([0, null])
    expect(entries[0].effects!['post-1'].revert).toEqual([0, null])
  })

  it('filters by transaction range, time, reverse order and limit', async () => {
    const engine = await editedThreeTimes()
    const ids = (query: Parameters<typeof engine.history>[2]) => engine.history(DS, ['post-1'], query).map((e) => e.id)
    expect(ids({fromTransaction: 't2'})).toEqual(['t2', 't3'])
    expect(ids({toTransaction: 't2'})).toEqual(['t1', 't2'])
    expect(ids({reverse: true})).toEqual(['t3', 't2', 't1'])
    expect(ids({reverse: true, limit: 2})).toEqual(['t3', 't2'])
    expect(ids({reverse: true, toTransaction: 't2', limit: 10})).toEqual(['t2', 't1'])
    const [, second] = engine.history(DS, ['post-1'])
    expect(ids({fromTime: second.timestamp})).toEqual(['t2', 't3'])
    expect(ids({toTime: second.timestamp})).toEqual(['t1', 't2'])
    const noMutations = engine.history(DS, ['post-1'], {excludeMutations: true})
    expect(noMutations[0]).not.toHaveProperty('mutations')
    expect(noMutations[0].effects).toBeDefined()
    expect((await lakeError(() => engine.history(DS, ['post-1'], {fromTransaction: 'nope'}))).status).toBe(404)
    expect((await lakeError(() => engine.history(DS, ['post-1'], {limit: 0}))).status).toBe(400)
    expect((await lakeError(() => engine.history(DS, []))).status).toBe(400)
  })

  it('documentAt returns the document at a revision or a time', async () => {
    const engine = await editedThreeTimes()
    expect(engine.documentAt(DS, 'post-1', {revision: 't1'})).toMatchObject({title: 'v1', _rev: 't1'})
    expect(engine.documentAt(DS, 'post-1', {revision: 't2'})).toMatchObject({title: 'v2'})
    expect(engine.documentAt(DS, 'post-1', {revision: 'unknown'})).toBeNull()
    const [first, second, third] = engine.history(DS, ['post-1'])
    expect(engine.documentAt(DS, 'post-1', {time: first.timestamp})).toMatchObject({title: 'v1'})
    expect(engine.documentAt(DS, 'post-1', {time: second.timestamp})).toMatchObject({title: 'v2'})
    expect(engine.documentAt(DS, 'post-1', {time: third.timestamp})).toBeNull()
    expect(engine.documentAt(DS, 'post-1', {time: '2000-01-01T00:00:00Z'})).toBeNull()
    expect((await lakeError(() => engine.documentAt(DS, 'post-1', {}))).status).toBe(400)
    expect((await lakeError(() => engine.documentAt(DS, 'post-1', {time: 'yesterday'}))).status).toBe(400)
  })

  it('history survives a reopen of the store', async () => {
    const engine = await editedThreeTimes()
    const before = engine.history(DS, ['post-1'])
    engine.close()
    const reopened = testEngine((engine as unknown as {file: string}).file)
    expect(reopened.history(DS, ['post-1'])).toEqual(before)
  })
})
