/**
 * Resumable listeners (`enableResume=true`): a listener that reconnects with the EventSource's
 * `Last-Event-ID` gets `welcomeback` and exactly the mutation events it missed; when the lake no
 * longer knows that event, `reset`, so the client refetches (the Studio's document pair listener
 * handles both).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {sleep, startTestLake, type TestLake} from './helpers'
import {openSse} from './sse'

let t: TestLake
beforeAll(async () => {
  t = await startTestLake()
})
afterAll(() => t?.close())

const url = (extra = '') => t.api(`/data/listen/production?query=${encodeURIComponent('*[_type == "note"]')}&includeResult=false${extra}`)
const auth = () => ({authorization: `Bearer ${t.viewerToken}`})

describe('listen with enableResume', () => {
  it('resumes after Last-Event-ID with welcomeback and the missed events, in order', async () => {
    const first = await openSse(url('&enableResume=true'), auth())
    await first.next((e) => e.event === 'welcome')
    await t.editor.create({_id: 'n1', _type: 'note', n: 1})
    const seen = await first.next((e) => e.event === 'mutation')
    expect(seen.id).toMatch(/^[^#]+#n1$/)
    first.close()

    await t.editor.transaction().create({_id: 'n2', _type: 'note', n: 2}).create({_id: 'other', _type: 'skip'}).create({_id: 'n3', _type: 'note', n: 3}).commit()
    await t.editor.patch('n1').set({n: 10}).commit()

    const resumed = await openSse(url('&enableResume=true'), {...auth(), 'last-event-id': seen.id as string})
    try {
      expect((await resumed.next(() => true)).event).toBe('welcomeback')
      const ids = []
      for (let i = 0; i < 3; i++) ids.push(JSON.parse((await resumed.next((e) => e.event === 'mutation')).data).documentId)
      expect(ids).toEqual(['n2', 'n3', 'n1'])
      await sleep(100)
      expect(resumed.events.filter((e) => e.event === 'mutation')).toHaveLength(3)
    } finally {
      resumed.close()
    }
  })

  it('resumes inside a transaction whose events were only partly received', async () => {
    const listener = await openSse(url('&enableResume=true'), auth())
    await listener.next((e) => e.event === 'welcome')
    await t.editor.transaction().create({_id: 'n4', _type: 'note'}).create({_id: 'n5', _type: 'note'}).commit()
    const firstOfTwo = await listener.next((e) => e.event === 'mutation')
    listener.close()
    const resumed = await openSse(url('&enableResume=true'), {...auth(), 'last-event-id': firstOfTwo.id as string})
    try {
      expect((await resumed.next(() => true)).event).toBe('welcomeback')
      expect(JSON.parse((await resumed.next(() => true)).data).documentId).toBe('n5')
    } finally {
      resumed.close()
    }
  })

  it('answers reset when the last event is unknown, and ignores Last-Event-ID without enableResume', async () => {
    const unknown = await openSse(url('&enableResume=true'), {...auth(), 'last-event-id': 'nope#n1'})
    expect((await unknown.next(() => true)).event).toBe('reset')
    unknown.close()
    const plain = await openSse(url(), {...auth(), 'last-event-id': 'nope#n1'})
    expect((await plain.next(() => true)).event).toBe('welcome')
    plain.close()
  })

  it('replays only what the listener may read: anonymous listeners never get private documents', async () => {
    const anonymous = await openSse(url('&enableResume=true'))
    await anonymous.next((e) => e.event === 'welcome')
    await t.editor.create({_id: 'n6', _type: 'note'})
    const last = await anonymous.next((e) => e.event === 'mutation')
    anonymous.close()
    await t.editor.create({_id: 'drafts.n7', _type: 'note', secret: true})
    await t.editor.create({_id: 'n8', _type: 'note'})
    const resumed = await openSse(url('&enableResume=true'), {'last-event-id': last.id as string})
    try {
      await resumed.next((e) => e.event === 'welcomeback')
      expect(JSON.parse((await resumed.next(() => true)).data).documentId).toBe('n8')
      await sleep(100)
      expect(resumed.events.map((e) => e.event)).toEqual(['welcomeback', 'mutation'])
    } finally {
      resumed.close()
    }
  })
})
