/** #16.5: list labels never call a draft "Live"; slugs come from titles the same way everywhere. */
import {describe, expect, it} from 'vitest'
import {slugify} from '@/sanity/lib/slugify'
import {scheduleStatus} from '@/sanity/schemaTypes/post'

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

describe('slugify', () => {
  it('makes short ASCII slugs from titles, accents and punctuation dropped', () => {
    expect(slugify('NYT: White House held “secret meetings” with Venezuelan officers')).toBe('nyt-white-house-held-secret-meetings-with-venezuelan-officers')
    expect(slugify('Daniel Ríos’ report — 09.09.18')).toBe('daniel-rios-report-09-09-18')
    expect(slugify('  ')).toBe('')
    expect(slugify('a'.repeat(95) + ' bcd')).toBe('a'.repeat(95))
  })
})
