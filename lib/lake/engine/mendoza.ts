/**
 * A mendoza encoder: the smallest-effort patch that turns one JSON value into another, in the
 * format Sanity's listener and history effects use (`effectFormat=mendoza`). The `mendoza` npm
 * package only applies patches (Sanity's encoder is Go), so this module writes them.
 *
 * Why not whole-document replacement (`[0, value]`, which is valid mendoza): the Studio's review
 * changes and history panes attribute each field to the transaction whose patch touched it; a
 * replacement touches every field, so every field shows every author. Here unchanged fields are
 * kept, changed objects are descended into, strings keep their common prefix and suffix, and arrays
 * reuse runs of unchanged elements (Portable Text blocks are matched by `_key`).
 *
 * Opcodes and their operands are those of mendoza's patcher (node_modules/mendoza/src/internal-patcher.ts).
 * Object fields are addressed by their index among the input object's keys sorted with JS's
 * default sort, exactly as the patcher resolves them. String slices are UTF-8 byte offsets.
 */

export type MendozaPatch = unknown[]

const OP = {
  Value: 0,
  PushFieldCopy: 10,
  PushFieldBlank: 11,
  PushElementCopy: 12,
  ReturnIntoObjectSameKeyPop: 15,
  ReturnIntoArrayPop: 16,
  ObjectSetFieldValue: 17,
  ObjectDeleteField: 19,
  ArrayAppendValue: 20,
  ArrayAppendSlice: 21,
  StringAppendString: 22,
  StringAppendSlice: 23,
} as const

type Json = null | boolean | number | string | Json[] | {[key: string]: Json}
type JsonObject = {[key: string]: Json}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const aKeys = Object.keys(a as object)
  if (aKeys.length !== Object.keys(b as object).length) return false
  for (const key of aKeys) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false
    if (!deepEqual((a as JsonObject)[key], (b as JsonObject)[key])) return false
  }
  return true
}

/** The mendoza patch turning `left` into `right`. `[]` when they are equal. */
export function diffPatch(left: unknown, right: unknown): MendozaPatch {
  if (deepEqual(left, right)) return []
  if (isObject(left) && isObject(right)) {
    const ops: MendozaPatch = []
    encodeObject(left, right, ops)
    return ops
  }
  return [OP.Value, right as Json]
}

/** Ops that rewrite the current output object (a copy of `left`) into `right`. */
function encodeObject(left: JsonObject, right: JsonObject, ops: MendozaPatch): void {
  const leftKeys = Object.keys(left).sort()
  const indexOf = new Map(leftKeys.map((key, index) => [key, index]))
  leftKeys.forEach((key, index) => {
    if (!Object.prototype.hasOwnProperty.call(right, key)) ops.push(OP.ObjectDeleteField, index)
  })
  for (const key of Object.keys(right)) {
    const next = right[key]
    const index = indexOf.get(key)
    if (index === undefined) {
      ops.push(OP.ObjectSetFieldValue, next, key)
      continue
    }
    const previous = left[key]
    if (deepEqual(previous, next)) continue
    const nested = encodeNested(previous, next)
    if (nested) ops.push(nested.push, index, ...nested.ops, OP.ReturnIntoObjectSameKeyPop)
    else ops.push(OP.ObjectSetFieldValue, next, key)
  }
}

/**
 * How to rewrite a changed value in place, given its old value as input: the push opcode (copy
 * for objects, blank for strings and arrays, which are rebuilt) and the ops in between; null when
 * setting the new value outright is as small or when the patcher cannot express it (an empty
 * result of a blank push would read back as null).
 */
function encodeNested(previous: Json, next: Json): {push: number; ops: MendozaPatch} | null {
  let result: {push: number; ops: MendozaPatch} | null = null
  if (isObject(previous) && isObject(next)) {
    const ops: MendozaPatch = []
    encodeObject(previous, next, ops)
    result = {push: OP.PushFieldCopy, ops}
  } else if (typeof previous === 'string' && typeof next === 'string' && next !== '') {
    result = {push: OP.PushFieldBlank, ops: encodeString(previous, next)}
  } else if (Array.isArray(previous) && Array.isArray(next) && next.length > 0) {
    result = {push: OP.PushFieldBlank, ops: encodeArray(previous, next)}
  }
  if (!result) return null
  return JSON.stringify(result.ops).length + 8 < JSON.stringify(next).length ? result : null
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff
const utf8Length = (text: string) => Buffer.byteLength(text, 'utf8')

/** Keeps the common prefix and suffix of the old string, appends the new middle. */
function encodeString(previous: string, next: string): MendozaPatch {
  const max = Math.min(previous.length, next.length)
  let prefix = 0
  while (prefix < max && previous.charCodeAt(prefix) === next.charCodeAt(prefix)) prefix++
  // Never split a surrogate pair: byte offsets must fall between whole characters.
  if (prefix > 0 && isHighSurrogate(previous.charCodeAt(prefix - 1))) prefix--
  let suffix = 0
  while (
    suffix < max - prefix &&
    previous.charCodeAt(previous.length - 1 - suffix) === next.charCodeAt(next.length - 1 - suffix)
  )
    suffix++
  if (suffix > 0 && isLowSurrogate(previous.charCodeAt(previous.length - suffix))) suffix--

  const ops: MendozaPatch = []
  if (prefix > 0) ops.push(OP.StringAppendSlice, 0, utf8Length(previous.slice(0, prefix)))
  const middle = next.slice(prefix, next.length - suffix)
  if (middle) ops.push(OP.StringAppendString, middle)
  if (suffix > 0) {
    const total = utf8Length(previous)
    ops.push(OP.StringAppendSlice, total - utf8Length(previous.slice(previous.length - suffix)), total)
  }
  return ops
}

const keyOf = (value: Json): string | undefined => (isObject(value) && typeof value._key === 'string' ? value._key : undefined)

/**
 * Rebuilds the array: runs of elements equal to consecutive old elements become slices, keyed
 * objects that changed are patched in place, anything else is appended as a value.
 */
function encodeArray(previous: Json[], next: Json[]): MendozaPatch {
  const byKey = new Map<string, number>()
  previous.forEach((element, index) => {
    const key = keyOf(element)
    if (key !== undefined && !byKey.has(key)) byKey.set(key, index)
  })
  const ops: MendozaPatch = []
  let run: [number, number] | null = null
  const flush = () => {
    if (run) ops.push(OP.ArrayAppendSlice, run[0], run[1])
    run = null
  }
  next.forEach((element, position) => {
    // Candidates in order of likelihood: right after the current run, the same key, the same position.
    const candidates = [run ? run[1] : position, byKey.get(keyOf(element) ?? ''), position]
    const same = candidates.find((index) => index !== undefined && index < previous.length && deepEqual(previous[index], element))
    if (same !== undefined) {
      if (run && run[1] === same) run[1]++
      else {
        flush()
        run = [same, same + 1]
      }
      return
    }
    flush()
    const keyed = keyOf(element) !== undefined ? byKey.get(keyOf(element) as string) : undefined
    if (keyed !== undefined && isObject(previous[keyed]) && isObject(element)) {
      const nested: MendozaPatch = []
      encodeObject(previous[keyed] as JsonObject, element, nested)
      if (JSON.stringify(nested).length + 8 < JSON.stringify(element).length) {
        ops.push(OP.PushElementCopy, keyed, ...nested, OP.ReturnIntoArrayPop)
        return
      }
    }
    ops.push(OP.ArrayAppendValue, element)
  })
  flush()
  return ops
}

/** A document as mendoza effects see it: the Studio applies them to documents without `_rev`. */
export function withoutRev<T extends {_rev?: unknown}>(document: T | null | undefined): Omit<T, '_rev'> | null {
  if (!document) return null
  const {_rev, ...rest} = document
  void _rev
  return rest
}

type DocumentLike = {_rev?: unknown; [key: string]: unknown}

/** Sanity's `effects` of one document in one transaction: patches forward and back. */
export function documentEffects(before: DocumentLike | null, after: DocumentLike | null): {apply: MendozaPatch; revert: MendozaPatch} {
  const previous = withoutRev(before)
  const next = withoutRev(after)
  return {apply: diffPatch(previous, next), revert: diffPatch(next, previous)}
}
