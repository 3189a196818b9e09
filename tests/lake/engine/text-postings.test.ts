/**
 * Persisted per-field inverted lists (text-postings.ts): after any sequence of commits (creates,
 * replaces, deletes, words counted 255 times and more, a rolled-back transaction, merges, a reopen),
 * the live entries of every word's list are exactly each current document's count of that word (lone
 * surrogates included: SQLite text would fold them into U+FFFD).
 */
import Database from 'better-sqlite3'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {postingCacheLimits, TextPostings, wordCounts, type TextField} from '@/lib/lake/engine/text-postings'
import {portableText} from '@/lib/lake/engine/text-index'
import type {SanityDocument} from '@/lib/lake/engine'
import {tempDir} from './helpers'
import {seeded, type Random} from './random-groq'

const WORDS = ['x\uD83D', 'x\uDE00', 'a😀b', 'inflation', 'Inflation', 'government', 'gov', 'Straße', 'café', 'CAFÉ', 'ıi', 'σς', '東京', '😀', 'e.g.', 'x_y', 'don\'t', '3.14', 'C++']
const FIELDS: TextField[] = [
  {key: 'title', textOf: (doc) => (typeof doc.title === 'string' ? [doc.title] : [])},
  {key: 'pt::text(body)', textOf: (doc) => {
    const text = portableText(doc.body)
    return typeof text === 'string' ? [text] : []
  }},
]

function text(random: Random, n: number): string {
  return Array.from({length: n}, () => WORDS[Math.floor(random() * WORDS.length)]).join(random() < 0.5 ? ' ' : ', ')
}

function randomDoc(random: Random, id: string): SanityDocument {
  const doc: Record<string, unknown> = {_id: id, _type: 'post'}
  if (random() < 0.9) doc.title = random() < 0.05 ? 'inflation '.repeat(300) : text(random, 1 + Math.floor(random() * 6))
  if (random() < 0.7) doc.body = [{_type: 'block', _key: 'b', children: [{_type: 'span', _key: 's', text: text(random, 1 + Math.floor(random() * 20))}]}]
  return doc as SanityDocument
}

describe('persisted per-field inverted lists', () => {
  it('keep exactly every current document’s word counts across commits, rollbacks, merges and a reopen', () => {
    const file = join(tempDir(), 'postings.sqlite')
    let db = new Database(file)
    let postings = new TextPostings(db)
    const random = seeded(12)
    const current = new Map<string, SanityDocument>()
    const commit = (changes: {id: string; after: SanityDocument | null}[]) => {
      db.transaction(() => postings.index('ds', changes, FIELDS))()
      for (const {id, after} of changes) {
        if (after) current.set(id, after)
        else current.delete(id)
      }
    }
    const verify = (label: string) => {
      const live = postings.liveOrdinals('ds')
      expect(new Set(live.values()), label).toEqual(new Set(current.keys()))
      for (const field of FIELDS) {
        const expected = new Map<string, Map<string, number>>()
        for (const [id, doc] of current) for (const [word, count] of wordCounts(field.textOf(doc))) {
          if (!expected.has(word)) expected.set(word, new Map())
          expected.get(word)!.set(id, count)
        }
        const words = postings.wordsWithPrefix('ds', field.key, '')
        for (const word of expected.keys()) expect(words, `${label} ${field.key}`).toContain(word)
        for (const word of words) {
          const {ords, counts} = postings.posting('ds', field.key, word)
          const actual = new Map<string, number>()
          for (let i = 0; i < ords.length; i++) if (live.has(ords[i])) actual.set(live.get(ords[i])!, counts[i])
          expect(actual, `${label} ${field.key} ${word}`).toEqual(expected.get(word) ?? new Map())
          expect([...ords], 'ordinal order').toEqual([...ords].sort((a, b) => a - b))
        }
        for (const word of expected.keys()) {
          for (const prefix of [word.slice(0, 1), word.slice(0, 2)]) expect(postings.wordsWithPrefix('ds', field.key, prefix)).toContain(word)
        }
      }
    }
    const big = {_id: 'zz-big', _type: 'post', title: 'Inflation '.repeat(300)} as unknown as SanityDocument
    commit([...Array.from({length: 60}, (_, i) => ({id: `d${i}`, after: randomDoc(random, `d${i}`)})), {id: big._id, after: big}])
    verify('created')
    for (let round = 0; round < 6; round++) {
      const ids = [...current.keys()]
      commit([
        ...ids.slice(round * 5, round * 5 + 3).map((id) => ({id, after: randomDoc(random, id)})),
        {id: ids[round * 5 + 3], after: null},
        {id: `n${round}`, after: randomDoc(random, `n${round}`)},
      ])
      verify(`round ${round}`)
    }
    // A rolled-back transaction leaves nothing behind.
    expect(() =>
      db.transaction(() => {
        postings.index('ds', [{id: 'ghost', after: randomDoc(random, 'ghost')}, {id: 'd10', after: null}], FIELDS)
        throw new Error('abort')
      })(),
    ).toThrow('abort')
    verify('rolled back')
    // Merging drops stale entries and keeps the live ones.
    db.transaction(() => {
      const live = postings.liveOrdinals('ds')
      for (const field of FIELDS) for (const word of postings.wordsWithPrefix('ds', field.key, '')) postings.merge('ds', field.key, word, live)
    })()
    verify('merged')
    const live = postings.liveOrdinals('ds')
    for (const field of FIELDS) {
      for (const word of postings.wordsWithPrefix('ds', field.key, '')) expect([...postings.posting('ds', field.key, word).ords].every((o) => live.has(o))).toBe(true)
    }
    expect(db.prepare('SELECT count(*) FROM text_overflow').pluck().get()).toBeGreaterThan(0)
    db.close()
    db = new Database(file)
    postings = new TextPostings(db)
    verify('reopened')
    commit([{id: 'after-reopen', after: randomDoc(random, 'after-reopen')}])
    verify('after reopen')
    db.close()
  })

  it('compacts by size tiers: a large base is rewritten only once the segments after it hold 1/8 of its entries', () => {
    const db = new Database(join(tempDir(), 'tiers.sqlite'))
    const postings = new TextPostings(db)
    const doc = (id: string) => ({id, after: {_id: id, _type: 'post', title: 'inflation'} as unknown as SanityDocument})
    const segments = () => db.prepare(`SELECT count(*) FROM text_postings WHERE field = ? AND word = ?`).pluck().get('ds\u0000title', Buffer.from('INFLATION', 'utf16le'))
    const merge = () => db.transaction(() => postings.merge('ds', 'title', 'INFLATION', postings.liveOrdinals('ds')))()
    db.transaction(() => postings.index('ds', Array.from({length: 80}, (_, i) => doc(`a${i}`)), FIELDS))()
    expect(merge()).toBe(80)
    expect(segments()).toBe(1)
    // Three small commits: their segments are folded together, the base of 80 stays as it is.
    for (const id of ['b1', 'b2', 'b3']) db.transaction(() => postings.index('ds', [doc(id)], FIELDS))()
    expect(segments()).toBe(4)
    expect(merge()).toBe(3)
    expect(segments()).toBe(2)
    // A replaced document (a stale entry in the base) and enough new entries: everything is folded into one.
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'a0']) db.transaction(() => postings.index('ds', [doc(id)], FIELDS))()
    expect(merge()).toBe(89)
    expect(segments()).toBe(1)
    expect(postings.posting('ds', 'title', 'INFLATION').ords.length).toBe(89)
    db.close()
  })
})

describe('decoded lists kept in memory', () => {
  it('are read from SQLite once, dropped by the writes that change them, and bounded', () => {
    const db = new Database(join(tempDir(), 'cache.sqlite'))
    const postings = new TextPostings(db)
    const doc = (id: string, title: string) => ({id, after: {_id: id, _type: 'post', title} as unknown as SanityDocument})
    db.transaction(() => postings.index('ds', [doc('a', 'inflation rises'), doc('b', 'inflation falls')], FIELDS))()
    expect(postings.wordsWithPrefix('ds', 'title', 'INFL')).toEqual(['INFLATION'])
    expect(postings.posting('ds', 'title', 'INFLATION').ords.length).toBe(2)
    const decoded = postings.decoded
    // Read again: from memory.
    expect(postings.posting('ds', 'title', 'INFLATION').ords.length).toBe(2)
    expect(postings.posting('ds', 'title', 'RISES').ords.length).toBe(1)
    expect(postings.decoded).toBe(decoded + 1)
    // A commit filing the word and a new word with the prefix: both read again, exactly.
    db.transaction(() => postings.index('ds', [doc('c', 'inflationary inflation')], FIELDS))()
    expect(postings.wordsWithPrefix('ds', 'title', 'INFL')).toEqual(['INFLATION', 'INFLATIONARY'])
    expect(postings.posting('ds', 'title', 'INFLATION').ords.length).toBe(3)
    expect(postings.decoded).toBe(decoded + 2)
    // A commit of other words leaves the list in memory.
    db.transaction(() => postings.index('ds', [doc('d', 'weather')], FIELDS))()
    expect(postings.posting('ds', 'title', 'INFLATION').ords.length).toBe(3)
    expect(postings.decoded).toBe(decoded + 2)
    // A merge rewrites it (stale entries of replaced versions dropped): read again.
    db.transaction(() => postings.index('ds', [doc('a', 'rain')], FIELDS))()
    db.transaction(() => postings.merge('ds', 'title', 'INFLATION', postings.liveOrdinals('ds')))()
    const live = postings.liveOrdinals('ds')
    expect([...postings.posting('ds', 'title', 'INFLATION').ords].filter((o) => live.has(o)).map((o) => live.get(o)).sort()).toEqual(['b', 'c'])
    expect(postings.posting('ds', 'title', 'INFLATION').ords.length).toBe(2)
    // Bounded: past the limit the least recently read lists go.
    postingCacheLimits.entries = 3
    try {
      postings.posting('ds', 'title', 'RAIN')
      postings.posting('ds', 'title', 'FALLS')
      const before = postings.decoded
      postings.posting('ds', 'title', 'INFLATION')
      expect(postings.decoded).toBe(before + 1)
      expect(postings.cachedListEntries).toBeLessThanOrEqual(3)
    } finally {
      postingCacheLimits.entries = 1 << 20
    }
    db.close()
  })
})
