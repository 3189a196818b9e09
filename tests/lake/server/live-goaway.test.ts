/**
 * The Live Content API's connection limit: a stream over `maxLiveStreams` is answered with
 * `goaway` (with the position and a reason) and closed, as Sanity does, so next-sanity's SanityLive
 * falls back to refreshing on an interval; a slot freed by a closed stream is usable again.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {sleep, startTestLake, type TestLake} from './helpers'
import {openSse, type SseStream} from './sse'

let t: TestLake
beforeAll(async () => {
  t = await startTestLake({maxLiveStreams: 2})
})
afterAll(() => t?.close())

describe('goaway', () => {
  it('is sent to the stream over the limit, through @sanity/client live.events(), and a freed slot is reused', async () => {
    const open: SseStream[] = []
    try {
      for (let i = 0; i < 2; i++) {
        const stream = await openSse(t.api('/data/live/events/production'))
        expect((await stream.next(() => true)).event).toBe('welcome')
        open.push(stream)
      }
      const events: {type: string; id?: string; data?: {reason?: string}}[] = []
      const subscription = t.anonymous.live.events().subscribe({next: (event) => events.push(event as never), error: () => {}})
      try {
        const started = Date.now()
        while (!events.some((e) => e.type === 'goaway') && Date.now() - started < 5000) await sleep(20)
        const goaway = events.find((e) => e.type === 'goaway')
        expect(goaway?.id).toMatch(/^[A-Za-z0-9]+-\d+$/)
        expect(goaway?.data?.reason).toMatch(/connection limit/)
        expect(events.some((e) => e.type === 'welcome')).toBe(false)
      } finally {
        subscription.unsubscribe()
      }

      open.shift()!.close()
      await sleep(100)
      const again = await openSse(t.api('/data/live/events/production'))
      open.push(again)
      expect((await again.next(() => true)).event).toBe('welcome')
    } finally {
      for (const stream of open) stream.close()
    }
  })

  it('carries a retry delay so an EventSource does not reconnect at once', async () => {
    // The slots of the previous test's streams are freed when the lake sees them close.
    const streams = [await welcomed(), await welcomed()]
    try {
      const raw = await fetch(t.api('/data/live/events/production'), {signal: AbortSignal.timeout(5000)}).then((response) => response.text())
      expect(raw).toMatch(/^retry: 30000\nid: \S+\nevent: goaway\ndata: \{"reason":"connection limit reached \(2 live event streams\)"\}\n\n$/)
    } finally {
      for (const stream of streams) stream.close()
    }
  })
})

/** A stream that got a slot (`welcome`), retrying while slots are still held by closing streams. */
async function welcomed(): Promise<SseStream> {
  const started = Date.now()
  for (;;) {
    const stream = await openSse(t.api('/data/live/events/production'))
    if ((await stream.next(() => true)).event === 'welcome') return stream
    stream.close()
    if (Date.now() - started > 5000) throw new Error('no live stream slot became free')
    await sleep(50)
  }
}
