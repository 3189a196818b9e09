import {applyPatch, incremental} from 'mendoza'
import {describe, expect, it} from 'vitest'
import {diffPatch, documentEffects} from '@/lib/lake/engine/mendoza'
import {seeded as random} from './random-groq'

const WORDS = ['Caracas', 'power', 'cuts', 'é', '😀', 'Venezuela', '', 'the reservoirs are empty', 'ü😀x']

function randomValue(rand: () => number, depth: number): unknown {
  const pick = rand()
  if (depth > 2 || pick < 0.3) return WORDS[Math.floor(rand() * WORDS.length)] + (rand() < 0.5 ? '' : String(Math.floor(rand() * 9)))
  if (pick < 0.4) return Math.floor(rand() * 100)
  if (pick < 0.45) return rand() < 0.5
  if (pick < 0.5) return null
  if (pick < 0.75) return Array.from({length: Math.floor(rand() * 5)}, (_, i) => (rand() < 0.6 ? {_key: `k${i}`, _type: 'block', text: randomValue(rand, depth + 1)} : randomValue(rand, depth + 1)))
  const object: Record<string, unknown> = {}
  for (let i = Math.floor(rand() * 5); i > 0; i--) object[`f${Math.floor(rand() * 8)}`] = randomValue(rand, depth + 1)
  return object
}

/** A random edit of a value: what an editor or a patch would do. */
function mutate(rand: () => number, value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) {
    const copy = value.map((element) => (rand() < 0.3 ? mutate(rand, element, depth + 1) : element))
    if (rand() < 0.3) copy.splice(Math.floor(rand() * (copy.length + 1)), 0, randomValue(rand, depth + 1))
    if (rand() < 0.3 && copy.length) copy.splice(Math.floor(rand() * copy.length), 1)
    if (rand() < 0.2) copy.reverse()
    return copy
  }
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {...(value as Record<string, unknown>)}
    for (const key of Object.keys(copy)) {
      const r = rand()
      if (r < 0.15) delete copy[key]
      else if (r < 0.5) copy[key] = mutate(rand, copy[key], depth + 1)
    }
    if (rand() < 0.4) copy[`f${Math.floor(rand() * 10)}`] = randomValue(rand, depth + 1)
    return copy
  }
  if (typeof value === 'string' && rand() < 0.7) {
    const at = Math.floor(rand() * (value.length + 1))
    return value.slice(0, at) + WORDS[Math.floor(rand() * WORDS.length)] + value.slice(at + Math.floor(rand() * 3))
  }
  return rand() < 0.5 ? value : randomValue(rand, depth)
}

describe('mendoza encoder', () => {
  it('round-trips thousands of random edits, forward and back, with both of mendoza’s patchers', () => {
    const rand = random(17)
    for (let round = 0; round < 3000; round++) {
      const left = {_id: 'p', _type: 'post', ...(randomValue(rand, 0) as object), body: randomValue(rand, 1)}
      const right = mutate(rand, left) as object
      const forward = diffPatch(left, right)
      const back = diffPatch(right, left)
      expect(applyPatch(structuredClone(left), forward as never), `round ${round}`).toEqual(right)
      expect(applyPatch(structuredClone(right), back as never), `round ${round}`).toEqual(left)
      // The Studio's history uses the incremental patcher for change attribution.
      const wrapped = incremental.applyPatch(incremental.wrap(structuredClone(left), 0), forward as never, 1)
      expect(incremental.unwrap(wrapped)).toEqual(right)
    }
  })

  it('touches only what changed: an edited title keeps the body and the unchanged part of the title', () => {
    const body = [{_key: 'a', _type: 'block', children: [{_key: 's', _type: 'span', text: 'x'.repeat(500)}]}]
    const left = {_id: 'p', _type: 'post', title: 'Caracas power cuts: rationing returns to the capital', body}
    const right = {_id: 'p', _type: 'post', title: 'Caracas power cuts: rationing returns to the capital and Maracaibo', body}
    const patch = diffPatch(left, right)
    expect(JSON.stringify(patch)).not.toContain('xxxx')
    expect(JSON.stringify(patch)).not.toContain('Caracas')
    expect(applyPatch(left, patch as never)).toEqual(right)
  })

  it('patches one changed Portable Text block by _key and reuses the rest', () => {
    const block = (key: string, text: string) => ({_key: key, _type: 'block', children: [{_key: `${key}s`, _type: 'span', text}]})
    const left = {body: [block('a', 'first '.repeat(40)), block('b', 'second '.repeat(40)), block('c', 'third '.repeat(40))]}
    const right = {body: [block('a', 'first '.repeat(40)), block('c', 'third '.repeat(40)), block('b', 'second '.repeat(39) + 'changed')]}
    const patch = diffPatch(left, right)
    expect(JSON.stringify(patch).length).toBeLessThan(200)
    expect(applyPatch(left, patch as never)).toEqual(right)
  })

  it('creates and deletes as Sanity marks them, and leaves _rev out', () => {
    const doc = {_id: 'p', _type: 'post', _rev: 'r1', title: 'A'}
    expect(documentEffects(null, doc)).toEqual({apply: [0, {_id: 'p', _type: 'post', title: 'A'}], revert: [0, null]})
    expect(documentEffects(doc, null)).toEqual({apply: [0, null], revert: [0, {_id: 'p', _type: 'post', title: 'A'}]})
    const edited = documentEffects(doc, {...doc, _rev: 'r2', title: 'B'})
    expect(JSON.stringify(edited)).not.toContain('r2')
    expect(applyPatch({_id: 'p', _type: 'post', title: 'A'}, edited.apply as never)).toEqual({_id: 'p', _type: 'post', title: 'B'})
    expect(diffPatch({a: 1}, {a: 1})).toEqual([])
  })
})
