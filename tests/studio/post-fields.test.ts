/** #16.5: list labels never call a draft "Live"; slugs come from titles the same way everywhere. */
import {describe, expect, it} from 'vitest'
import {slugify} from '@/sanity/lib/slugify'
import {postType, scheduleStatus} from '@/sanity/schemaTypes/post'

describe('post list status', () => {
  const now = new Date('2026-01-01T12:00:00Z')
  it('labels a draft "Draft" even when its date has passed', () => {
    expect(scheduleStatus('2025-12-31T00:00:00Z', now, 'drafts.post-1')).toBe('Draft')
  })
  it('labels the published document by its date', () => {
    expect(scheduleStatus('2025-12-31T00:00:00Z', now, 'post-1')).toBe('Live')
    expect(scheduleStatus('2026-01-02T00:00:00Z', now, 'post-1')).toBe('Scheduled')
    expect(scheduleStatus(undefined, now, 'post-1')).toBe('No date')
  })
})

describe('post list preview', () => {
  // What the Studio's list passes: through the drafts perspective a draft has the published _id.
  const prepare = (values: Record<string, unknown>) => postType.preview!.prepare!(values) as {subtitle: string}
  it('labels a never-published draft "Draft" from its _originalId', () => {
    expect(prepare({id: 'post-1', originalId: 'drafts.post-1', title: 'T', publishedAt: '2018-01-01T10:00:00Z'}).subtitle).toBe('2018-01-01 · Draft')
  })
  it('labels the published document "Live"', () => {
    expect(prepare({id: 'post-1', originalId: 'post-1', title: 'T', author: 'Ana', publishedAt: '2018-01-01T10:00:00Z'}).subtitle).toBe('Ana · 2018-01-01 · Live')
  })
})

describe('slugify', () => {
  it('makes short ASCII slugs from titles, accents and punctuation dropped', () => {
    expect(slugify('NYT: White House held “secret meetings” with Venezuelan officers')).toBe('nyt-white-house-held-secret-meetings-with-venezuelan-officers')
    expect(slugify('Daniel Ríos’ report — 09.09.18')).toBe('daniel-rios-report-09-09-18')
    expect(slugify('  ')).toBe('')
    expect(slugify('a'.repeat(95) + ' bcd')).toBe('a'.repeat(95))
  })
})
