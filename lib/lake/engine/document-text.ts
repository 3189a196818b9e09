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
 * It reads the UTF-8 bytes (a string input is encoded first; bytes must pass `isUtf8`, given to the
 * factory, else a fatal TextDecoder): every structural character is ASCII, so one loop over bytes
 * with a local index reads keys, values and punctuation; runs of plain string characters are skipped
 * four bytes at a time (32-bit words of a reused copy, which ends in a 0 so no loop checks the
 * length); an object's keys stay positions in one reused stack, compared byte by byte (behind a
 * 32-bit mask of their hashes), in a Set past 16 keys. Nothing is allocated per token: 9.5 µs of
 * CPU for a 6.7 KB post (≈ 700 MB/s), against 35 µs for the regex version before
 * (`bench/document-text.ts`; `JSON.parse` of the line alone takes ≈ 39).
 *
 * The inspector is made by a self-contained factory (no imports, no module-level state) because
 * imports run it in a worker thread too (text-check-pool.ts), from the factory's source. It is not
 * re-entrant (its buffers are reused from call to call).
 */
import {isUtf8} from 'node:buffer'
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

export function createDocumentTextInspector(maxDepth: number, isUtf8?: (bytes: Uint8Array) => boolean): DocumentTextInspector {
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
  const ENCODER = new TextEncoder()
  // After a backslash in a string: 1 for the escapes JSON has besides \u (" \ / b f n r t); 2 for u.
  const ESCAPES = new Uint8Array(256)
  for (const code of [34, 92, 47, 98, 102, 110, 114, 116]) ESCAPES[code] = 1
  ESCAPES[117] = 2
  // 1 for the hex digits.
  const HEX = new Uint8Array(256)
  for (let code = 0; code < 256; code++) if ((code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102)) HEX[code] = 1

  // Reused by every call (the inspector is not re-entrant), indexed by depth - 1 for each open
  // container: whether it is an object, where its keys start in `keyBounds`, a mask of its keys'
  // hashes, its Set of keys once it has many (else null).
  const isObject = new Uint8Array(maxDepth + 1)
  const keyBase = new Int32Array(maxDepth + 1)
  const keyMasks = new Int32Array(maxDepth + 1)
  const keySets: (Set<string> | null)[] = []
  // Start and end of each key (without quotes) of the open objects, the innermost object's last (grown as needed).
  let keyBounds = new Int32Array(512)
  // The text being checked, as UTF-8 (copied or encoded here: grown as needed), and as 32-bit words.
  let scratch = new Uint8Array(4096)
  // Largest buffer kept from call to call (a longer text gets one for itself).
  const KEEP_BUFFER = 2 ** 20
  let words = new Int32Array(scratch.buffer)
  const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

  /** Whether `bytes` are UTF-8 (no lone surrogates, no overlong forms). */
  const validUtf8 =
    isUtf8 ??
    ((bytes: Uint8Array): boolean => {
      try {
        UTF8.decode(bytes)
        return true
      } catch {
        return false
      }
    })

  /** Index after the whitespace at `i`. */
  function skipWhitespace(bytes: Uint8Array, i: number): number {
    let code = bytes[i]
    while (code === 32 || code === 10 || code === 13 || code === 9) code = bytes[++i]
    return i
  }

  /**
   * Index after the string whose opening quote is at `i` (strict JSON: no control characters, known
   * escapes), or -1. `words` is the 32-bit view of `bytes`: runs of plain characters are
   * skipped four bytes at a time (a word is looked at byte by byte only if one of its bytes is a
   * quote, a backslash or below 32).
   */
  function skipString(bytes: Uint8Array, words: Int32Array, i: number): number {
    let j = i + 1
    for (;;) {
      if (LITTLE_ENDIAN && (j & 3) === 0) {
        let w = j >> 2
        for (;;) {
          const word = words[w]
          const quote = word ^ 0x22222222
          const backslash = word ^ 0x5c5c5c5c
          // The high bit of a byte set where it is 0 in `quote` or `backslash`, or below 32 in `word`
          // (and maybe above such a byte too: then the word is read byte by byte all the same).
          if ((((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash) | ((word - 0x20202020) & ~word)) & 0x80808080) break
          w++
        }
        j = w * 4
      }
      const code = bytes[j]
      if (code === QUOTE) return j + 1
      if (code === BACKSLASH) {
        const escape = ESCAPES[bytes[j + 1]]
        if (escape === 0) return -1
        if (escape === 1) j += 2
        else {
          // (The end's 0 fails HEX, whatever lies after it.)
          if (HEX[bytes[j + 2]] + HEX[bytes[j + 3]] + HEX[bytes[j + 4]] + HEX[bytes[j + 5]] !== 4) return -1
          j += 6
        }
      } else if (code < 32) return -1
      else j++
    }
  }

  /** Index after the number at `i` (strict JSON), or -1. */
  function skipNumber(bytes: Uint8Array, i: number): number {
    let code = bytes[i]
    if (code === 45) code = bytes[++i]
    if (code === 48) code = bytes[++i]
    else if (code >= 49 && code <= 57) {
      do code = bytes[++i]
      while (code >= 48 && code <= 57)
    } else return -1
    if (code === 46) {
      code = bytes[++i]
      if (!(code >= 48 && code <= 57)) return -1
      do code = bytes[++i]
      while (code >= 48 && code <= 57)
    }
    if (code === 101 || code === 69) {
      code = bytes[++i]
      if (code === 43 || code === 45) code = bytes[++i]
      if (!(code >= 48 && code <= 57)) return -1
      do code = bytes[++i]
      while (code >= 48 && code <= 57)
    }
    return i
  }

  /** Whether `word` (ASCII) is written at `i`. */
  function wordAt(bytes: Uint8Array, i: number, word: string): boolean {
    for (let k = 0; k < word.length; k++) if (bytes[i + k] !== word.charCodeAt(k)) return false
    return true
  }

  /** The system field named by the key bytes start..end, if any. */
  function systemField(bytes: Uint8Array, start: number, end: number): keyof DocumentTextFields | null {
    const size = end - start
    if (size === 3 && wordAt(bytes, start, '_id')) return '_id'
    if (size === 5 && wordAt(bytes, start, '_type')) return '_type'
    if (size === 4 && wordAt(bytes, start, '_rev')) return '_rev'
    if (size === 10 && wordAt(bytes, start, '_createdAt')) return '_createdAt'
    if (size === 10 && wordAt(bytes, start, '_updatedAt')) return '_updatedAt'
    return null
  }

  // The buffer and words of the text being checked: `scratch`, or for a text too long to keep one
  // for, a buffer of its own.
  let current = scratch
  let currentWords = words
  /** Points `current` and `currentWords` at a buffer of at least `size` bytes. */
  function room(size: number): void {
    if (scratch.length >= size) {
      current = scratch
      currentWords = words
      return
    }
    current = new Uint8Array(size)
    currentWords = new Int32Array(current.buffer, 0, size >> 2)
    if (size <= KEEP_BUFFER) {
      scratch = current
      words = currentWords
    }
  }

  return function inspectDocumentText(input: string | Uint8Array): DocumentTextFields | null {
    let length: number
    if (typeof input === 'string') {
      // A lone surrogate would not survive the store's UTF-8 (JSON.stringify writes it as an escape).
      if (!input.isWellFormed()) return null
      // Checked as its UTF-8, like bytes (the same answers: UTF-8 maps strings one to one).
      room(input.length * 3 + 4)
      length = ENCODER.encodeInto(input, current).written
    } else {
      // Bytes are vouched for only if they are UTF-8 (which has no lone surrogates).
      if (!validUtf8(input)) return null
      length = input.length
      room(length + 4)
      current.set(input)
    }
    const bytes = current
    const words = currentWords
    // The end is marked by a 0 (a control character: it ends every token, and the check, with a
    // refusal), so no loop looks at the length.
    bytes[length] = 0
    let i = skipWhitespace(bytes, 0)
    if (bytes[i] !== OPEN_OBJECT) return null

    const fields: DocumentTextFields = {}
    // Open containers, and the end of the open objects' keys in keyBounds.
    let depth = 0
    let keyTop = 0
    // The top-level system field whose value comes next, if any.
    let systemKey = null as keyof DocumentTextFields | null
    let expectKey = false

    // Each turn reads a key if one is due, then one value (opening a container counts as its
    // start), then what follows it. Every structural byte is ASCII, so UTF-8 is read byte by byte.
    for (;;) {
      if (expectKey) {
        // A key without escapes (an escaped key could equal another written plainly), not yet in its object.
        if (bytes[i] !== QUOTE) return null
        const start = i + 1
        let end = start
        for (let code = bytes[end]; code !== QUOTE; code = bytes[++end]) {
          if (code === BACKSLASH || code < 32) return null
        }
        const keySet = keySets[depth - 1]
        if (keySet !== null) {
          const key = UTF8.decode(new Uint8Array(bytes.buffer, start, end - start))
          if (keySet.has(key)) return null
          keySet.add(key)
        } else {
          // Compared with the object's earlier keys as written (UTF-8 is one to one: the same key is
          // the same bytes), by length, then byte by byte; not at all if the object's mask of the
          // keys' hashes (length, first and last byte, 5 bits) says none can be the same.
          const size = end - start
          const base = keyBase[depth - 1]
          const bit = 1 << ((size + bytes[start] * 7 + bytes[end - 1] * 13) & 31)
          const mask = keyMasks[depth - 1]
          if ((mask & bit) !== 0) {
            for (let k = base; k < keyTop; k += 2) {
              const other = keyBounds[k]
              if (keyBounds[k + 1] - other !== size) continue
              let n = 0
              while (n < size && bytes[start + n] === bytes[other + n]) n++
              if (n === size) return null
            }
          }
          keyMasks[depth - 1] = mask | bit
          if (keyTop + 2 > keyBounds.length) {
            const grown = new Int32Array(keyBounds.length * 2)
            grown.set(keyBounds)
            keyBounds = grown
          }
          keyBounds[keyTop] = start
          keyBounds[keyTop + 1] = end
          keyTop += 2
          if (keyTop - base > 2 * SMALL_OBJECT) {
            const keys = new Set<string>()
            for (let k = base; k < keyTop; k += 2) keys.add(UTF8.decode(new Uint8Array(bytes.buffer, keyBounds[k], keyBounds[k + 1] - keyBounds[k])))
            keySets[depth - 1] = keys
          }
        }
        if (depth === 1 && bytes[start] === UNDERSCORE) systemKey = systemField(bytes, start, end)
        i = skipWhitespace(bytes, end + 1)
        if (bytes[i] !== COLON) return null
        i = skipWhitespace(bytes, i + 1)
      }
      const code = bytes[i]
      if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
        if (depth >= maxDepth || systemKey !== null) return null
        const object = code === OPEN_OBJECT
        i = skipWhitespace(bytes, i + 1)
        if (bytes[i] === (object ? CLOSE_OBJECT : CLOSE_ARRAY)) i++
        else {
          isObject[depth] = object ? 1 : 0
          keyBase[depth] = keyTop
          keyMasks[depth] = 0
          keySets[depth] = null
          depth++
          expectKey = object
          continue
        }
      } else if (code === QUOTE) {
        const end = skipString(bytes, words, i)
        if (end === -1) return null
        if (systemKey !== null) {
          // Decoded as it is, unless it has escapes.
          let plain = true
          for (let k = i + 1; k < end - 1; k++) if (bytes[k] === BACKSLASH) plain = false
          fields[systemKey] = plain ? UTF8.decode(new Uint8Array(bytes.buffer, i + 1, end - i - 2)) : (JSON.parse(UTF8.decode(new Uint8Array(bytes.buffer, i, end - i))) as string)
          systemKey = null
        }
        i = end
      } else {
        if (systemKey !== null) return null
        if (code === 116 && wordAt(bytes, i, 'true')) i += 4
        else if (code === 102 && wordAt(bytes, i, 'false')) i += 5
        else if (code === 110 && wordAt(bytes, i, 'null')) i += 4
        else {
          i = skipNumber(bytes, i)
          if (i === -1) return null
        }
      }
      // After a value: close containers, or a comma and the next key/element.
      for (;;) {
        i = skipWhitespace(bytes, i)
        if (depth === 0) return i === length ? fields : null
        const next = bytes[i++]
        const object = isObject[depth - 1] === 1
        if (next === COMMA) {
          i = skipWhitespace(bytes, i)
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
export const inspectDocumentText = createDocumentTextInspector(MAX_DOCUMENT_DEPTH, isUtf8)
