import {isUtf8} from 'node:buffer'
import {describe, expect, it, vi} from 'vitest'
import {createDocumentTextInspector, inspectDocumentText, type DocumentTextFields} from '@/lib/lake/engine/document-text'
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

/**
 * The inspector as it was before it was tuned for speed (regexes for every token, a list of sliced
 * keys per object): simple enough to trust, and the tuned one must answer exactly as it does.
 */
function referenceInspect(input: string | Uint8Array): DocumentTextFields | null {
  const STRING = /"[^"\\\u0000-\u001f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\u0000-\u001f]*)*"/y
  const PLAIN_KEY = /"[^"\\\u0000-\u001f]*"/y
  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y
  const SYSTEM_FIELDS = new Set(['_id', '_type', '_rev', '_createdAt', '_updatedAt'])
  let text: string
  if (typeof input === 'string') {
    if (!input.isWellFormed()) return null
    text = input
  } else {
    try {
      text = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true}).decode(input)
    } catch {
      return null
    }
  }
  let i = 0
  const skipWhitespace = () => {
    while (' \n\r\t'.includes(text[i] ?? 'x')) i++
  }
  skipWhitespace()
  if (text[i] !== '{') return null
  const kinds: string[] = []
  const keys: (Set<string> | null)[] = []
  const fields: DocumentTextFields = {}
  let systemKey = null as keyof DocumentTextFields | null
  const readKey = (): boolean => {
    PLAIN_KEY.lastIndex = i
    if (!PLAIN_KEY.test(text)) return false
    const key = text.slice(i + 1, PLAIN_KEY.lastIndex - 1)
    i = PLAIN_KEY.lastIndex
    const seen = keys.at(-1)!
    if (seen.has(key)) return false
    seen.add(key)
    systemKey = kinds.length === 1 && SYSTEM_FIELDS.has(key) ? (key as keyof DocumentTextFields) : null
    skipWhitespace()
    if (text[i] !== ':') return false
    i++
    return true
  }
  for (;;) {
    skipWhitespace()
    const char = text[i]
    if (char === '{' || char === '[') {
      if (kinds.length >= MAX_DOCUMENT_DEPTH || systemKey !== null) return null
      kinds.push(char)
      keys.push(char === '{' ? new Set() : null)
      i++
      skipWhitespace()
      if (text[i] === (char === '{' ? '}' : ']')) {
        i++
        kinds.pop()
        keys.pop()
      } else {
        if (char === '{' && !readKey()) return null
        continue
      }
    } else if (char === '"') {
      STRING.lastIndex = i
      if (!STRING.test(text)) return null
      if (systemKey !== null) fields[systemKey] = JSON.parse(text.slice(i, STRING.lastIndex)) as string
      i = STRING.lastIndex
    } else {
      if (systemKey !== null) return null
      if (text.startsWith('true', i)) i += 4
      else if (text.startsWith('false', i)) i += 5
      else if (text.startsWith('null', i)) i += 4
      else {
        NUMBER.lastIndex = i
        if (!NUMBER.test(text)) return null
        i = NUMBER.lastIndex
      }
    }
    systemKey = null
    for (;;) {
      skipWhitespace()
      if (kinds.length === 0) return i === text.length ? fields : null
      const next = text[i++]
      const kind = kinds.at(-1)
      if (next === ',') {
        if (kind === '{') {
          skipWhitespace()
          if (!readKey()) return null
        }
        break
      }
      if ((kind === '{' && next === '}') || (kind === '[' && next === ']')) {
        kinds.pop()
        keys.pop()
        continue
      }
      return null
    }
  }
}

/** Keys that share lengths and prefixes, non-ASCII ones (one and two UTF-16 units, combining marks), empty. */
const EDGE_KEYS = ['a', 'b', 'ab', 'ba', 'abc', 'abd', '_id', '_ix', '_type', '_typf', '_key', 'é', 'e\u0301', 'ë', '😀', '😁', 'x😀', '', ' ', 'a b', '_rev', '_createdAt', '_updatedAt']
/** Values as JSON text: escapes before/after, long strings (past the hand-read prefix), numbers, literals. */
const EDGE_VALUES = [
  '""', '"x"', '"\\\\"', '"\\""', '"a\\nb"', '"\\u00e9"', '"\\ud83d\\ude00"', '"\\ud800"', '"é"', '"😀"',
  `"${'x'.repeat(15)}"`, `"${'x'.repeat(16)}"`, `"${'x'.repeat(17)}"`, `"${'x'.repeat(40)}\\n"`, `"${'é'.repeat(20)}\\"${'y'.repeat(20)}"`,
  `"${'x'.repeat(16)}\\\\"`, `"${'x'.repeat(15)}\\t${'y'.repeat(30)}"`,
  '0', '-0', '1', '-1.5', '1e21', '1E+2', '1e-7', '0.0', '123456789', 'true', 'false', 'null', '[]', '{}', '[1,"a",{}]',
]
/** Characters that break a text in the places they land (or not, inside strings). */
const EDGE_DAMAGE = ['{', '}', '[', ']', ',', ':', '"', '\\', '0', '1', 'e', '-', '.', 't', 'f', 'n', ' ', '\u0000', '\u0001', '\u001f', '\t', '\n', '\u007f', '\ud800', '\udc00', 'é']
const WHITESPACE = ['', '', '', ' ', '\n', '\t', '\r', ' \r\n\t ']

/** A text with the shapes the tuned inspector treats specially: big objects, repeats, nesting, whitespace everywhere. */
function edgeText(next: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]
  const ws = () => (next() < 0.3 ? pick(WHITESPACE) : '')
  // Containers left to make (texts stay small however the dice fall).
  let containers = 12
  const object = (depth: number): string => {
    // Around the switch from comparing keys one by one to a Set (16), and well past it.
    const size = next() < 0.3 ? pick([15, 16, 17, 18, 33, 40]) : Math.floor(next() * 5)
    const keys: string[] = []
    for (let k = 0; k < size; k++) keys.push(next() < 0.5 ? pick(EDGE_KEYS) : `k${k}${next() < 0.2 ? 'é' : ''}`)
    // Mostly distinct keys, sometimes one repeat at any position (first, around 16, last).
    const distinct = [...new Set(keys)]
    if (next() < 0.25 && distinct.length > 0) distinct.splice(Math.floor(next() * (distinct.length + 1)), 0, pick(distinct))
    if (next() < 0.05) distinct.splice(Math.floor(next() * (distinct.length + 1)), 0, 'k\\u0030')
    const members = distinct.map((key) => `${ws()}${JSON.stringify(key)}${ws()}:${ws()}${value(depth + 1)}${ws()}`)
    return `{${members.join(',') || ws()}}`
  }
  const value = (depth: number): string => {
    const kind = next()
    if (kind < 0.3 && containers-- <= 0) return pick(EDGE_VALUES)
    if (kind < 0.2) return object(depth)
    if (depth < 40 && kind < 0.3) return `[${ws()}${Array.from({length: Math.floor(next() * 4)}, () => value(depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`
    // Nesting right at the depth limit (and one past it).
    if (kind < 0.32 && depth < MAX_DOCUMENT_DEPTH) return '['.repeat(MAX_DOCUMENT_DEPTH - depth - (next() < 0.5 ? 1 : 0)) + ']'.repeat(MAX_DOCUMENT_DEPTH - depth - 1)
    return pick(EDGE_VALUES)
  }
  let text = `${ws()}${object(0)}${ws()}`
  // Sometimes damaged: a character dropped, repeated or inserted.
  if (next() < 0.4) {
    const at = Math.floor(next() * text.length)
    const damage = next()
    if (damage < 0.3) text = text.slice(0, at) + text.slice(at + 1)
    else if (damage < 0.5) text = text.slice(0, at) + text[at] + text.slice(at)
    else text = text.slice(0, at) + pick(EDGE_DAMAGE) + text.slice(at)
  }
  return text
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

  it('answers exactly as the untuned inspector on edge shapes, as text and as UTF-8 bytes', () => {
    const next = random(78)
    let accepted = 0
    let repeated = 0
    for (let n = 0; n < CASES * 2; n++) {
      const text = edgeText(next)
      const expected = referenceInspect(text)
      expect(inspectDocumentText(text), text).toEqual(expected)
      const bytes = Buffer.from(`[${text}]`).subarray(1, -1)
      expect(inspectDocumentText(bytes), text).toEqual(referenceInspect(bytes))
      if (expected !== null) accepted++
      else if (parses(text) !== undefined && hasRepeatedKey(text)) repeated++
      // Against JSON.parse too: what is vouched for parses, to the same system fields.
      if (expected !== null) expect(parses(text), text).toBeTypeOf('object')
    }
    expect(accepted).toBeGreaterThan(CASES / 5)
    expect(repeated).toBeGreaterThan(CASES / 20)
  })

  it('finds a repeated key at any position of objects of 1 to 40 keys, nested or not, after a sibling object closed', () => {
    for (let size = 1; size <= 40; size++) {
      const keys = Array.from({length: size}, (_, k) => (k % 3 === 0 ? `k${k}` : k % 3 === 1 ? `é${k}` : `${'x'.repeat(k)}`))
      const members = (list: string[]) => list.map((key, k) => `${JSON.stringify(key)}:${k % 2 ? '{"a":1,"b":{"a":2}}' : '"v\\\\"'}`).join(',')
      const plain = `{"_id":"a","_type":"t","o":{${members(keys)}}}`
      expect(inspectDocumentText(plain), plain).toEqual({_id: 'a', _type: 't'})
      expect(inspectDocumentText(Buffer.from(plain)), plain).toEqual({_id: 'a', _type: 't'})
      for (let from = 0; from < size; from++) {
        for (const to of new Set([0, from, Math.floor((from + size) / 2), size])) {
          const withRepeat = [...keys.slice(0, to), keys[from], ...keys.slice(to)]
          // In a nested object that follows a closed sibling with the same keys, and at the top level.
          for (const text of [
            `{"_id":"a","_type":"t","s":{${members(keys)}},"o":{${members(withRepeat)}}}`,
            `{${members(withRepeat)}}`,
          ]) {
            expect(inspectDocumentText(text), text).toBeNull()
            expect(inspectDocumentText(Buffer.from(text)), text).toBeNull()
          }
        }
      }
    }
    // Many open objects of 15 keys each (kept one by one, not in a Set): a repeat after the nested
    // ones closed is found at every level.
    const keys15 = Array.from({length: 15}, (_, k) => `key${k}`)
    const level = (rest: string, extra: string) => `{${keys15.map((key) => `"${key}":1`).join(',')},"z":${rest}${extra}}`
    // (A new inspector each time: the first text that needs more room for keys grows it.)
    const fresh = () => createDocumentTextInspector(MAX_DOCUMENT_DEPTH, isUtf8)
    let deep = '{"last":1}'
    for (let n = 0; n < 60; n++) deep = level(deep, '')
    expect(fresh()(deep)).toEqual({})
    for (const at of [0, 1, 30, 59]) {
      let repeated = '{"last":1}'
      for (let n = 0; n < 60; n++) repeated = level(repeated, n === at ? ',"key7":2' : '')
      expect(fresh()(repeated), `at ${at}`).toBeNull()
      expect(fresh()(Buffer.from(repeated)), `at ${at}`).toBeNull()
    }
    let after = '{"last":1,"last":2}'
    for (let n = 0; n < 60; n++) after = level(after, '')
    expect(fresh()(after)).toBeNull()
    // Keys of one length with one character apart, at the end or start, are different keys.
    expect(inspectDocumentText('{"abc":1,"abd":2,"xbc":3,"ab":4,"abcd":5,"é":6,"e\u0301":7,"😀":8,"😁":9}')).toEqual({})
    expect(inspectDocumentText('{"abc":1,"abd":2,"xbc":3,"ab":4,"abcd":5,"é":6,"e\u0301":7,"😀":8,"😀":9}')).toBeNull()
  })

  it('refuses control characters and bad escapes in strings and keys, short or long; accepts whitespace wherever JSON does', () => {
    for (const length of [0, 1, 15, 16, 17, 40]) {
      const pad = 'x'.repeat(length)
      for (const bad of ['\u0000', '\u0001', '\u001f', '\n', '\t', '\\x', '\\u12', '\\', '\\U0041']) {
        for (const text of [`{"s":"${pad}${bad}"}`, `{"s":"${bad}${pad}"}`, `{"${pad}${bad}":1}`, `{"s":"${pad}\\n${bad}"}`]) {
          expect(inspectDocumentText(text), JSON.stringify(text)).toBeNull()
          expect(inspectDocumentText(Buffer.from(text)), JSON.stringify(text)).toBeNull()
        }
      }
      expect(inspectDocumentText(`{"s":"${pad}\\n\\u00e9\\/\\"","t":"\u007f${pad}"}`)).toEqual({})
      expect(inspectDocumentText(`{"_id":"${pad}\\\\","_type":"${pad}é"}`)).toEqual({_id: `${pad}\\`, _type: `${pad}é`})
      expect(inspectDocumentText(Buffer.from(`{"_id":"${pad}\\\\","_type":"${pad}é"}`))).toEqual({_id: `${pad}\\`, _type: `${pad}é`})
      // A text that ends inside a string.
      expect(inspectDocumentText(`{"s":"${pad}`)).toBeNull()
      expect(inspectDocumentText(`{"${pad}`)).toBeNull()
    }
    const ws = ' \t\r\n'
    const text = `${ws}{${ws}"_id"${ws}:${ws}"a"${ws},${ws}"_type"${ws}:${ws}"t"${ws},${ws}"x"${ws}:${ws}[${ws}1${ws},${ws}{${ws}}${ws},${ws}[${ws}]${ws},${ws}{${ws}"y"${ws}:${ws}-0.5e+3${ws}}${ws}]${ws}}${ws}`
    expect(inspectDocumentText(text)).toEqual({_id: 'a', _type: 't'})
    expect(inspectDocumentText(Buffer.from(text))).toEqual({_id: 'a', _type: 't'})
    // Not JSON whitespace: form feed, vertical tab, no-break space, U+2028.
    for (const other of ['\f', '\v', '\u00a0', '\u2028']) expect(inspectDocumentText(`{"a":1${other}}`), JSON.stringify(other)).toBeNull()
  })

  it('reads every number form JSON.parse does, and no other', () => {
    const forms = ['0', '-0', '7', '-7', '10', '0.5', '-0.5', '1e5', '1E5', '1e+5', '1e-5', '1.5e10', '123456789012345678901234567890', '00', '01', '-', '+1', '.5', '1.', '1.e5', '1e', '1e+', '-a', '0x1', '1_0', 'NaN', 'Infinity', '-Infinity', '1.5.5', '1e5e5', '--1', '0-', 'tru', 'nul', 'falsey', 'true1', 'nulll']
    for (const form of forms) {
      for (const text of [`{"n":${form}}`, `{"n":[${form}]}`, `{"n":${form} }`]) {
        const valid = parses(text) !== undefined
        expect(inspectDocumentText(text) !== null, text).toBe(valid)
        expect(referenceInspect(text) !== null, text).toBe(valid)
      }
    }
  })

  it('reads strings of every length and alignment with a quote, escape, control character or non-ASCII character anywhere', () => {
    // Plain runs are skipped four bytes at a time: each special character at each offset of a word.
    const specials = ['"', '\\"', '\\\\', '\\n', '\\/', '\\u00e9', '\\uD83D\\uDE00', '\\u12x4', '\\x', '\\', '\u0000', '\u0001', '\n', '\u001f', ' ', '\u007f', 'é', '😀', '\u2028']
    let vouched = 0
    for (let lead = 0; lead < 4; lead++) {
      for (let size = 0; size <= 20; size++) {
        for (let at = 0; at <= size; at++) {
          for (const special of specials) {
            const text = `${' '.repeat(lead)}{"s":"${'x'.repeat(at)}${special}${'y'.repeat(size - at)}","t":1}`
            const valid = parses(text) !== undefined
            const fields = inspectDocumentText(text)
            expect(fields !== null, JSON.stringify(text)).toBe(valid)
            expect(inspectDocumentText(Buffer.from(text)), JSON.stringify(text)).toEqual(fields)
            // A view at every offset of its buffer.
            expect(inspectDocumentText(Buffer.from(`${'-'.repeat(lead)}${text}`).subarray(lead)), JSON.stringify(text)).toEqual(fields)
            // The string last in the text, its closing quote the text's last character or missing.
            const cut = `{"_id":"${'x'.repeat(at)}${special}${'y'.repeat(size - at)}"}`
            expect(inspectDocumentText(cut), JSON.stringify(cut)).toEqual(referenceInspect(cut))
            expect(inspectDocumentText(cut.slice(0, -2)), JSON.stringify(cut)).toBeNull()
            if (fields !== null) vouched++
          }
        }
      }
    }
    expect(vouched).toBeGreaterThan(1000)
    // Texts longer than the inspector's first buffer (it grows it), as the first text of a new inspector.
    // (Past 1 MiB the buffer is not kept: the next text gets the kept one again.)
    for (const size of [4000, 4100, 5000, 20000, 2 ** 20 + 100]) {
      for (const input of [(text: string) => text, (text: string) => Buffer.from(text)]) {
        const good = `{"_id":"a","s":"${'x'.repeat(size)}","t":"${'y'.repeat(40)}"}`
        const bad = `{"_id":"a","s":"${'x'.repeat(size)}","t":"${'y'.repeat(40)}\u0001"}`
        const inspect = createDocumentTextInspector(MAX_DOCUMENT_DEPTH, isUtf8)
        expect(inspect(input(good))).toEqual({_id: 'a'})
        expect(inspect(input('{"_id":"b","s":"' + 'z'.repeat(50) + '"}'))).toEqual({_id: 'b'})
        expect(inspect(input('{"_id":"b","s":"' + 'z'.repeat(50)))).toBeNull()
        expect(createDocumentTextInspector(MAX_DOCUMENT_DEPTH, isUtf8)(input(bad))).toBeNull()
      }
    }
  })

  it('checks bytes the same without a UTF-8 validator given (it then decodes them)', () => {
    const inspect = createDocumentTextInspector(MAX_DOCUMENT_DEPTH)
    for (const bytes of [
      Buffer.from('{"_id":"é","_type":"t"}'),
      Buffer.concat([Buffer.from('{"_id":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('","_type":"t"}')]),
      Buffer.concat([Buffer.from('{"_id":"a","_type":"t","x":"'), Buffer.from([0xc3]), Buffer.from('"}')]),
      Buffer.concat([Buffer.from('{"_id":"a","_type":"t","x":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
      Buffer.from('\ufeff{"_id":"a","_type":"t"}'),
    ]) {
      expect(inspect(bytes), bytes.toString()).toEqual(inspectDocumentText(bytes))
      expect(inspect(bytes), bytes.toString()).toEqual(referenceInspect(bytes))
    }
    expect(inspect(Buffer.from('{"_id":"é","_type":"t"}'))).toEqual({_id: 'é', _type: 't'})
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
