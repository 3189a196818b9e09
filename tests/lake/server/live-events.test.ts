/**
 * Sync tags and the Live Content API: query responses name what they depend on, and the event
 * stream names the tags each commit fired, precisely enough that a change to one post does not
 * expire queries that could not have changed; events resume by id; private changes stay private.
 */
import type {SanityClient} from '@sanity/client'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {sleep, startTestLake, type TestLake} from './helpers'
import {openSse, type SseStream} from './sse'

let t: TestLake
let stream: SseStream

const POST_PAGE = '*[_type == "post" && slug.current == $slug][0]{title, body, "author": author->name, "newer": *[_type == "post" && publishedAt > ^.publishedAt] | order(publishedAt asc)[0]{title}}'
const HOME = '*[_type == "post" && defined(slug.current)] | order(publishedAt desc)[0...2]{title, "slug": slug.current}'
const TITLES = '*[_type == "post"]{title}'

async function tagsOf(client: SanityClient, query: string, params: Record<string, unknown> = {}): Promise<string[]> {
  const response = await client.fetch(query, params, {filterResponse: false})
  return response.syncTags ?? []
}

/** The tags of the next `message` after the given commit; fails when none arrives. */
async function firedBy(commit: () => Promise<unknown>): Promise<string[]> {
  await commit()
  const event = await stream.next((e) => e.event === 'message' || e.event === 'restart')
  expect(event.event).toBe('message')
  return JSON.parse(event.data).tags
}

const intersects = (a: string[], b: string[]) => a.some((tag) => b.includes(tag))

beforeAll(async () => {
  t = await startTestLake()
  await t.editor
    .transaction()
    .createOrReplace({_id: 'author-1', _type: 'author', name: 'Ana'})
    .createOrReplace({_id: 'p1', _type: 'post', title: 'One', slug: {current: 'one'}, publishedAt: '2026-01-01', body: 'b1', author: {_type: 'reference', _ref: 'author-1'}})
    .createOrReplace({_id: 'p2', _type: 'post', title: 'Two', slug: {current: 'two'}, publishedAt: '2026-01-02', body: 'b2'})
    .createOrReplace({_id: 'p3', _type: 'post', title: 'Three', slug: {current: 'three'}, publishedAt: '2026-01-03', body: 'b3'})
    .createOrReplace({_id: 'p4', _type: 'post', title: 'Four', slug: {current: 'four'}, publishedAt: '2026-01-04', body: 'b4'})
    .commit()
})
afterAll(() => t?.close())
beforeEach(async () => {
  stream?.close()
  stream = await openSse(t.api('/data/live/events/production'))
  await stream.next((e) => e.event === 'welcome')
})

describe('sync tags on query responses', () => {
  it('are s1: tags, the same for the same query, different for unrelated ones', async () => {
    const a = await tagsOf(t.anonymous, POST_PAGE, {slug: 'one'})
    expect(a.length).toBeGreaterThan(0)
    for (const tag of a) expect(tag).toMatch(/^s1:[A-Za-z0-9_-]{16}$/)
    expect(await tagsOf(t.anonymous, POST_PAGE, {slug: 'one'})).toEqual(a)
  })

  it('an edit to one post fires its page, not the page of a post it does not show', async () => {
    const one = await tagsOf(t.anonymous, POST_PAGE, {slug: 'one'}) // shows p1, its author, and p2 as "newer"
    const three = await tagsOf(t.anonymous, POST_PAGE, {slug: 'three'}) // shows p3 and p4
    const fired = await firedBy(() => t.editor.patch('p1').set({body: 'b1, edited'}).commit())
    expect(intersects(one, fired)).toBe(true)
    expect(intersects(three, fired)).toBe(false)
  })

  it('an edit to a joined document (author via ->) fires the pages that show it', async () => {
    const one = await tagsOf(t.anonymous, POST_PAGE, {slug: 'one'})
    const three = await tagsOf(t.anonymous, POST_PAGE, {slug: 'three'})
    const fired = await firedBy(() => t.editor.patch('author-1').set({name: 'Ana B.'}).commit())
    expect(intersects(one, fired)).toBe(true)
    expect(intersects(three, fired)).toBe(false)
  })

  it('a list fires when a shown post changes or one could enter it, not for an unshown post’s body', async () => {
    const home = await tagsOf(t.anonymous, HOME) // p4, p3
    expect(intersects(home, await firedBy(() => t.editor.patch('p1').set({body: 'b1 again'}).commit()))).toBe(false)
    expect(intersects(home, await firedBy(() => t.editor.patch('p1').set({title: 'One!'}).commit()))).toBe(false)
    expect(intersects(home, await firedBy(() => t.editor.patch('p4').set({title: 'Four!'}).commit()))).toBe(true)
    // p1 moving to the top of the order changes the list although p1 is not in it yet.
    expect(intersects(home, await firedBy(() => t.editor.patch('p1').set({publishedAt: '2026-02-01'}).commit()))).toBe(true)
    expect(intersects(home, await firedBy(() => t.editor.create({_id: 'p5', _type: 'post', title: 'Five', slug: {current: 'five'}, publishedAt: '2025-01-01'})))).toBe(true)
  })

  it('results without _id (projections) still depend on every document they show', async () => {
    const titles = await tagsOf(t.anonymous, TITLES)
    expect(intersects(titles, await firedBy(() => t.editor.patch('p2').set({title: 'Two!'}).commit()))).toBe(true)
    // Tags are per document, not per field: any edit of a shown post fires; other types do not.
    expect(intersects(titles, await firedBy(() => t.editor.patch('p2').set({body: 'b2!'}).commit()))).toBe(true)
    expect(intersects(titles, await firedBy(() => t.editor.patch('author-1').set({name: 'Ana C.'}).commit()))).toBe(false)
  })

  it('a result over many documents of a type is tagged by the fields it read on them', async () => {
    const tx = t.editor.transaction()
    for (let i = 0; i < 30; i++) tx.createOrReplace({_id: `many-${i}`, _type: 'card', title: `Card ${i}`, categories: [{_type: 'reference', _ref: 'cat', _weak: true, _key: 'c'}]})
    await tx.commit()
    await stream.next((e) => e.event === 'message')
    const used = await tagsOf(t.anonymous, 'array::unique(*[_type == "card"].categories[]._ref)')
    expect(used.length).toBeLessThan(10)
    expect(intersects(used, await firedBy(() => t.editor.patch('many-3').set({title: 'Renamed'}).commit()))).toBe(false)
    expect(intersects(used, await firedBy(() => t.editor.patch('many-3').set({categories: []}).commit()))).toBe(true)
  })

  it('a missing reference fires when the document appears', async () => {
    await t.editor.create({_id: 'p6', _type: 'post', title: 'Six', slug: {current: 'six'}, publishedAt: '2020-01-01', author: {_type: 'reference', _ref: 'author-later', _weak: true}})
    await stream.next((e) => e.event === 'message')
    const six = await tagsOf(t.anonymous, '*[_id == "p6"][0]{"author": author->name}')
    expect(intersects(six, await firedBy(() => t.editor.create({_id: 'author-later', _type: 'author', name: 'Late'})))).toBe(true)
  })

  it('accepts lastLiveEventId as @sanity/client sends it, and rejects a malformed one', async () => {
    const head = (await stream.next(() => true, 10).catch(() => undefined))?.id ?? stream.events[0].id
    expect(await t.anonymous.fetch('count(*[_type == "post"])', {}, {lastLiveEventId: head})).toBeGreaterThan(0)
    const response = await fetch(t.api(`/data/query/production?query=1&lastLiveEventId=${encodeURIComponent('<script>')}`))
    expect(response.status).toBe(400)
  })
})

describe('the live event stream', () => {
  it('is driven by @sanity/client live.events(): welcome, then message events with tags', async () => {
    const events: {type: string; tags?: string[]; id?: string}[] = []
    const subscription = t.anonymous.live.events().subscribe((event) => events.push(event as never))
    try {
      await until(() => events.some((e) => e.type === 'welcome'))
      await t.editor.patch('p3').set({title: 'Three!'}).commit()
      await until(() => events.some((e) => e.type === 'message'))
      const message = events.find((e) => e.type === 'message')
      expect(message?.tags?.length).toBeGreaterThan(0)
      expect(message?.id).toMatch(/^[A-Za-z0-9]+-\d+$/)
      expect(events.some((e) => e.type === 'restart')).toBe(false)
    } finally {
      subscription.unsubscribe()
    }
  })

  it('tells anonymous streams nothing about drafts or private documents', async () => {
    const drafts = await openSse(t.api('/data/live/events/production?includeDrafts=true'), {authorization: `Bearer ${t.viewerToken}`})
    try {
      await drafts.next((e) => e.event === 'welcome')
      await t.editor.create({_id: 'drafts.p1', _type: 'post', title: 'secret draft'})
      await t.editor.create({_id: 'contact.x1', _type: 'contactMessage', body: 'private'})
      await drafts.next((e) => e.event === 'message')
      await drafts.next((e) => e.event === 'message')
      await sleep(200)
      expect(stream.events.filter((e) => e.event !== 'welcome')).toEqual([])
    } finally {
      drafts.close()
    }
  })

  it('refuses includeDrafts without a token', async () => {
    const response = await fetch(t.api('/data/live/events/production?includeDrafts=true'))
    expect(response.status).toBe(401)
  })

  it('resumes from Last-Event-ID with the messages missed, in order', async () => {
    const first = await firedBy(() => t.editor.patch('p2').set({title: 'Two again'}).commit())
    expect(first.length).toBeGreaterThan(0)
    const lastSeen = stream.events.at(-1)?.id as string
    stream.close()
    await t.editor.patch('p3').set({title: 'missed 1'}).commit()
    await t.editor.create({_id: 'drafts.p3', _type: 'post', title: 'missed, but private'})
    await t.editor.patch('p4').set({title: 'missed 2'}).commit()
    stream = await openSse(t.api('/data/live/events/production'), {'last-event-id': lastSeen})
    expect((await stream.next(() => true)).event).toBe('welcome')
    const one = await stream.next(() => true)
    const two = await stream.next(() => true)
    expect([one.event, two.event]).toEqual(['message', 'message'])
    expect(Number(two.id?.split('-')[1])).toBeGreaterThan(Number(one.id?.split('-')[1]))
    const fired = JSON.parse(two.data).tags
    expect(intersects(await tagsOf(t.anonymous, '*[_id == "p4"][0].title'), fired)).toBe(true)
    await sleep(100)
    expect(stream.events).toHaveLength(3)
  })

  it('answers restart after welcome when it cannot resume (another lake run, or garbage)', async () => {
    for (const id of ['zzzzzz-3', 'nonsense']) {
      const s = await openSse(t.api('/data/live/events/production'), {'last-event-id': id})
      try {
        expect((await s.next(() => true)).event).toBe('welcome')
        expect((await s.next(() => true)).event).toBe('restart')
      } finally {
        s.close()
      }
    }
  })
})

async function until(predicate: () => boolean, timeoutMs = 5000) {
  const started = Date.now()
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out')
    await sleep(20)
  }
}
