/**
 * Document and transaction identifiers, following Sanity's rules: ids are dot-separated paths of
 * `a-zA-Z0-9._-` whose segments never start with `-`; `drafts.x` and `versions.<release>.x` are
 * the draft and release versions of the published document `x`.
 */
import {randomBytes, randomUUID} from 'node:crypto'

/** Sanity rejects longer ids; keeping the same limit keeps exports importable there. */
export const MAX_ID_LENGTH = 128

const SEGMENT = '[A-Za-z0-9_][A-Za-z0-9_-]*'
const ID_PATTERN = new RegExp(`^${SEGMENT}(\\.${SEGMENT})*$`)
const DATASET_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/
const TRANSACTION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export const DRAFTS_PREFIX = 'drafts.'
export const VERSIONS_PREFIX = 'versions.'

export function isValidDocumentId(id: unknown): id is string {
  return typeof id === 'string' && id.length <= MAX_ID_LENGTH && ID_PATTERN.test(id)
}

export function isValidDatasetName(name: unknown): name is string {
  return typeof name === 'string' && DATASET_PATTERN.test(name)
}

export function isValidTransactionId(id: unknown): id is string {
  return typeof id === 'string' && TRANSACTION_ID_PATTERN.test(id)
}

/** A random id shaped like Sanity's transaction ids (22 base62 characters, ~131 bits). */
export function generateTransactionId(): string {
  let out = ''
  while (out.length < 22) {
    for (const byte of randomBytes(32)) {
      // 248 = 4 * 62: rejecting larger bytes keeps every character equally likely.
      if (byte < 248 && out.length < 22) out += BASE62[byte % 62]
    }
  }
  return out
}

/**
 * Sanity's rule for new documents: no `_id` → a random id; an `_id` ending in `.` is a prefix
 * (`drafts.` → `drafts.<uuid>`).
 */
export function resolveNewDocumentId(id: unknown): unknown {
  if (id === undefined || id === null || id === '') return randomUUID()
  if (typeof id === 'string' && id.endsWith('.')) return `${id}${randomUUID()}`
  return id
}

export function isDraftId(id: string): boolean {
  return id.startsWith(DRAFTS_PREFIX)
}

export function isVersionId(id: string): boolean {
  return id.startsWith(VERSIONS_PREFIX)
}

/** `drafts.x` → `x`, `versions.r1.x` → `x`, `x` → `x`. */
export function publishedIdOf(id: string): string {
  if (isDraftId(id)) return id.slice(DRAFTS_PREFIX.length)
  if (isVersionId(id)) {
    const rest = id.slice(VERSIONS_PREFIX.length)
    const dot = rest.indexOf('.')
    return dot === -1 ? rest : rest.slice(dot + 1)
  }
  return id
}

/** `versions.r1.x` → `r1`; undefined for anything else. */
export function releaseNameOf(id: string): string | undefined {
  if (!isVersionId(id)) return undefined
  const rest = id.slice(VERSIONS_PREFIX.length)
  const dot = rest.indexOf('.')
  return dot === -1 ? undefined : rest.slice(0, dot)
}

/** Anonymous callers only see ids without a dot-separated prefix (`drafts.`, `contact.`, …). */
export function isPublicId(id: string): boolean {
  return !id.includes('.')
}
