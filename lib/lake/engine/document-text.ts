/**
 * Vouching for a document's JSON text without parsing it into objects: an import line that passes
 * `inspectDocumentText` is stored as it came (no `JSON.parse` + `JSON.stringify` round trip, which
 * is most of an import's CPU for kilobyte documents), and the lake reads back exactly what
 * `JSON.parse` of the line gives.
 *
 * The check is conservative: it answers null for anything it does not vouch for (not strict JSON,
 * nesting deeper than MAX_DOCUMENT_DEPTH, a repeated key in any object, an escaped key, a lone
 * surrogate, system fields that are not plain strings), and the importer then takes the ordinary
 * path (parse, check, serialise), which gives the precise error if the line is bad. Repeated keys
 * matter because `JSON.parse` keeps the last value and SQLite's `json_extract` (the path indexes)
 * the first: such a text is stored re-serialised, so both read the same document.
 *
 * Strings and numbers are matched by sticky regular expressions (irregexp compiles them to machine
 * code, several times faster here than a character loop in JavaScript); structure is a loop over
 * the punctuation between them.
 *
 * The inspector is made by a self-contained factory (no imports, no module-level state) because
 * imports run it in a worker thread too (text-check-pool.ts), from the factory's source.
 */
import {MAX_DOCUMENT_DEPTH} from './mutations'

/** The top-level system fields an import reads, as the JSON strings the text holds (absent: undefined). */
export interface DocumentTextFields {
  _id?: string
  _type?: string
  _rev?: string
  _createdAt?: string
  _updatedAt?: string
}

/** Takes the text, or its UTF-8 bytes (not vouched for unless they are valid UTF-8; a BOM is kept, so refused). */
export type DocumentTextInspector = (text: string | Uint8Array) => DocumentTextFields | null

export function createDocumentTextInspector(maxDepth: number): DocumentTextInspector {
  // The rest of a string after its opening quote, escapes allowed.
  const STRING_REST = /[^"\\\u0000-\u001f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\u0000-\u001f]*)*"/y
  // Strings up to this long are read by hand (a regex call costs more than a few characters).
  const SHORT_STRING = 16
  // Above this many keys an object's keys are checked for repeats through a Set instead of one by one.
  const SMALL_OBJECT = 16
  const OPEN_OBJECT = 123
  const CLOSE_OBJECT = 125
  const OPEN_ARRAY = 91
  const CLOSE_ARRAY = 93
  const QUOTE = 34
  const BACKSLASH = 92
  const COMMA = 44
  const COLON = 58
  const UNDERSCORE = 95
  const UTF8 = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true})

  // Reused by every call (the inspector is not re-entrant), indexed by depth - 1 for each open
  // container: whether it is an object, where its keys start in `keyBounds`, its Set of keys once
  // it has many (else null).
  const isObject: boolean[] = []
  const keyBase: number[] = []
  const keySets: (Set<string> | null)[] = []
  // Start and end of each key (without quotes) of the open objects, the innermost object's last.
  const keyBounds: number[] = []

  /** Index after the whitespace at `i`. */
  function skipWhitespace(text: string, i: number): number {
    let code = text.charCodeAt(i)
    while (code === 32 || code === 10 || code === 13 || code === 9) code = text.charCodeAt(++i)
    return i
  }

  /** Index after the string whose opening quote is at `i` (strict JSON), or -1. */
  function skipString(text: string, i: number): number {
    const end = i + 1 + SHORT_STRING
    for (let j = i + 1; j < end; j++) {
      const code = text.charCodeAt(j)
      if (code === QUOTE) return j + 1
      // An escape, a control character or the end of the text (NaN): the regex decides.
      if (code === BACKSLASH || !(code >= 32)) break
    }
    STRING_REST.lastIndex = i + 1
    return STRING_REST.test(text) ? STRING_REST.lastIndex : -1
  }

  /** Index after the number at `i` (strict JSON), or -1. */
  function skipNumber(text: string, i: number): number {
    let code = text.charCodeAt(i)
    if (code === 45) code = text.charCodeAt(++i)
    if (code === 48) code = text.charCodeAt(++i)
    else if (code >= 49 && code <= 57) {
      do code = text.charCodeAt(++i)
      while (code >= 48 && code <= 57)
    } else return -1
    if (code === 46) {
      code = text.charCodeAt(++i)
      if (!(code >= 48 && code <= 57)) return -1
      do code = text.charCodeAt(++i)
      while (code >= 48 && code <= 57)
    }
    if (code === 101 || code === 69) {
      code = text.charCodeAt(++i)
      if (code === 43 || code === 45) code = text.charCodeAt(++i)
      if (!(code >= 48 && code <= 57)) return -1
      do code = text.charCodeAt(++i)
      while (code >= 48 && code <= 57)
    }
    return i
  }

  return function inspectDocumentText(input: string | Uint8Array): DocumentTextFields | null {
    let text: string
    if (typeof input === 'string') {
      // A lone surrogate would not survive the store's UTF-8 (JSON.stringify writes it as an escape).
      if (!input.isWellFormed()) return null
      text = input
    } else {
      // Bytes: the text they encode, if they are UTF-8 (which has no lone surrogates); else not vouched for.
      try {
        text = UTF8.decode(input)
      } catch {
        return null
      }
    }
    const length = text.length
    let i = skipWhitespace(text, 0)
    if (text.charCodeAt(i) !== OPEN_OBJECT) return null

    const fields: DocumentTextFields = {}
    // Open containers, and the end of the open objects' keys in keyBounds.
    let depth = 0
    let keyTop = 0
    // The top-level system field whose value comes next, if any.
    let systemKey = null as keyof DocumentTextFields | null
    let expectKey = false

    // Each turn reads a key if one is due, then one value (opening a container counts as its
    // start), then what follows it.
    for (;;) {
      if (expectKey) {
        // A key without escapes (an escaped key could equal another written plainly), not yet in its object.
        if (text.charCodeAt(i) !== QUOTE) return null
        const start = i + 1
        let end = start
        for (let code = text.charCodeAt(end); code !== QUOTE; code = text.charCodeAt(++end)) {
          if (code === BACKSLASH || !(code >= 32)) return null
        }
        const keySet = keySets[depth - 1]
        if (keySet !== null) {
          const key = text.slice(start, end)
          if (keySet.has(key)) return null
          keySet.add(key)
        } else {
          // Compared with the object's earlier keys as written: by length, then character by character.
          const size = end - start
          const base = keyBase[depth - 1]
          for (let k = base; k < keyTop; k += 2) {
            const other = keyBounds[k]
            if (keyBounds[k + 1] - other !== size) continue
            let n = 0
            while (n < size && text.charCodeAt(start + n) === text.charCodeAt(other + n)) n++
            if (n === size) return null
          }
          keyBounds[keyTop] = start
          keyBounds[keyTop + 1] = end
          keyTop += 2
          if (keyTop - base > 2 * SMALL_OBJECT) {
            const keys = new Set<string>()
            for (let k = base; k < keyTop; k += 2) keys.add(text.slice(keyBounds[k], keyBounds[k + 1]))
            keySets[depth - 1] = keys
          }
        }
        if (depth === 1 && text.charCodeAt(start) === UNDERSCORE) {
          const key = text.slice(start, end)
          if (key === '_id' || key === '_type' || key === '_rev' || key === '_createdAt' || key === '_updatedAt') systemKey = key
        }
        i = skipWhitespace(text, end + 1)
        if (text.charCodeAt(i) !== COLON) return null
        i = skipWhitespace(text, i + 1)
      }
      const code = text.charCodeAt(i)
      if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
        if (depth >= maxDepth || systemKey !== null) return null
        const object = code === OPEN_OBJECT
        i = skipWhitespace(text, i + 1)
        if (text.charCodeAt(i) === (object ? CLOSE_OBJECT : CLOSE_ARRAY)) i++
        else {
          isObject[depth] = object
          keyBase[depth] = keyTop
          keySets[depth] = null
          depth++
          expectKey = object
          continue
        }
      } else if (code === QUOTE) {
        const end = skipString(text, i)
        if (end === -1) return null
        if (systemKey !== null) {
          fields[systemKey] = JSON.parse(text.slice(i, end)) as string
          systemKey = null
        }
        i = end
      } else {
        if (systemKey !== null) return null
        if (text.startsWith('true', i)) i += 4
        else if (text.startsWith('false', i)) i += 5
        else if (text.startsWith('null', i)) i += 4
        else {
          i = skipNumber(text, i)
          if (i === -1) return null
        }
      }
      // After a value: close containers, or a comma and the next key/element.
      for (;;) {
        i = skipWhitespace(text, i)
        if (depth === 0) return i === length ? fields : null
        const next = text.charCodeAt(i++)
        const object = isObject[depth - 1]
        if (next === COMMA) {
          i = skipWhitespace(text, i)
          expectKey = object
          break
        }
        if (next === (object ? CLOSE_OBJECT : CLOSE_ARRAY)) {
          depth--
          if (object) keyTop = keyBase[depth]
          continue
        }
        return null
      }
    }
  }
}

/**
 * The system fields of `text` if it is one strict-JSON object that `JSON.parse` reads unambiguously
 * (see above) within the depth limit; null when the importer should parse and check it the usual way.
 */
export const inspectDocumentText = createDocumentTextInspector(MAX_DOCUMENT_DEPTH)
