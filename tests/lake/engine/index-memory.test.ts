/**
 * The compact forms the view indexes hold their entries in (view-index.ts), checked directly on a
 * ViewIndex over plain documents: equality indexes keyed by the values themselves, with a lone
 * document held without an array, must still tell "1" from 1 and true from "true" and find null
 * for a missing value, before and after commits (derive); ordering entries holding their keys'
 * values in fields must read back and compare as the arrays they replace.
 */
import {describe, expect, it} from 'vitest'
import {groqEqual, type OrderKey} from '@/lib/lake/engine/groq-order'
import type {SanityDocument} from '@/lib/lake/engine/types'
import {compareEntries, reordered, SortedEntry, ViewIndex} from '@/lib/lake/engine/view-index'

const VALUES: unknown[] = ['1', 1, true, 'true', false, 0, -0, '', 'a', 2.5, null]

function doc(id: string, x: unknown): SanityDocument {
  const body: Record<string, unknown> = {_id: id, _type: 'thing'}
  if (x !== undefined) body.x = x
  return Object.freeze(body) as unknown as SanityDocument
}

/** What groq-js's `x == value` keeps, in `_id` order. */
function expected(docs: SanityDocument[], value: unknown): string[] {
  return docs.filter((d) => groqEqual((d as unknown as Record<string, unknown>).x ?? null, value)).map((d) => d._id)
}

describe('view indexes in compact form', () => {
  it('equality: values of each type found only by equal values of that type, lone and shared, across commits', () => {
    const docs: SanityDocument[] = []
    let n = 0
    const next = (x: unknown) => doc(`d${String(n++).padStart(3, '0')}`, x)
    // One document for some values, several for others; objects and arrays equal nothing.
    for (const value of VALUES) docs.push(next(value))
    for (const value of ['1', 1, true, null]) docs.push(next(value))
    docs.push(next(undefined), next({a: 1}), next(['1']))
    let view = new ViewIndex(docs)
    const check = (label: string) => {
      for (const value of [...VALUES, 'missing', 3]) {
        expect(view.equal(['x'], value).map((d) => d._id), `${label}: x == ${JSON.stringify(value)}`).toEqual(expected(view.all, value))
      }
    }
    check('built')
    // Commits: a lone value's document removed, a shared value thinned to one, new documents added.
    const byValue = (value: unknown) => view.all.filter((d) => Object.is((d as unknown as Record<string, unknown>).x, value))
    const removed = [byValue('a')[0], byValue(1)[0], byValue(null)[0]]
    const added = [next('a'), next('a'), next(1.5), next('true')]
    view = view.derive(removed, added)
    check('derived')
    view = view.derive(byValue('a'), [next(false)])
    check('derived twice')
  })

  it('ordering entries: one, two and three keys read back and compare as arrays', () => {
    const a = doc('a', 1)
    const b = doc('b', 2)
    // A second key whose value is itself an array must not be read as the list of further keys.
    for (const values of [['x'], ['x', 2], ['x', 2, null], ['x', null, 'z', 4], ['x', ['a', 'b']], [['a'], ['b', 'c']]] as unknown[][]) {
      const entry = new SortedEntry(a, values)
      expect(entry.values).toEqual(values)
      values.forEach((value, k) => expect(entry.value(k)).toEqual(value))
    }
    const keys: OrderKey[] = [
      {path: ['p'], desc: false},
      {path: ['q'], desc: true},
      {path: ['r'], desc: false},
    ]
    // Ties on the first keys are decided by the later ones, then by _id.
    expect(compareEntries(keys, new SortedEntry(a, [1, 'b', 1]), new SortedEntry(b, [1, 'a', 1]))).toBeLessThan(0)
    expect(compareEntries(keys, new SortedEntry(a, [1, 'a', 2]), new SortedEntry(b, [1, 'a', 1]))).toBeGreaterThan(0)
    expect(compareEntries(keys, new SortedEntry(a, [1, 'a', 1]), new SortedEntry(b, [1, 'a', 1]))).toBeLessThan(0)
    expect(compareEntries(keys.slice(0, 1), new SortedEntry(b, [1, 'z', 9]), new SortedEntry(a, [1, 'a', 1]))).toBeGreaterThan(0)
    // An ordering re-sorted by its first key only (other direction) shares the entries.
    const index = {keys, entries: [new SortedEntry(a, [1, 'a', 1]), new SortedEntry(b, [2, 'a', 1])]}
    const back = reordered(index, [{path: ['p'], desc: true}])
    expect(back.entries.map((entry) => entry.doc._id)).toEqual(['b', 'a'])
    expect(back.entries[0]).toBe(index.entries[1])
  })
})
