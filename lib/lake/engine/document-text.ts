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
  const STRING = /"[^"\\\u0000-\u001f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\u0000-\u001f]*)*"/y
  // A key without escapes: compared as written (an escaped key could equal another written plainly).
  const PLAIN_KEY = /"[^"\\\u0000-\u001f]*"/y
  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y
  const SYSTEM_FIELDS = new Set(['_id', '_type', '_rev', '_createdAt', '_updatedAt'])
  // Above this many keys an object's keys are checked for repeats through a Set instead of a list.
  const SMALL_OBJECT = 16
  const OPEN_OBJECT = 123
  const CLOSE_OBJECT = 125
  const OPEN_ARRAY = 91
  const CLOSE_ARRAY = 93
  const QUOTE = 34
  const COMMA = 44
  const COLON = 58
  const UTF8 = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true})

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
    let i = 0
    const skipWhitespace = () => {
      let code = text.charCodeAt(i)
      while (code === 32 || code === 10 || code === 13 || code === 9) code = text.charCodeAt(++i)
    }
    skipWhitespace()
    if (text.charCodeAt(i) !== OPEN_OBJECT) return null

    // Open containers: their kind, and for objects the keys seen so far.
    const kinds: number[] = []
    const keys: (string[] | Set<string> | null)[] = []
    const fields: DocumentTextFields = {}
    let systemKey = null as keyof DocumentTextFields | null

    const readKey = (): boolean => {
      PLAIN_KEY.lastIndex = i
      if (!PLAIN_KEY.test(text)) return false
      const key = text.slice(i + 1, PLAIN_KEY.lastIndex - 1)
      i = PLAIN_KEY.lastIndex
      const depth = kinds.length - 1
      let seen = keys[depth]!
      if (Array.isArray(seen)) {
        if (seen.includes(key)) return false
        seen.push(key)
        if (seen.length > SMALL_OBJECT) keys[depth] = seen = new Set(seen)
      } else {
        if (seen.has(key)) return false
        seen.add(key)
      }
      systemKey = depth === 0 && SYSTEM_FIELDS.has(key) ? (key as keyof DocumentTextFields) : null
      skipWhitespace()
      if (text.charCodeAt(i) !== COLON) return false
      i++
      return true
    }

    // Each turn reads one value (opening a container counts as its start), then what follows it.
    for (;;) {
      skipWhitespace()
      const code = text.charCodeAt(i)
      if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
        if (kinds.length >= maxDepth || systemKey !== null) return null
        kinds.push(code)
        keys.push(code === OPEN_OBJECT ? [] : null)
        i++
        skipWhitespace()
        if (text.charCodeAt(i) === (code === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) {
          i++
          kinds.pop()
          keys.pop()
        } else {
          if (code === OPEN_OBJECT && !readKey()) return null
          continue
        }
      } else if (code === QUOTE) {
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
      // After a value: close containers, or a comma and the next key/element.
      for (;;) {
        skipWhitespace()
        if (kinds.length === 0) return i === length ? fields : null
        const next = text.charCodeAt(i++)
        const kind = kinds[kinds.length - 1]
        if (next === COMMA) {
          if (kind === OPEN_OBJECT) {
            skipWhitespace()
            if (!readKey()) return null
          }
          break
        }
        if ((kind === OPEN_OBJECT && next === CLOSE_OBJECT) || (kind === OPEN_ARRAY && next === CLOSE_ARRAY)) {
          kinds.pop()
          keys.pop()
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
