import {describe, expect, it} from 'vitest'
import {syncTag, tagsForChange} from '@/lib/lake/live/sync-tags'

/** The tags a created document fires, hashed afresh (no cache): its own, any change, and each field's. */
function expected(dataset: string, id: string, type: string, fields: string[]): string[] {
  const keys = [`c\u0000*`, `m\u0000*\u0000*`, ...fields.map((f) => `m\u0000*\u0000${f}`), `m\u0000${type}\u0000*`, ...fields.map((f) => `m\u0000${type}\u0000${f}`)]
  return [syncTag(dataset, `d\u0000${id}`), ...keys.map((key) => syncTag(dataset, key))]
}

describe('sync tags of a change', () => {
  it('are the hashes of their keys per dataset, also when the shared keys come from the cache and past its bound', () => {
    const doc = (id: string, extra: string) => ({_id: id, _type: 'post', _rev: 'r', _createdAt: 't', _updatedAt: 't', title: 'x', [extra]: 1})
    for (let i = 0; i < 12_000; i++) {
      const field = `f${i % 11_000}`
      for (const dataset of ['production', 'staging']) {
        const tags = tagsForChange(dataset, {id: `p${i}`, before: null, after: doc(`p${i}`, field) as never})
        if (i % 997 === 0 || i >= 11_990) {
          expect(tags).toEqual(expected(dataset, `p${i}`, 'post', ['_id', '_type', '_rev', '_createdAt', '_updatedAt', 'title', field]))
        }
      }
    }
    // The same key in two datasets is two tags.
    const [a, b] = ['production', 'staging'].map((dataset) => tagsForChange(dataset, {id: 'q', before: null, after: doc('q', 'g') as never}))
    expect(a.some((tag) => b.includes(tag))).toBe(false)
  })
})
