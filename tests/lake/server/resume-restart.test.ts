/**
 * The live event log and the listener log survive a lake restart: a client that resumes
 * `/data/live/events` or `/data/listen` (`enableResume`) with its `Last-Event-ID` after the lake
 * restarted receives exactly the events it missed, never a private document's to an anonymous
 * stream; an id older than the kept window (or not of this store) gets `restart` / `reset`.
 * Every event is written in its commit's SQLite transaction, so an acknowledged write has its row.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import {createClient, type SanityClient} from '@sanity/client'
import {afterEach, describe, expect, it} from 'vitest'
import {createToken, startLake, type RunningLake, type StartLakeOptions} from '@/lib/lake/server'
import {API_VERSION, sleep} from './helpers'
import {openSse, type SseStream} from './sse'

const dirs: string[] = []
const lakes: RunningLake[] = []
const streams: SseStream[] = []

afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close()
  for (const lake of lakes.splice(0)) await lake.close()
  for (const dir of dirs.splice(0)) fs.rmSync(dir, {recursive: true, force: true})
})

function dataDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lake-resume-'))
  dirs.push(dir)
  return dir
}

async function start(dir: string, options: Partial<StartLakeOptions> = {}) {
  const lake = await startLake({dataDir: dir, port: 0, httpPort: 0, logger: () => {}, ...options})
  lakes.push(lake)
  return lake
}

async function stop(lake: RunningLake) {
  lakes.splice(lakes.indexOf(lake), 1)
  await lake.close()
}

const clientFor = (lake: RunningLake, token?: string): SanityClient =>
  createClient({projectId: 'dispatch', dataset: 'production', apiVersion: API_VERSION, apiHost: lake.httpUrl, useProjectHostname: false, useCdn: false, token, perspective: 'raw'})
const api = (lake: RunningLake, pathname: string) => `${lake.httpUrl}/v${API_VERSION}${pathname}`

async function sse(url: string, headers: Record<string, string> = {}) {
  const stream = await openSse(url, headers)
  streams.push(stream)
  return stream
}

/** Every event after the first, once the stream has been quiet for a moment. */
async function settled(stream: SseStream) {
  await sleep(200)
  return stream.events.map((event) => ({event: event.event, id: event.id, data: event.data}))
}

describe('the Live Content API resumes across a restart', () => {
  it('a stream resumed after a restart gets exactly the missed messages; anonymous ones never hear of private documents', async () => {
    const dir = dataDir()
    let lake = await start(dir)
    const editorToken = createToken(dir, {role: 'editor', label: 'editor'})
    const viewerToken = createToken(dir, {role: 'viewer', label: 'viewer'})
    let editor = clientFor(lake, editorToken)
    await editor.create({_id: 'p1', _type: 'post', title: 'One'})

    const anonymous = await sse(api(lake, '/data/live/events/production'))
    const drafts = await sse(api(lake, '/data/live/events/production?includeDrafts=true'), {authorization: `Bearer ${viewerToken}`})
    await anonymous.next((e) => e.event === 'welcome')
    await drafts.next((e) => e.event === 'welcome')
    await editor.patch('p1').set({title: 'One, seen'}).commit()
    const seenAnonymous = (await anonymous.next((e) => e.event === 'message')).id as string
    const seenDrafts = (await drafts.next((e) => e.event === 'message')).id as string
    expect(seenAnonymous).toBe(seenDrafts)
    anonymous.close()
    drafts.close()

    // Missed while disconnected: before the restart, and after it.
    await editor.create({_id: 'p2', _type: 'post', title: 'Two'})
    await editor.create({_id: 'drafts.p1', _type: 'post', title: 'secret draft'})
    await stop(lake)
    lake = await start(dir)
    editor = clientFor(lake, editorToken)
    await editor.create({_id: 'contact.m1', _type: 'contactMessage', body: 'private'})
    await editor.patch('p2').set({title: 'Two, edited after the restart'}).commit()

    // What a fresh query says each missed commit fired: p2's own document tag is in both of its messages.
    const p2Tags = (await clientFor(lake).fetch('*[_id == "p2"][0].title', {}, {filterResponse: false, perspective: 'published'})).syncTags as string[]

    const resumed = await sse(api(lake, '/data/live/events/production'), {'last-event-id': seenAnonymous})
    await resumed.next((e) => e.event === 'message')
    await resumed.next((e) => e.event === 'message')
    const anonymousEvents = await settled(resumed)
    expect(anonymousEvents.map((e) => e.event)).toEqual(['welcome', 'message', 'message'])
    for (const message of anonymousEvents.slice(1)) expect(JSON.parse(message.data).tags.some((tag: string) => p2Tags.includes(tag))).toBe(true)
    const [, firstMissed, secondMissed] = anonymousEvents
    expect(Number(secondMissed.id?.split('-')[1])).toBeGreaterThan(Number(firstMissed.id?.split('-')[1]))
    expect(Number(firstMissed.id?.split('-')[1])).toBeGreaterThan(Number(seenAnonymous.split('-')[1]))

    const resumedDrafts = await sse(api(lake, '/data/live/events/production?includeDrafts=true'), {authorization: `Bearer ${viewerToken}`, 'last-event-id': seenDrafts})
    for (let i = 0; i < 4; i++) await resumedDrafts.next((e) => e.event === 'message')
    expect((await settled(resumedDrafts)).map((e) => e.event)).toEqual(['welcome', 'message', 'message', 'message', 'message'])

    // Resumed at the head: nothing missed, no restart.
    const head = resumedDrafts.events.at(-1)?.id as string
    const atHead = await sse(api(lake, '/data/live/events/production'), {'last-event-id': head})
    await atHead.next((e) => e.event === 'welcome')
    expect((await settled(atHead)).map((e) => e.event)).toEqual(['welcome'])
  })

  it('an id older than the kept window, from another store, or garbage gets restart', async () => {
    const dir = dataDir()
    const lake = await start(dir, {resumeWindow: {events: 3}})
    const editor = clientFor(lake, createToken(dir, {role: 'editor', label: 'editor'}))
    const stream = await sse(api(lake, '/data/live/events/production'))
    await stream.next((e) => e.event === 'welcome')
    await editor.create({_id: 'a', _type: 't'})
    const old = (await stream.next((e) => e.event === 'message')).id as string
    for (let i = 0; i < 4; i++) await editor.createOrReplace({_id: 'a', _type: 't', n: i})
    for (let i = 0; i < 4; i++) await stream.next((e) => e.event === 'message')
    const lastKept = stream.events.at(-3)?.id as string

    // 4 events after `old`, 3 kept: `old` is outside the window; the one after it is inside.
    const tooOld = await sse(api(lake, '/data/live/events/production'), {'last-event-id': old})
    expect((await settled(tooOld)).map((e) => e.event)).toEqual(['welcome', 'restart'])
    const inside = await sse(api(lake, '/data/live/events/production'), {'last-event-id': lastKept})
    await inside.next((e) => e.event === 'message')
    expect((await settled(inside)).map((e) => e.event)).toEqual(['welcome', 'message', 'message'])

    // The same position in another data dir names another transaction.
    const otherDir = dataDir()
    const other = await start(otherDir)
    const otherEditor = clientFor(other, createToken(otherDir, {role: 'editor', label: 'editor'}))
    for (let i = 0; i < 5; i++) await otherEditor.createOrReplace({_id: 'a', _type: 't', n: i})
    for (const id of [lastKept, 'nonsense', '0-999999']) {
      const foreign = await sse(api(other, '/data/live/events/production'), {'last-event-id': id})
      expect((await settled(foreign)).map((e) => e.event)).toEqual(['welcome', 'restart'])
    }
  })

  it('an acknowledged commit has its event row on disk', async () => {
    const dir = dataDir()
    const lake = await start(dir)
    const editor = clientFor(lake, createToken(dir, {role: 'editor', label: 'editor'}))
    const {transactionId} = await editor.create({_id: 'durable', _type: 't'}, {returnDocuments: false})
    const db = new Database(path.join(dir, 'lake.sqlite'), {readonly: true})
    try {
      const row = db
        .prepare<[string], {seq: number; tx_id: string}>('SELECT e.seq, e.tx_id FROM live_events e JOIN transactions t ON t.seq = e.seq WHERE t.id = ?')
        .get(transactionId)
      expect(row?.tx_id).toBe(transactionId)
    } finally {
      db.close()
    }
  })
})

describe('listen with enableResume resumes across a restart', () => {
  const url = (lake: RunningLake) => api(lake, `/data/listen/production?query=${encodeURIComponent('*[_type == "note"]')}&includeResult=true&enableResume=true`)

  it('welcomeback and exactly the missed events after a restart; anonymous listeners never get private documents', async () => {
    const dir = dataDir()
    let lake = await start(dir)
    const editorToken = createToken(dir, {role: 'editor', label: 'editor'})
    const viewerToken = createToken(dir, {role: 'viewer', label: 'viewer'})
    let editor = clientFor(lake, editorToken)
    const withToken = await sse(url(lake), {authorization: `Bearer ${viewerToken}`})
    const anonymous = await sse(url(lake))
    await withToken.next((e) => e.event === 'welcome')
    await anonymous.next((e) => e.event === 'welcome')
    await editor.create({_id: 'n1', _type: 'note', n: 1})
    const seen = (await withToken.next((e) => e.event === 'mutation')).id as string
    expect((await anonymous.next((e) => e.event === 'mutation')).id).toBe(seen)
    withToken.close()
    anonymous.close()

    await editor.create({_id: 'drafts.n1', _type: 'note', secret: 'draft'})
    await editor.patch('n1').set({n: 2}).commit()
    await stop(lake)
    lake = await start(dir)
    editor = clientFor(lake, editorToken)
    await editor.create({_id: 'n3', _type: 'note', n: 3})

    const resumed = await sse(url(lake), {authorization: `Bearer ${viewerToken}`, 'last-event-id': seen})
    for (let i = 0; i < 3; i++) await resumed.next((e) => e.event === 'mutation')
    const events = await settled(resumed)
    expect(events.map((e) => e.event)).toEqual(['welcomeback', 'mutation', 'mutation', 'mutation'])
    expect(events.slice(1).map((e) => JSON.parse(e.data).documentId)).toEqual(['drafts.n1', 'n1', 'n3'])
    const n1 = JSON.parse(events[2].data)
    expect(n1.result.n).toBe(2)
    expect(n1.transition).toBe('update')

    const resumedAnonymous = await sse(url(lake), {'last-event-id': seen})
    for (let i = 0; i < 2; i++) await resumedAnonymous.next((e) => e.event === 'mutation')
    const anonymousEvents = await settled(resumedAnonymous)
    expect(anonymousEvents.map((e) => e.event)).toEqual(['welcomeback', 'mutation', 'mutation'])
    expect(anonymousEvents.slice(1).map((e) => JSON.parse(e.data).documentId)).toEqual(['n1', 'n3'])
    expect(resumedAnonymous.events.some((e) => e.data.includes('draft'))).toBe(false)
  })

  it('reset when the last event is outside the window', async () => {
    const dir = dataDir()
    const lake = await start(dir, {resumeWindow: {events: 2}})
    const editor = clientFor(lake, createToken(dir, {role: 'editor', label: 'editor'}))
    const viewer = {authorization: `Bearer ${createToken(dir, {role: 'viewer', label: 'viewer'})}`}
    const listener = await sse(url(lake), viewer)
    await listener.next((e) => e.event === 'welcome')
    await editor.create({_id: 'n1', _type: 'note'})
    const old = (await listener.next((e) => e.event === 'mutation')).id as string
    for (let i = 0; i < 3; i++) await editor.createOrReplace({_id: 'n1', _type: 'note', n: i})
    const tooOld = await sse(url(lake), {...viewer, 'last-event-id': old})
    expect((await settled(tooOld)).map((e) => e.event)).toEqual(['reset'])
    await editor.createOrReplace({_id: 'n1', _type: 'note', n: 9})
    for (let i = 0; i < 4; i++) await listener.next((e) => e.event === 'mutation')
    const recent = listener.events.filter((e) => e.event === 'mutation').at(-3)?.id as string
    const inside = await sse(url(lake), {...viewer, 'last-event-id': recent})
    await inside.next((e) => e.event === 'mutation')
    expect((await settled(inside)).map((e) => e.event)).toEqual(['welcomeback', 'mutation', 'mutation'])
  })
})
