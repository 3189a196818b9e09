import {describe, expect, it, vi} from 'vitest'
import {inspectDocumentText} from '@/lib/lake/engine/document-text'
import {checkDepth, MAX_DOCUMENT_DEPTH} from '@/lib/lake/engine/mutations'
import {checkHere, TextCheckSplit, textCheckPool, textCheckThreads} from '@/lib/lake/engine/text-check-pool'
import {seeded as random} from './random-groq'

/** Seeded texts, the same every run; LAKE_DOCUMENT_TEXT_CASES for more. */
const CASES = Number(process.env.LAKE_DOCUMENT_TEXT_CASES ?? 3000)
const KEYS = ['_id', '_type', '_key', 'a', 'b', 'title', 'é', '__proto__', 'constructor', '']
const STRINGS = ['', 'x', 'quote " here', 'back\\slash', 'tab\there', 'line\nbreak', 'ünïcødé', '😀', '\u2028', '\u0000', '</script>']

/** A random JSON value (objects may get the same key twice only when written by hand below). */
function value(next: () => number, depth: number): unknown {
  const pick = next()
  if (depth > 6 || pick < 0.35) {
    const scalar = next()
    if (scalar < 0.3) return STRINGS[Math.floor(next() * STRINGS.length)]
    if (scalar < 0.55) return [0, -0, 1, -1.5, 1e21, 1e-7, 123456789012345680000, 0.1][Math.floor(next() * 8)]
    if (scalar < 0.7) return next() < 0.5
    return null
  }
  if (pick < 0.65) return Array.from({length: Math.floor(next() * 4)}, () => value(next, depth + 1))
  const object: Record<string, unknown> = {}
  for (let i = Math.floor(next() * 5); i > 0; i--) object[KEYS[Math.floor(next() * KEYS.length)]] = value(next, depth + 1)
  return object
}

/** JSON text with random (legal) whitespace between tokens. */
function spaced(text: string, next: () => number): string {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    out += char
    if (char === '"' && text[i - 1] !== '\\') inString = !inString
    if (!inString && ',:[]{}'.includes(char) && next() < 0.2) out += [' ', '\n', '\t', '\r\n  '][Math.floor(next() * 4)]
  }
  return out
}

/** Independent check for a repeated key in any object of `text` (a tiny tokenizer, slow and simple). */
function hasRepeatedKey(text: string): boolean {
  const stack: Set<string>[] = []
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char === '{') {
      stack.push(new Set())
      expectKey = true
    } else if (char === '}' || char === ']') {
      if (char === '}') stack.pop()
      expectKey = false
    } else if (char === '[') {
      stack.push(null as never)
      stack.pop()
      expectKey = false
    } else if (char === ',') {
      expectKey = stack.length > 0 && text.lastIndexOf('{', i) > text.lastIndexOf('[', i) ? true : expectKey
    } else if (char === '"') {
      let end = i + 1
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1
      const token = JSON.parse(text.slice(i, end + 1)) as string
      let after = end + 1
      while (' \n\r\t'.includes(text[after])) after++
      if (text[after] === ':') {
        const keys = stack.at(-1)!
        if (keys.has(token)) return true
        keys.add(token)
      }
      i = end
    }
  }
  return false
}

function parses(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

describe('inspectDocumentText (stores an import line as it came only when JSON.parse reads it unambiguously)', () => {
  it('vouches for random documents and reports their system fields as JSON.parse reads them', () => {
    const next = random(12)
    for (let n = 0; n < CASES; n++) {
      const body = value(next, 1)
      const document = {...(typeof body === 'object' && !Array.isArray(body) ? body : {body}), _id: `doc-${n}`, _type: 'thing', _rev: 'r1'}
      const text = spaced(JSON.stringify(document), next)
      const fields = inspectDocumentText(text)
      expect(fields, text).not.toBeNull()
      const parsed = JSON.parse(text) as Record<string, unknown>
      for (const key of ['_id', '_type', '_rev', '_createdAt', '_updatedAt'] as const) expect(fields![key], text).toBe(parsed[key] as string | undefined)
    }
  })

  it('never vouches for a text JSON.parse rejects, nor for one with a repeated key, too deep, or not an object', () => {
    const next = random(34)
    let accepted = 0
    let rejected = 0
    for (let n = 0; n < CASES; n++) {
      let text = spaced(JSON.stringify({_id: 'a', _type: 't', body: value(next, 1)}), next)
      // Damage it: drop, repeat or insert a character, or splice a key in twice.
      const at = Math.floor(next() * text.length)
      const damage = next()
      if (damage < 0.25) text = text.slice(0, at) + text.slice(at + 1)
      else if (damage < 0.5) text = text.slice(0, at) + text[at] + text.slice(at)
      else if (damage < 0.75) text = text.slice(0, at) + '{}[],:"\\01e-.tfn \u0001\ud800'[Math.floor(next() * 17)] + text.slice(at)
      else {
        const brace = text.indexOf('{', at)
        if (brace !== -1) text = `${text.slice(0, brace + 1)}"a":1,"a":2,${text.slice(brace + 1)}`
      }
      const fields = inspectDocumentText(text)
      const parsed = parses(text)
      if (fields === null) {
        rejected++
        continue
      }
      accepted++
      expect(parsed, text).toBeTypeOf('object')
      expect(Array.isArray(parsed), text).toBe(false)
      expect(hasRepeatedKey(text), text).toBe(false)
      expect(text.isWellFormed(), text).toBe(true)
      expect(() => checkDepth(parsed, 0, 'a'), text).not.toThrow()
      expect(fields._id, text).toBe((parsed as {_id?: unknown})._id)
    }
    // Both outcomes are exercised (damage often lands inside a string and stays valid).
    expect(accepted).toBeGreaterThan(CASES / 10)
    expect(rejected).toBeGreaterThan(CASES / 10)
  })

  it('refuses what the ordinary path must handle, with the same depth limit as checkDepth', () => {
    const nested = (levels: number) => `{"_id":"a","_type":"t","x":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`
    // The document itself is one level: MAX_DOCUMENT_DEPTH levels pass checkDepth, one more does not.
    expect(() => checkDepth(JSON.parse(nested(MAX_DOCUMENT_DEPTH)), 0, 'a')).not.toThrow()
    expect(inspectDocumentText(nested(MAX_DOCUMENT_DEPTH))).not.toBeNull()
    expect(() => checkDepth(JSON.parse(nested(MAX_DOCUMENT_DEPTH + 1)), 0, 'a')).toThrow()
    expect(inspectDocumentText(nested(MAX_DOCUMENT_DEPTH + 1))).toBeNull()
    for (const text of [
      '{"_id":"a","_id":"b","_type":"t"}',
      '{"_id":"a","_type":"t","slug":{"current":"x","current":"y"}}',
      '{"_id":"a","_type":"t","\\u0078":1,"x":2}',
      '{"_id":"a","_type":"t","s":"\ud800"}',
      '{"_id":"a","_type":"t",}',
      '{"_id":"a","_type":"t","n":01}',
      '{"_id":"a","_type":"t","n":1.}',
      '{"_id":"a","_type":"t","n":+1}',
      '{"_id":"a","_type":"t","s":"tab\there"}',
      '{"_id":1,"_type":"t"}',
      '{"_id":"a","_type":{"x":1}}',
      '[{"_id":"a","_type":"t"}]',
      '\ufeff{"_id":"a","_type":"t"}',
      '{"_id":"a","_type":"t"} x',
      '{"_id":"a","_type":"t"',
    ]) {
      expect(inspectDocumentText(text), text).toBeNull()
    }
    expect(inspectDocumentText(' {"_id" : "a\\u00e9", "_type":"t", "s":"\\ud83d\\ude00 \\"q\\""} \r\n')).toEqual({_id: 'aé', _type: 't'})
  })

  it('answers the same on the worker thread as here, and really runs there', async () => {
    const next = random(56)
    const texts: (string | null)[] = []
    for (let n = 0; n < 500; n++) {
      const text = JSON.stringify({_id: `d${n}`, _type: 't', v: value(next, 1)})
      texts.push(n % 7 === 0 ? text.replace('"v":', '"v":1,"v":') : n % 11 === 0 ? null : text)
    }
    const expected = texts.map((text) => (text === null ? null : inspectDocumentText(text)))
    expect(expected.filter((fields) => fields === null).length).toBeGreaterThan(50)
    const enabled = textCheckThreads.enabled
    textCheckThreads.enabled = true
    try {
      for (const share of [1, 0.5, 0]) {
        const split = new TextCheckSplit()
        split.share = share
        const before = textCheckPool.checkedInWorker
        expect(await split.start(texts).results()).toEqual(expected)
        expect(textCheckPool.checkedInWorker).toBe(before + (share > 0 ? 1 : 0))
      }
    } finally {
      textCheckThreads.enabled = enabled
    }
  })

  it('vouches for UTF-8 bytes exactly as for the text they encode, here and on the worker; not for other bytes', async () => {
    const next = random(57)
    const texts: (string | Uint8Array | null)[] = []
    const expected: unknown[] = []
    for (let n = 0; n < 300; n++) {
      const text = spaced(JSON.stringify({_id: `d${n}é`, _type: 't', v: value(next, 1)}), next)
      const kind = n % 5
      // Invalid UTF-8 (a lone continuation byte; a surrogate's three-byte form), a BOM: never vouched for.
      const bytes =
        kind === 1 ? Buffer.concat([Buffer.from(text.slice(0, -1)), Buffer.from([0x80]), Buffer.from('}')]) :
        kind === 2 ? Buffer.concat([Buffer.from('{"s":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]) :
        kind === 3 ? Buffer.from(`\ufeff${text}`) :
        // A view into a larger buffer (a line of a file chunk), as the importer gets them.
        Buffer.from(`xx${text}yy`).subarray(2, -2)
      texts.push(n % 11 === 0 ? null : bytes)
      expected.push(n % 11 === 0 ? null : kind === 0 || kind === 4 ? inspectDocumentText(text) : null)
    }
    expect(expected.filter((fields) => fields !== null).length).toBeGreaterThan(50)
    expect(checkHere(texts)).toEqual(expected)
    const enabled = textCheckThreads.enabled
    textCheckThreads.enabled = true
    try {
      for (const share of [1, 0.5]) {
        const split = new TextCheckSplit()
        split.share = share
        const before = textCheckPool.checkedInWorker
        expect(await split.start(texts).results()).toEqual(expected)
        expect(textCheckPool.checkedInWorker).toBe(before + 1)
      }
      // The worker got copies: the importer's lines are untouched.
      expect(Buffer.from(texts[4] as Uint8Array).toString()).toMatch(/^\s*\{/)
    } finally {
      textCheckThreads.enabled = enabled
    }
  })

  it('ends the worker after it has been idle for idleMs, and starts another for the next check', async () => {
    const saved = {...textCheckThreads}
    Object.assign(textCheckThreads, {enabled: true, idleMs: 50})
    const texts = ['{"_id":"a","_type":"t"}', '{"_id":"b","_type":"t"}']
    try {
      for (let round = 0; round < 2; round++) {
        const split = new TextCheckSplit()
        split.share = 1
        const before = textCheckPool.checkedInWorker
        expect(await split.start(texts).results()).toEqual(texts.map((text) => inspectDocumentText(text)))
        expect(textCheckPool.checkedInWorker).toBe(before + 1)
        expect(textCheckPool.running).toBe(true)
        await vi.waitFor(() => expect(textCheckPool.running).toBe(false), {timeout: 5000, interval: 20})
      }
    } finally {
      Object.assign(textCheckThreads, saved)
    }
  })

  it('gives the worker less of the next batch when this thread had to wait for it, more when not', async () => {
    const texts = ['{"_id":"a","_type":"t"}', '{"_id":"b","_type":"t"}']
    const enabled = textCheckThreads.enabled
    textCheckThreads.enabled = true
    const slow = vi.spyOn(textCheckPool, 'check').mockImplementation((part) => new Promise((resolve) => setTimeout(() => resolve(checkHere(part)), 30)))
    try {
      const split = new TextCheckSplit()
      const first = split.share
      await split.start(texts).results()
      expect(split.share).toBeLessThan(first)
      slow.mockImplementation((part) => Promise.resolve(checkHere(part)))
      const lowered = split.share
      await split.start(texts).results()
      expect(split.share).toBeGreaterThan(lowered)
      // Not on the worker at all: everything is checked here, right away.
      textCheckThreads.enabled = false
      slow.mockClear()
      expect(await split.start(texts).results()).toEqual(checkHere(texts))
      expect(slow).not.toHaveBeenCalled()
    } finally {
      slow.mockRestore()
      textCheckThreads.enabled = enabled
    }
  })
})
