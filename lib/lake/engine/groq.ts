/**
 * GROQ through groq-js: parsing with an LRU cache of syntax trees (planned by scan-plan.ts, so
 * `*[_type == "post" && …]` scans only the posts), Sanity-shaped errors and parameter checks.
 */
import {evaluate, GroqSyntaxError, parse, type ExprNode} from 'groq-js'
import {queryExecutionError, queryParseError} from './errors'
import {LruCache} from './lru'
import {analyzeScans, type ReadTracker, type ScanDependency} from './read-set'
import {forEachChild, planScans, scanDocuments, SCAN_PARAM_PREFIX, type Scan, type TreeNode} from './scan-plan'
import type {SanityDocument} from './types'

/** Longest query the engine parses; Sanity's own limit for POSTed queries is in this range. */
export const MAX_QUERY_LENGTH = 256 * 1024
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

export interface CompiledQuery {
  tree: ExprNode
  /** Names of every `$param` the query references. */
  params: Set<string>
  /** The `*[…]` scans rewritten to hidden params (see scan-plan.ts), by param name. */
  scans: Map<string, Scan>
  /** What decides each scan's membership, from the tree before planning (for sync tags). */
  dependencies: ScanDependency[]
}

/** Queries groq-js can only parse with their params (slices like `[$start...$end]` must be constant). */
const PARAM_DEPENDENT = Symbol('param-dependent')
const cache = new LruCache<string, CompiledQuery | typeof PARAM_DEPENDENT>(1000)
/** Longer keys (huge queries or params) are parsed each time rather than pinned in memory. */
const MAX_CACHED_KEY_LENGTH = 32 * 1024

function remember(key: string, compiled: CompiledQuery | typeof PARAM_DEPENDENT): void {
  if (key.length <= MAX_CACHED_KEY_LENGTH) cache.set(key, compiled)
}

export interface PreparedQuery {
  compiled: CompiledQuery
  params: Record<string, unknown>
}

/**
 * Parses (or takes from the cache) a query and checks its params. Trees are cached by query text,
 * and reused for any params; a query whose slices use params is cached per params value.
 */
export function prepareQuery(query: string, params: unknown): PreparedQuery {
  if (typeof query !== 'string' || query.trim() === '') throw queryParseError(typeof query === 'string' ? query : '', 'Query is empty', 0, 0)
  if (query.length > MAX_QUERY_LENGTH) {
    throw queryParseError(query.slice(0, 200), `Query is longer than ${MAX_QUERY_LENGTH} characters`, 0, 0)
  }
  const given = checkParamsObject(query, params)
  let compiled = cache.get(query)
  if (compiled === undefined) {
    compiled = parseQuery(query, undefined)
    remember(query, compiled)
  }
  if (compiled === PARAM_DEPENDENT) {
    const key = `${query}\u0000${JSON.stringify(given)}`
    let withParams = cache.get(key)
    if (withParams === undefined || withParams === PARAM_DEPENDENT) {
      withParams = parseQuery(query, given) as CompiledQuery
      remember(key, withParams)
    }
    compiled = withParams
  }
  checkReferencedParams(query, compiled.params, given)
  return {compiled, params: given}
}

function parseQuery(query: string, params: Record<string, unknown> | undefined): CompiledQuery | typeof PARAM_DEPENDENT {
  let tree: ExprNode
  try {
    tree = parse(query, params ? {params} : undefined)
  } catch (error) {
    if (error instanceof GroqSyntaxError) {
      const start = Math.min(error.position, query.length)
      throw queryParseError(query, describeSyntaxError(error), start, tokenEnd(query, start))
    }
    // groq-js resolves params used in slices while parsing: retry with the caller's params.
    if (params === undefined && query.includes('$')) return PARAM_DEPENDENT
    const missing = params && [...query.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]).find((name) => !(name in params))
    if (missing) throw missingParam(query, missing)
    throw queryParseError(query, error instanceof Error ? error.message : String(error), 0, query.length)
  }
  const referenced = collectParams(tree)
  const dependencies = analyzeScans(tree)
  return {tree, params: referenced, dependencies, scans: planScans(tree)}
}

/** groq-js says "Syntax error in GROQ query at position 18: Unexpected end of query"; Sanity says only the detail. */
function describeSyntaxError(error: GroqSyntaxError): string {
  const match = /^Syntax error in GROQ query at position \d+: (.*)$/s.exec(error.message)
  return match ? match[1] : error.message
}

/** End of the token starting at `start`, so the error can point at a range like Sanity does. */
function tokenEnd(query: string, start: number): number {
  let end = start
  while (end < query.length && !/\s/.test(query[end])) end++
  return Math.max(end, Math.min(start + 1, query.length))
}

function checkParamsObject(query: string, params: unknown): Record<string, unknown> {
  if (params === undefined || params === null) return {}
  if (typeof params !== 'object' || Array.isArray(params)) {
    throw queryParseError(query, 'Query params must be an object', 0, 0)
  }
  for (const name of Object.keys(params)) {
    if (!PARAM_NAME.test(name) || name.startsWith(SCAN_PARAM_PREFIX)) throw queryParseError(query, `Invalid param name "${name}"`, 0, 0)
  }
  return params as Record<string, unknown>
}

function missingParam(query: string, name: string) {
  const start = Math.max(0, query.indexOf(`$${name}`))
  return queryParseError(query, `param $${name} referenced, but not provided`, start, start + name.length + 1)
}

function checkReferencedParams(query: string, referenced: Set<string>, given: Record<string, unknown>): void {
  for (const name of referenced) {
    if (!(name in given) || given[name] === undefined) throw missingParam(query, name)
  }
}

export interface EvaluationContext {
  /** Every document the perspective sees (for unconstrained `*` scans). */
  documents: SanityDocument[]
  /** The perspective's documents of the given types, in `documents` order. */
  ofTypes: (types: Set<string>) => SanityDocument[]
  byId: (id: string) => SanityDocument | undefined
  params: Record<string, unknown>
  identity?: string
  /** When given, the evaluator sees documents through it, so it learns what the query read. */
  tracker?: ReadTracker
}

export async function evaluateQuery(query: string, compiled: CompiledQuery, context: EvaluationContext): Promise<unknown> {
  // One timestamp for the planner's predicates and groq-js's now(), so both agree.
  const timestamp = new Date()
  const env = {params: context.params, now: timestamp.toISOString()}
  const params: Record<string, unknown> = {...context.params}
  const {tracker} = context
  for (const [name, scan] of compiled.scans) {
    const docs = scanDocuments(scan, context.documents, context.ofTypes, env)
    params[name] = tracker ? docs.map((doc) => tracker.wrap(doc)) : docs
  }
  // Only an unplanned `*` reads the dataset; wrapping it lazily keeps tracked planned queries cheap.
  const dataset = tracker && hasEverything(compiled.tree) ? context.documents.map((doc) => tracker.wrap(doc)) : context.documents
  try {
    const value = await evaluate(compiled.tree, {
      dataset,
      params,
      identity: context.identity,
      timestamp,
      // groq-js would scan the whole dataset for every `->`; an id lookup keeps joins O(1).
      dereference: ({_ref}) => {
        if (typeof _ref !== 'string') return null
        const doc = context.byId(_ref)
        return (tracker ? tracker.dereferenced(_ref, doc) : doc) ?? null
      },
    })
    const result = await value.get()
    return tracker ? tracker.unwrap(result) : result
  } catch (error) {
    throw queryExecutionError(query, error instanceof Error ? error.message : String(error))
  }
}

function hasEverything(tree: ExprNode): boolean {
  let found = false
  const walk = (node: TreeNode) => {
    if (node.type === 'Everything') found = true
    else if (!found) forEachChild(node, walk)
  }
  walk(tree as unknown as TreeNode)
  return found
}

function collectParams(tree: ExprNode): Set<string> {
  const names = new Set<string>()
  const walk = (node: TreeNode) => {
    if (node.type === 'Parameter' && typeof node.name === 'string') names.add(node.name)
    forEachChild(node, walk)
  }
  walk(tree as unknown as TreeNode)
  return names
}

/** Whether a listener's filter query matches one document. */
export async function matchesDocument(query: string, compiled: CompiledQuery, params: Record<string, unknown>, document: SanityDocument): Promise<boolean> {
  const result = await evaluateQuery(query, compiled, {
    documents: [document],
    ofTypes: (types) => (types.has(document._type) ? [document] : []),
    byId: (id) => (id === document._id ? document : undefined),
    params,
  })
  return Array.isArray(result) ? result.length > 0 : Boolean(result)
}
