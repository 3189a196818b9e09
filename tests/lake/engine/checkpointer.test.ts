/**
 * While an import writes, WAL checkpoints run on a worker's connection (checkpointer.ts), not in the
 * lake's commits; afterwards the lake's connection checkpoints again.
 */
import fs from 'node:fs'
import {describe, expect, it} from 'vitest'
import {IMPORT_BATCH_SIZE} from '@/lib/lake/engine/import-export'
import type {Store} from '@/lib/lake/engine/store'
import {DS, testEngine} from './helpers'

function storeOf(engine: unknown): Store {
  return (engine as {store: Store}).store
}

const autocheckpoint = (store: Store) => (store as unknown as {db: {pragma: (q: string, o: object) => number}}).db.pragma('wal_autocheckpoint', {simple: true})

describe('background checkpoints during imports', () => {
  it('the worker checkpoints while an import writes, the lake connection again after it', async () => {
    const engine = testEngine()
    const store = storeOf(engine)
    expect(autocheckpoint(store)).toBe(1000)
    const during: number[] = []
    const body = 'z'.repeat(4000)
    const documents = function* () {
      for (let i = 0; i < 4 * IMPORT_BATCH_SIZE; i++) yield JSON.stringify({_id: `d-${i}`, _type: 't', body})
    }
    await engine.importDocuments(DS, documents(), {
      mode: 'create',
      author: 'i',
      onProgress: () => during.push(autocheckpoint(store)),
    })
    expect(during.length).toBeGreaterThanOrEqual(4)
    expect(new Set(during)).toEqual(new Set([0]))
    expect(autocheckpoint(store)).toBe(1000)
    // 32 MB went through the WAL; the worker copied it into the database as the import went.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(store.checkpointer.checkpoints).toBeGreaterThan(0)
    expect(fs.statSync(engine.file).size).toBeGreaterThan(30e6)
    expect((await engine.query(DS, 'count(*[_type == "t"])', {})).result).toBe(4 * IMPORT_BATCH_SIZE)
  })
})
