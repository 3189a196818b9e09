/**
 * Sanity's mutations applied to a transaction's working set. Patches run through
 * `@sanity/mutator` (the same code the Studio uses to apply them optimistically); `query` targets
 * are resolved with GROQ first, since the mutator only knows ids. System fields are the engine's:
 * `_rev` is the transaction id, `_updatedAt` the transaction time, `_createdAt` is kept.
 */
import {Mutation as SanityMutation} from '@sanity/mutator'
import {documentAlreadyExists, documentNotFound, invalidMutation, revisionMismatch} from './errors'
import {isValidDocumentId, resolveNewDocumentId} from './ids'
import type {Mutation, Operation, SanityDocument} from './types'
import type {WorkingSet} from './working-set'

export const MUTATION_TYPES = ['create', 'createOrReplace', 'createIfNotExists', 'delete', 'patch'] as const
type MutationType = (typeof MUTATION_TYPES)[number]
const PATCH_OPERATIONS = ['set', 'setIfMissing', 'unset', 'inc', 'dec', 'insert', 'diffMatchPatch'] as const
const PATCH_KEYS = new Set<string>(['id', 'query', 'params', 'ifRevisionID', ...PATCH_OPERATIONS])
/**
 * Deepest nesting a stored document may have. Real content (Portable Text included) stays far
 * below; the limit keeps hostile input from overflowing the stack in code that walks documents.
 */
export const MAX_DOCUMENT_DEPTH = 100
/** Sanity's limit on documents a single query-targeted mutation may touch. */
export const MAX_QUERY_TARGETS = 10_000

export interface MutationContext {
  transactionId: string
  timestamp: string
  workingSet: WorkingSet
  /** Ids of the documents a mutation's GROQ `query` selects, evaluated against the working set. */
  resolveQuery(query: string, params: Record<string, unknown>, index: number): Promise<string[]>
}

export interface AppliedMutations {
  results: {id: string; operation: Operation}[]
  /** The mutations as applied: generated ids filled in, so history shows what really happened. */
  applied: Mutation[]
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

export function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && ISO_TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value))
}

export async function applyMutations(mutations: unknown, context: MutationContext): Promise<AppliedMutations> {
  if (!Array.isArray(mutations) || mutations.length === 0) {
    throw invalidMutation(0, 'Expected a non-empty array of mutations')
  }
  const outcome: AppliedMutations = {results: [], applied: []}
  for (const [index, mutation] of mutations.entries()) {
    const [kind, body] = splitMutation(mutation, index)
    switch (kind) {
      case 'create':
      case 'createOrReplace':
      case 'createIfNotExists':
        applyCreate(kind, body, index, context, outcome)
        break
      case 'delete':
        await applyDelete(body, index, context, outcome)
        break
      case 'patch':
        await applyPatch(body, index, context, outcome)
        break
    }
  }
  return outcome
}

function splitMutation(mutation: unknown, index: number): [MutationType, Record<string, unknown>] {
  if (!isPlainObject(mutation)) throw invalidMutation(index, 'Each mutation must be an object like {"create": {...}}')
  const keys = Object.keys(mutation)
  if (keys.length !== 1) {
    throw invalidMutation(index, `A mutation must have exactly one of ${MUTATION_TYPES.join(', ')}; got ${keys.join(', ') || 'none'}`)
  }
  const kind = keys[0]
  if (!(MUTATION_TYPES as readonly string[]).includes(kind)) {
    throw invalidMutation(index, `Unknown mutation type "${kind}": expected one of ${MUTATION_TYPES.join(', ')}`)
  }
  const body = mutation[kind]
  if (!isPlainObject(body)) throw invalidMutation(index, `The "${kind}" mutation must be an object`)
  return [kind as MutationType, body]
}

function checkDocumentId(id: unknown, index: number): string {
  if (!isValidDocumentId(id)) throw invalidMutation(index, `Malformed document ID: ${JSON.stringify(id)}`)
  return id
}

/** Runs one mutation through @sanity/mutator on a private copy of the document. */
function runMutator(mutation: Record<string, unknown>, current: SanityDocument | null, index: number, id: string): Record<string, unknown> | null {
  try {
    const result = new SanityMutation({mutations: [mutation as never]}).apply(current ? structuredClone(current) : null)
    return result as Record<string, unknown> | null
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw invalidMutation(index, `Could not apply mutation to document "${id}": ${reason}`)
  }
}

function copyDocument(document: Record<string, unknown>, index: number, id: string): Record<string, unknown> {
  try {
    return structuredClone(document)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw invalidMutation(index, `Could not apply mutation to document "${id}": ${reason}`)
  }
}

function applyCreate(
  kind: 'create' | 'createOrReplace' | 'createIfNotExists',
  body: Record<string, unknown>,
  index: number,
  context: MutationContext,
  outcome: AppliedMutations,
): void {
  const id = checkDocumentId(resolveNewDocumentId(body._id), index)
  if (typeof body._type !== 'string' || body._type.trim() === '') {
    throw invalidMutation(index, `Document "${id}" is missing the required "_type" attribute`)
  }
  checkDepth(body, index, id)
  const document = {...body, _id: id}
  outcome.applied.push({[kind]: document})
  const existing = context.workingSet.get(id)
  if (existing && kind === 'create') throw documentAlreadyExists(index, id)
  if (existing && kind === 'createIfNotExists') {
    outcome.results.push({id, operation: 'none'})
    return
  }
  // What @sanity/mutator makes of a create that applies (the document itself, `_createdAt` filled in;
  // the system fields are set below anyway), without compiling a mutation or cloning `existing`.
  const created = copyDocument(document, index, id)
  const createdAt = isTimestamp(body._createdAt) ? body._createdAt : (existing?._createdAt ?? context.timestamp)
  context.workingSet.put(id, withSystemFields(created, id, createdAt, context))
  outcome.results.push({id, operation: existing ? 'update' : 'create'})
}

async function applyDelete(body: Record<string, unknown>, index: number, context: MutationContext, outcome: AppliedMutations): Promise<void> {
  outcome.applied.push({delete: body})
  const ids = await targetIds(body, index, context)
  for (const id of ids) {
    if (context.workingSet.get(id)) context.workingSet.put(id, null)
    outcome.results.push({id, operation: 'delete'})
  }
}

async function applyPatch(body: Record<string, unknown>, index: number, context: MutationContext, outcome: AppliedMutations): Promise<void> {
  checkPatch(body, index)
  outcome.applied.push({patch: body})
  const byId = body.id !== undefined
  const operations: Record<string, unknown> = {}
  for (const key of PATCH_OPERATIONS) if (body[key] !== undefined) operations[key] = body[key]
  for (const id of await targetIds(body, index, context)) {
    const current = context.workingSet.get(id)
    if (!current) {
      if (byId) throw documentNotFound(index, id)
      continue
    }
    if (body.ifRevisionID !== undefined && current._rev !== body.ifRevisionID) {
      throw revisionMismatch(index, id, current._rev, body.ifRevisionID as string)
    }
    const patched = runMutator({patch: {...operations, id}}, current, index, id)
    if (!patched || typeof patched._type !== 'string' || patched._type.trim() === '') {
      throw invalidMutation(index, `A patch may not remove "_type" from document "${id}"`)
    }
    checkDepth(patched, index, id)
    const createdAt = isTimestamp(patched._createdAt) ? patched._createdAt : current._createdAt
    context.workingSet.put(id, withSystemFields(patched, id, createdAt, context))
    outcome.results.push({id, operation: 'update'})
  }
}

async function targetIds(body: Record<string, unknown>, index: number, context: MutationContext): Promise<string[]> {
  const hasId = body.id !== undefined
  const hasQuery = body.query !== undefined
  if (hasId === hasQuery) throw invalidMutation(index, 'Give either "id" or "query" (with optional "params"), not both or neither')
  if (hasId) return [checkDocumentId(body.id, index)]
  if (typeof body.query !== 'string') throw invalidMutation(index, '"query" must be a GROQ string')
  if (body.params !== undefined && !isPlainObject(body.params)) throw invalidMutation(index, '"params" must be an object')
  return context.resolveQuery(body.query, (body.params as Record<string, unknown>) ?? {}, index)
}

/** Throws when `value` nests deeper than MAX_DOCUMENT_DEPTH (recursion stops at the limit). */
export function checkDepth(value: unknown, index: number, id: string, depth = 0): void {
  if (typeof value !== 'object' || value === null) return
  if (depth >= MAX_DOCUMENT_DEPTH) throw invalidMutation(index, `Document "${id}" nests deeper than ${MAX_DOCUMENT_DEPTH} levels`)
  // Only objects and arrays nest (imports check every document: no per-object arrays here).
  if (Array.isArray(value)) {
    for (const child of value) if (typeof child === 'object' && child !== null) checkDepth(child, index, id, depth + 1)
    return
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue
    const child = (value as Record<string, unknown>)[key]
    if (typeof child === 'object' && child !== null) checkDepth(child, index, id, depth + 1)
  }
}

/** Patch paths may not reach into JavaScript object internals (assigning `__proto__` swaps prototypes). */
const FORBIDDEN_PATH_PART = /__proto__/

function patchPaths(body: Record<string, unknown>): string[] {
  const paths: string[] = []
  for (const op of ['set', 'setIfMissing', 'inc', 'dec', 'diffMatchPatch'] as const) {
    if (isPlainObject(body[op])) paths.push(...Object.keys(body[op]))
  }
  if (Array.isArray(body.unset)) paths.push(...body.unset.filter((path): path is string => typeof path === 'string'))
  if (isPlainObject(body.insert)) {
    for (const key of ['before', 'after', 'replace']) if (typeof body.insert[key] === 'string') paths.push(body.insert[key])
  }
  return paths
}

function checkPatch(body: Record<string, unknown>, index: number): void {
  for (const key of Object.keys(body)) {
    if (!PATCH_KEYS.has(key)) throw invalidMutation(index, `Unknown patch operation "${key}"`)
  }
  for (const path of patchPaths(body)) {
    if (FORBIDDEN_PATH_PART.test(path)) throw invalidMutation(index, `Invalid patch path "${path}"`)
  }
  const objectOps = ['set', 'setIfMissing', 'inc', 'dec', 'diffMatchPatch'] as const
  for (const op of objectOps) {
    if (body[op] !== undefined && !isPlainObject(body[op])) throw invalidMutation(index, `Patch "${op}" must be an object of path → value`)
  }
  for (const op of ['inc', 'dec'] as const) {
    for (const [path, value] of Object.entries((body[op] as Record<string, unknown>) ?? {})) {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidMutation(index, `Patch "${op}" on "${path}" needs a number`)
    }
  }
  for (const [path, value] of Object.entries((body.diffMatchPatch as Record<string, unknown>) ?? {})) {
    if (typeof value !== 'string') throw invalidMutation(index, `Patch "diffMatchPatch" on "${path}" needs a patch string`)
  }
  if (body.unset !== undefined && (!Array.isArray(body.unset) || !body.unset.every((path) => typeof path === 'string'))) {
    throw invalidMutation(index, 'Patch "unset" must be an array of paths')
  }
  if (body.insert !== undefined) {
    const insert = body.insert
    if (!isPlainObject(insert) || !Array.isArray(insert.items)) {
      throw invalidMutation(index, 'Patch "insert" needs "items" (an array) and one of "before", "after", "replace"')
    }
    const positions = ['before', 'after', 'replace'].filter((key) => insert[key] !== undefined)
    if (positions.length !== 1 || typeof insert[positions[0]] !== 'string') {
      throw invalidMutation(index, 'Patch "insert" needs exactly one of "before", "after", "replace" (a path)')
    }
  }
  if (body.ifRevisionID !== undefined && typeof body.ifRevisionID !== 'string') {
    throw invalidMutation(index, '"ifRevisionID" must be a string')
  }
}

function withSystemFields(
  document: Record<string, unknown> | null,
  id: string,
  createdAt: string,
  context: MutationContext,
): SanityDocument {
  return {
    ...(document ?? {}),
    _id: id,
    _type: document?._type as string,
    _rev: context.transactionId,
    _createdAt: createdAt,
    _updatedAt: context.timestamp,
  }
}
