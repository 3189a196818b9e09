/**
 * What next-sanity's SanityLive relies on between the Live Content API and the query API: the
 * `message` naming a query's sync tags arrives promptly after the commit, and a query sent the moment
 * it arrives (with the event's id as `lastLiveEventId`, as @sanity/client sends it) already sees the
 * change — for published content on an anonymous stream and for drafts on an `includeDrafts` one.
 */
import type {LiveEvent, SanityClient} from '@sanity/client'
import {afterAll, beforeAll, expect, it} from 'vitest'
import {startTestLake, type TestLake} from './helpers'

let t: TestLake

beforeAll(async () => {
  t = await startTestLake()
  await t.editor.createOrReplace({_id: 'rae', _type: 'note', title: 'v0'})
})
afterAll(() => t?.close())

interface Seen {
  ms: number
  tags: string[]
  id: string
  title: unknown
}

/**
 * Subscribes like SanityLive does, commits, and on each `message` whose tags meet the query's sync
 * tags refetches at once; resolves with what those refetches saw once `count` messages matched.
 */
async function observe(client: SanityClient, query: string, commits: (() => Promise<unknown>)[], includeDrafts = false): Promise<Seen[]> {
  const {syncTags = []} = await client.fetch(query, {}, {filterResponse: false})
  expect(syncTags.length).toBeGreaterThan(0)
  expect(syncTags.every((tag) => tag.startsWith('s1:'))).toBe(true)
  const seen: Seen[] = []
  let started = 0
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${commits.length} messages`)), 5_000)
    const subscription = client.live.events({includeDrafts}).subscribe({
      error: reject,
      next: (event: LiveEvent) => {
        if (event.type === 'welcome') {
          started = Date.now()
          void (async () => {
            for (const commit of commits) await commit()
          })().catch(reject)
        } else if (event.type === 'restart' || event.type === 'goaway') {
          reject(new Error(`unexpected ${event.type}`))
        } else if (event.type === 'message' && event.tags.some((tag) => syncTags.includes(tag))) {
          const ms = Date.now() - started
          void client.fetch(query, {}, {lastLiveEventId: event.id}).then((title) => {
            seen.push({ms, tags: event.tags, id: event.id, title})
            if (seen.length === commits.length) {
              clearTimeout(timer)
              subscription.unsubscribe()
              resolve()
            }
          }, reject)
        }
      },
    })
  })
  console.log(`[live] ${includeDrafts ? 'includeDrafts' : 'published'}: message ${seen.map((s) => s.ms).join(', ')} ms after the first commit was sent`)
  return seen
}

it('a published change: the message names the query’s tags, and a refetch on it sees the change', async () => {
  const anonymous = t.client({perspective: 'published'})
  const seen = await observe(anonymous, '*[_id == "rae"][0].title', [() => t.editor.patch('rae').set({title: 'v1'}).commit()])
  expect(seen[0].title).toBe('v1')
  expect(seen[0].ms).toBeLessThan(500)
})

it('commits in a row: one message each, in commit order, each refetch at least as new as its event', async () => {
  const anonymous = t.client({perspective: 'published'})
  const seen = await observe(anonymous, '*[_id == "rae"][0].title', [
    () => t.editor.patch('rae').set({title: 'v2'}).commit(),
    () => t.editor.patch('rae').set({title: 'v3'}).commit(),
  ])
  // Event ids are `<check>-<seq>` (lib/lake/live/event-log.ts): seq is the store's transaction
  // sequence, so a later commit always carries a larger one.
  const seq1 = Number(seen[0].id.split('-')[1])
  const seq2 = Number(seen[1].id.split('-')[1])
  expect(Number.isInteger(seq1)).toBe(true)
  expect(seq2).toBeGreaterThan(seq1)
  expect(['v2', 'v3']).toContain(seen[0].title)
  expect(seen[1].title).toBe('v3')
})

it('a draft edit on an includeDrafts stream (the preview’s token): the drafts query refetched on it sees the draft', async () => {
  const preview = t.client({token: t.viewerToken, perspective: 'drafts'})
  const seen = await observe(preview, '*[_id == "rae"][0].title', [() => t.editor.createOrReplace({_id: 'drafts.rae', _type: 'note', title: 'draft v4'})], true)
  expect(seen[0].title).toBe('draft v4')
  expect(seen[0].ms).toBeLessThan(500)
  expect(await t.client({perspective: 'published'}).fetch('*[_id == "rae"][0].title')).toBe('v3')
})
