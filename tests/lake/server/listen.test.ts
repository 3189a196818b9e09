import {applyPatch} from 'mendoza'
import type {MutationEvent, SanityClient} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {sleep, startTestLake, type TestLake} from './helpers'

let t: TestLake
beforeAll(async () => {
  t = await startTestLake()
})
afterAll(async () => {
  await t?.close()
})

type ListenEvent = {type: string} & Partial<MutationEvent> & {effects?: {apply: unknown; revert: unknown}}

/** Subscribes and resolves once the welcome event arrived, so later commits are seen. */
async function listen(client: SanityClient, query: string, options: Record<string, unknown> = {}) {
  const events: ListenEvent[] = []
  let welcomed: () => void = () => {}
  const ready = new Promise<void>((resolve) => (welcomed = resolve))
  const subscription = client
    .listen(query, {}, {events: ['welcome', 'mutation'], includeResult: true, ...options} as never)
    .subscribe((event) => {
      events.push(event as ListenEvent)
      if ((event as {type: string}).type === 'welcome') welcomed()
    })
  await ready
  const mutations = () => events.filter((e) => e.type === 'mutation')
  return {
    events,
    mutations,
    async until(count: number, timeoutMs = 5000) {
      const start = Date.now()
      while (mutations().length < count) {
        if (Date.now() - start > timeoutMs) throw new Error(`expected ${count} mutation events, got ${mutations().length}`)
        await sleep(20)
      }
      return mutations()
    },
    stop: () => subscription.unsubscribe(),
  }
}

describe('listen', () => {
  it('sends welcome first, then appear/update/disappear for matching documents only, with results', async () => {
    const l = await listen(t.editor, '*[_type == "listenTest"]')
    expect(l.events[0].type).toBe('welcome')

    await t.editor.create({_id: 'other-1', _type: 'unrelated'})
    await t.editor.transaction().create({_id: 'lt-1', _type: 'listenTest', title: 'hello'}).commit({transactionId: 'lt-tx-1'})
    await t.editor.patch('lt-1').set({title: 'hello again'}).commit()
    await t.editor.patch('lt-1').set({_type: 'unrelated'}).commit()
    const events = await l.until(3)
    await sleep(100)
    l.stop()

    expect(l.mutations()).toHaveLength(3)
    expect(events.map((e) => e.transition)).toEqual(['appear', 'update', 'disappear'])
    expect(events.every((e) => e.documentId === 'lt-1')).toBe(true)
    const [appear, update] = events
    expect(appear).toMatchObject({
      eventId: 'lt-tx-1#lt-1',
      transactionId: 'lt-tx-1',
      resultRev: 'lt-tx-1',
      transactionTotalEvents: 1,
      transactionCurrentEvent: 1,
      visibility: 'query',
      result: {_id: 'lt-1', title: 'hello'},
    })
    expect(typeof appear.identity).toBe('string')
    expect(appear.mutations).toEqual([{create: expect.objectContaining({_id: 'lt-1'})}])
    expect(update.previousRev).toBe('lt-tx-1')
    expect(update.result).toMatchObject({title: 'hello again'})
  })

  it('honours includeMutations=false, includePreviousRevision and effectFormat=mendoza', async () => {
    const l = await listen(t.editor, '*[_id == "opt-1"]', {
      includeMutations: false,
      includePreviousRevision: true,
      effectFormat: 'mendoza',
    })
    await t.editor.create({_id: 'opt-1', _type: 'x', n: 1})
    await t.editor.patch('opt-1').set({n: 2}).commit()
    const [, update] = await l.until(2)
    l.stop()
    expect(update.result).toMatchObject({n: 2})
    expect(update.mutations).toBeUndefined()
    expect(update.previous).toMatchObject({n: 1})
    // Real mendoza patches over the documents without _rev, as the Studio applies them.
    const {_rev, ...before} = update.previous as unknown as Record<string, unknown>
    const {_rev: _nextRev, ...after} = update.result as unknown as Record<string, unknown>
    void _rev
    void _nextRev
    expect(applyPatch(before, update.effects?.apply as never)).toEqual(after)
    expect(applyPatch(after, update.effects?.revert as never)).toEqual(before)
    expect(JSON.stringify(update.effects?.apply)).not.toContain('opt-1')
  })

  it('anonymous listeners never see drafts or private documents; versions need includeAllVersions', async () => {
    const anon = await listen(t.anonymous, '*[_type == "secretListen"]')
    const raw = await listen(t.editor, '*[_type == "secretListen"]')
    await t.editor
      .transaction()
      .create({_id: 'drafts.sl-1', _type: 'secretListen'})
      .create({_id: 'contact.sl-2', _type: 'secretListen'})
      .create({_id: 'versions.r1.sl-3', _type: 'secretListen'})
      .create({_id: 'sl-4', _type: 'secretListen'})
      .commit()
    const seen = await raw.until(3)
    await anon.until(1)
    await sleep(150)
    anon.stop()
    raw.stop()
    expect(anon.mutations().map((e) => e.documentId)).toEqual(['sl-4'])
    expect(seen.map((e) => e.documentId).sort()).toEqual(['contact.sl-2', 'drafts.sl-1', 'sl-4'])
    expect(seen.every((e) => e.transactionTotalEvents === 4)).toBe(true)
  })

  it('rejects an invalid filter with 400 and a bad token with 401 before streaming', async () => {
    const bad = await fetch(t.api('/data/listen/production?query=' + encodeURIComponent('*[_type ==')))
    expect(bad.status).toBe(400)
    const unauth = await fetch(t.api('/data/listen/production?query=*'), {headers: {authorization: 'Bearer nope'}})
    expect(unauth.status).toBe(401)
  })

  it('omits result with includeResult=false (raw SSE; @sanity/client never sends false values)', async () => {
    const controller = new AbortController()
    const res = await fetch(t.api('/data/listen/production?includeResult=false&query=' + encodeURIComponent('*[_id == "nores-1"]')), {
      headers: {authorization: `Bearer ${t.editorToken}`},
      signal: controller.signal,
    })
    const reader = res.body!.getReader()
    let text = new TextDecoder().decode((await reader.read()).value)
    await t.editor.create({_id: 'nores-1', _type: 'x'})
    while (!text.includes('event: mutation')) text += new TextDecoder().decode((await reader.read()).value)
    controller.abort()
    const data = JSON.parse(/event: mutation\ndata: (.*)\n/.exec(text)![1])
    expect(data).toMatchObject({documentId: 'nores-1', transition: 'appear'})
    expect(data.result).toBeUndefined()
    expect(text).toMatch(/id: [^\n]+#nores-1\nevent: mutation/)
  })

  it('streams raw SSE with an event: welcome first and stops delivering after the client leaves', async () => {
    const controller = new AbortController()
    const res = await fetch(t.api('/data/listen/production?query=' + encodeURIComponent('*[_id == "sse-1"]')), {
      headers: {authorization: `Bearer ${t.editorToken}`},
      signal: controller.signal,
    })
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/)
    const reader = res.body!.getReader()
    const first = new TextDecoder().decode((await reader.read()).value)
    expect(first).toMatch(/^event: welcome\ndata: \{"listenerName":"L[0-9a-f]+"\}\n\n/)
    controller.abort()
    await sleep(100)
    // A commit after the listener left must not fail or block.
    await t.editor.create({_id: 'sse-1', _type: 'x'})
  })
})
