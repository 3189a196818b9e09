/**
 * LiveEventLog against a real engine: the age bound of the resume window, and the commit hook
 * being part of the commit (a hook that fails aborts the write, so no write is acknowledged
 * without its event).
 */
import {describe, expect, it} from 'vitest'
import {openEngine} from '@/lib/lake/engine'
import {LiveEventLog} from '@/lib/lake/live'
import {MAX_TAGS_PER_EVENT} from '@/lib/lake/live/event-log'

describe('LiveEventLog', () => {
  it('resumes from an event of the last keepMs, not from an older one', async () => {
    const engine = openEngine({file: ':memory:'})
    let now = Date.parse('2026-11-26T00:00:00Z')
    const log = new LiveEventLog(engine, {keepMs: 60_000, now: () => now})
    const ids: string[] = []
    log.subscribe((event) => ids.push(event.id))
    try {
      await engine.mutate('production', [{create: {_id: 'a', _type: 't'}}], {author: 'x'})
      now += 120_000
      await engine.mutate('production', [{createOrReplace: {_id: 'a', _type: 't', n: 1}}], {author: 'x'}) // t0 + 120 s
      now += 30_000
      await engine.mutate('production', [{createOrReplace: {_id: 'a', _type: 't', n: 2}}], {author: 'x'}) // t0 + 150 s
      // ids[0] is older than the window, but the events after it are not: it resumes.
      expect(log.since(ids[0], 'production')?.map((event) => event.id)).toEqual(ids.slice(1))
      now += 40_000
      // t0 + 190 s: the event after ids[0] is 70 s old, outside the 60 s window; the one after ids[1] is 40 s old.
      expect(log.since(ids[0], 'production')).toBeNull()
      expect(log.since(ids[1], 'production')?.map((event) => event.id)).toEqual([ids[2]])
      expect(log.since(ids[2], 'production')).toEqual([])
      expect(log.since(ids[2], 'other')).toEqual([])
      expect(log.head).toBe(ids[2])
    } finally {
      log.close()
      engine.close()
    }
  })

  it('an import batch is announced as restart (too many tags), and a smaller commit with its tags', async () => {
    const engine = openEngine({file: ':memory:'})
    const log = new LiveEventLog(engine)
    const events: {publicTags: string[] | null; allTags: string[] | null}[] = []
    log.subscribe((event) => events.push(event))
    try {
      const lines = Array.from({length: MAX_TAGS_PER_EVENT + 1}, (_, i) => `{"_id":"doc-${i}","_type":"t"}`)
      await engine.importDocuments('production', lines, {mode: 'create', author: 'x'})
      await engine.importDocuments('production', lines.slice(0, 3).map((line) => line.replace('doc-', 'small-')), {mode: 'create', author: 'x'})
      expect(events).toHaveLength(2)
      expect(events[0]).toMatchObject({publicTags: null, allTags: null})
      expect(events[1].allTags!.length).toBeGreaterThan(3)
      expect(events[1].publicTags).toEqual(events[1].allTags)
    } finally {
      log.close()
      engine.close()
    }
  })

  it('a commit hook that throws aborts the commit: nothing is stored, nothing announced', async () => {
    const engine = openEngine({file: ':memory:'})
    const log = new LiveEventLog(engine)
    const announced: string[] = []
    log.subscribe((event) => announced.push(event.id))
    let fail = true
    engine.attachLog(() => () => {
      if (fail) throw new Error('disk full')
    })
    try {
      await expect(engine.mutate('production', [{create: {_id: 'a', _type: 't'}}], {author: 'x'})).rejects.toThrow('disk full')
      expect(engine.getDocuments('production', ['a'])).toEqual([null])
      expect(announced).toEqual([])
      fail = false
      await engine.mutate('production', [{create: {_id: 'a', _type: 't'}}], {author: 'x'})
      expect(announced).toHaveLength(1)
      expect(log.since(announced[0].replace(/-\d+$/, '-0').replace(/^[^-]+/, '0'), 'production')).toHaveLength(1)
    } finally {
      log.close()
      engine.close()
    }
  })
})
