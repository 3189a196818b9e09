/**
 * GROQ's value semantics as groq-js implements them, for code that must agree with it without
 * running it: attribute access, `==` (for equality indexes), and `order()`'s total order.
 */

/** One `order()` argument that is a plain attribute path, e.g. `publishedAt desc`. */
export interface OrderKey {
  path: string[]
  desc: boolean
}

/** GROQ attribute access along `path`: only plain objects have attributes; anything else gives null. */
export function valueAt(doc: unknown, path: string[]): unknown {
  let value: unknown = doc
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
    value = Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : null
    if (value === undefined) return null
  }
  return value
}

export function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
}

/**
 * The key under which an equality index files a value: values are `==` in groq-js exactly when
 * their keys are equal (same type and value, or both null). Objects and arrays equal nothing: null.
 */
export function groqKeyOf(value: unknown): string | null {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'string') return `s${value}`
  if (typeof value === 'number') return `n${value}`
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  return null
}

/** groq-js `==`: equal scalars of the same type, or both null; objects and arrays never equal. */
export function groqEqual(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined) return b === null || b === undefined
  return isScalar(a) && a === b
}

/** groq-js partial order (`<`, `>`…): numbers, strings and booleans against the same type; otherwise null. */
export function groqCompare(a: unknown, b: unknown): number | null {
  if (!isScalar(a) || typeof a !== typeof b) return null
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0
  return Number(a) - Number(b)
}

/** groq-js's TYPE_ORDER for `order()`: numbers, then strings, then booleans, then everything else (all equal). */
export function typeRank(value: unknown): number {
  switch (typeof value) {
    case 'number':
      return 2
    case 'string':
      return 3
    case 'boolean':
      return 4
    default:
      return 100
  }
}

/** groq-js totalCompare: by type rank, then by value within numbers, strings and booleans. */
export function totalCompare(a: unknown, b: unknown): number {
  const rankA = typeRank(a)
  const rankB = typeRank(b)
  if (rankA !== rankB) return rankA - rankB
  if (rankA === 100) return 0
  return groqCompare(a, b) ?? 0
}

/** Compares two documents' order-key values as groq-js's sortArray does (ties: 0, callers break them). */
export function compareOrderKeys(keys: OrderKey[], a: unknown[], b: unknown[]): number {
  for (let i = 0; i < keys.length; i++) {
    let c = totalCompare(a[i], b[i])
    if (keys[i].desc) c = -c
    if (c !== 0) return c
  }
  return 0
}
