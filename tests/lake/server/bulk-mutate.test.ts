/**
 * Large transactions of whole documents through /data/mutate (how `sanity dataset import` and
 * other clients import through the API) file their full-text entries after the commit, in the
 * background (engine.ts, mutate): the answer, listener events and history are those of any
 * transaction, and `match` finds the documents at once, before and after the catch-up.
 */
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'
import {BULK_MUTATION_MIN, textIndexing} from '@/lib/lake/engine/engine'
import {startTestLake, type TestLake} from './helpers'

let lake: TestLake
const saved = {...textIndexing}
beforeAll(async () => {
  lake = await startTestLake()
  // The catch-up runs when the test says: what is deferred stays visible.
  textIndexing.background = false
})
afterAll(async () => {
  Object.assign(textIndexing, saved)
  await lake?.close()
})

async function mutate(query: string, body: unknown): Promise<unknown> {
  const response = await fetch(lake.api(`/data/mutate/production${query}`), {
    method: 'POST',
    headers: {authorization: `Bearer ${lake.editorToken}`, 'content-type': 'application/json'},
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(200)
  return response.json()
}

const docs = (prefix: string, n: number) => Array.from({length: n}, (_, i) => ({_id: `${prefix}-${i}`, _type: 'bulkNote', title: `Zanzibar ${prefix} ${i}`}))

describe('POST /data/mutate with many whole documents', () => {
  it('defers the full-text filing of a large create transaction; the answer is the usual one and `match` is exact before and after the catch-up', async () => {
    const engine = lake.lake.engine
    const seen: string[] = []
    const subscription = lake.editor.listen('*[_type == "bulkNote"]').subscribe((event) => {
      if (event.type === 'mutation') seen.push(event.documentId)
    })
    await new Promise((resolve) => setTimeout(resolve, 300))
    try {
      const behindBefore = engine.textIndexBehind
      const answer = await mutate('?returnIds=true&visibility=sync', {transactionId: 'bulk-tx-1', mutations: docs('big', BULK_MUTATION_MIN).map((doc) => ({createOrReplace: doc}))})
      expect(answer).toEqual({
        transactionId: 'bulk-tx-1',
        results: docs('big', BULK_MUTATION_MIN).map((doc) => ({id: doc._id, operation: 'create'})),
        documentIds: docs('big', BULK_MUTATION_MIN).map((doc) => doc._id),
      })
      // Deferred: noted, not filed.
      expect(engine.textIndexBehind).toBe(behindBefore + BULK_MUTATION_MIN)
      expect(await lake.editor.fetch('count(*[_type == "bulkNote" && title match "zanzibar"])')).toBe(BULK_MUTATION_MIN)
      expect(await lake.editor.fetch('*[_id == "big-7"][0]._rev')).toBe('bulk-tx-1')
      await vi.waitFor(() => expect(new Set(seen).size).toBe(BULK_MUTATION_MIN))

      // One document fewer: filed in the commit, as before.
      const smallAnswer = (await mutate('?returnDocuments=true', {mutations: docs('small', BULK_MUTATION_MIN - 1).map((doc) => ({create: doc}))})) as {results: unknown[]}
      expect(smallAnswer.results[0]).toMatchObject({id: 'small-0', operation: 'create', document: {_id: 'small-0', title: 'Zanzibar small 0'}})
      expect(engine.textIndexBehind).toBe(behindBefore + BULK_MUTATION_MIN)

      // A large transaction with a patch in it: filed in the commit too.
      const mixed = lake.editor.transaction()
      for (const doc of docs('mixed', BULK_MUTATION_MIN)) mixed.create(doc)
      mixed.patch('small-0', (patch) => patch.set({title: 'Patched'}))
      await mixed.commit()
      expect(engine.textIndexBehind).toBe(behindBefore + BULK_MUTATION_MIN)

      await engine.catchUpTextIndex()
      expect(engine.textIndexBehind).toBe(0)
      expect(await lake.editor.fetch('count(*[_type == "bulkNote" && title match "zanzibar"])')).toBe(3 * BULK_MUTATION_MIN - 2)
      // History: the deferred transaction is one like any other.
      const history = await fetch(lake.api('/data/history/production/transactions/big-3?excludeContent=true'), {headers: {authorization: `Bearer ${lake.editorToken}`}})
      expect(await history.text()).toContain('"id":"bulk-tx-1"')
    } finally {
      subscription.unsubscribe()
    }
  })

  it('a dry run of a large transaction writes and defers nothing', async () => {
    const engine = lake.lake.engine
    const behind = engine.textIndexBehind
    const transaction = lake.editor.transaction()
    for (const doc of docs('dry', BULK_MUTATION_MIN)) transaction.create(doc)
    const answer = await transaction.commit({dryRun: true})
    expect(answer.results).toHaveLength(BULK_MUTATION_MIN)
    expect(engine.textIndexBehind).toBe(behind)
    expect(await lake.editor.fetch('count(*[_id match "dry-*"])')).toBe(0)
  })

  it('with the background catch-up on, it waits for a pause in large transactions, then files them', async () => {
    const engine = lake.lake.engine
    textIndexing.background = true
    try {
      await engine.catchUpTextIndex()
      for (let round = 0; round < 3; round++) {
        await mutate('', {mutations: docs(`bg${round}`, BULK_MUTATION_MIN).map((doc) => ({create: doc}))})
        // Between them (well under the pause it waits for): nothing filed yet.
        expect(engine.textIndexBehind).toBe((round + 1) * BULK_MUTATION_MIN)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      await vi.waitFor(() => expect(engine.textIndexBehind).toBe(0), {timeout: 10_000})
      expect(await lake.editor.fetch('count(*[_id match "bg*" && title match "zanzibar"])')).toBe(3 * BULK_MUTATION_MIN)
    } finally {
      textIndexing.background = false
    }
  })
})
