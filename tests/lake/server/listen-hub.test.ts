import {describe, expect, it} from 'vitest'
import type {Engine, SanityDocument, Transaction} from '@/lib/lake/engine/types'
import {ListenHub, type ListenerSpec} from '@/lib/lake/listen/hub'
import {sleep} from './helpers'

/** Only what the hub uses: subscribe and matches. Filters named "slow" take a long time to evaluate. */
function fakeEngine() {
  let emit: (tx: Transaction) => void = () => {}
  const engine = {
    subscribe(listener: (tx: Transaction) => void) {
      emit = listener
      return () => {}
    },
    async matches(query: string) {
      if (query === 'slow') await sleep(1000)
      return true
    },
  } as unknown as Engine
  return {engine, emit: (tx: Transaction) => emit(tx)}
}

const doc = (id: string): SanityDocument => ({_id: id, _type: 't', _rev: 'r1', _createdAt: '', _updatedAt: ''})
const tx = (id: string): Transaction => ({
  id,
  dataset: 'production',
  timestamp: new Date().toISOString(),
  author: 'someone',
  mutations: [],
  changes: [{id: 'doc-1', before: null, after: doc('doc-1')}],
})
const spec = (query: string): ListenerSpec => ({
  dataset: 'production',
  query,
  params: {},
  access: 'all',
  includeAllVersions: false,
  includeResult: true,
  includePreviousRevision: false,
  includeMutations: true,
  effectFormat: null,
  visibility: 'query',
})

describe('ListenHub fan-out', () => {
  it('never blocks the commit and a slow listener does not delay a fast one', async () => {
    const {engine, emit} = fakeEngine()
    const hub = new ListenHub(engine, {maxBufferedBytes: 1e6, log: () => {}})
    const fast: unknown[] = []
    const slow: unknown[] = []
    hub.add(spec('slow'), {send: (_e, data) => (slow.push(data), 0), end: () => {}})
    hub.add(spec('fast'), {send: (_e, data) => (fast.push(data), 0), end: () => {}})

    const started = performance.now()
    emit(tx('t1'))
    expect(performance.now() - started).toBeLessThan(50)
    await sleep(100)
    expect(fast).toHaveLength(1)
    expect(slow).toHaveLength(0)
    hub.close()
  })

  it('disconnects a listener whose socket buffers too much, and keeps serving others', async () => {
    const {engine, emit} = fakeEngine()
    const hub = new ListenHub(engine, {maxBufferedBytes: 10, log: () => {}})
    let ended = ''
    hub.add(spec('fast'), {send: () => 1000, end: (reason) => (ended = reason)})
    const healthy: unknown[] = []
    hub.add(spec('fast'), {send: (_e, data) => (healthy.push(data), 0), end: () => {}})
    emit(tx('t1'))
    emit(tx('t2'))
    await sleep(50)
    expect(ended).toMatch(/too slow/)
    expect(hub.size).toBe(1)
    expect(healthy).toHaveLength(2)
    hub.close()
  })
})
