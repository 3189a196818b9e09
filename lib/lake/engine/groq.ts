/**
 * GROQ: parsing through groq-js with an LRU cache of syntax trees, Sanity-shaped errors and
 * parameter checks; evaluation by executor.ts (indexed pipelines, groq-js for the rest).
 */
import {GroqSyntaxError, parse, type ExprNode} from 'groq-js'
import {queryExecutionError, queryParseError} from './errors'
import {execute} from './executor'
import type {TextSearch} from './fts'
import {LruCache} from './lru'
import {materialise} from './document-cache'
import {asTree, forEachChild, isNode, SCAN_PARAM_PREFIX, type TreeNode} from './scan-plan'
import {analyzeScans, type ReadTracker, type ScanDependency} from './read-set'
import type {SanityDocument} from './types'
import {ViewIndex} from './view-index'

/** Longest query the engine parses; Sanity's own limit for POSTed queries is in this range. */
export const MAX_QUERY_LENGTH = 256 * 1024
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

export interface CompiledQuery {
  /** Never modified: the planner caches its plans by node. */
  tree: ExprNode
  /** Names of every `$param` the query references. */
  params: Set<string>
  /** What decides each scan's membership, from the parsed tree (for sync tags). */
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
    const missing = params && [...query.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]).find((name) => !Object.hasOwn(params, name))
    if (missing) throw missingParam(query, missing)
    throw queryParseError(query, error instanceof Error ? error.message : String(error), 0, query.length)
  }
  // groq-js decides at parse time whether `[$i]` is element access (number), attribute access
  // (string) or a filter; without the params it always builds a filter. Parse again with them.
  if (params === undefined && hasParamBracket(tree)) return PARAM_DEPENDENT
  const referenced = collectParams(tree)
  return {tree, params: referenced, dependencies: analyzeScans(tree)}
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
    // Own properties only: `$toString` or `$constructor` must not be found on Object.prototype.
    if (!Object.hasOwn(given, name) || given[name] === undefined) throw missingParam(query, name)
  }
}

export interface EvaluationContext {
  /** The documents the query sees (a perspective's view) and their indexes. */
  view: ViewIndex
  params: Record<string, unknown>
  identity?: string
  /** When given, the evaluator sees documents through it, so it learns what the query read. */
  tracker?: ReadTracker
  /** The full-text index (fts.ts), taken with the view: `match` candidates. */
  text?: TextSearch
}

export async function evaluateQuery(query: string, compiled: CompiledQuery, context: EvaluationContext): Promise<unknown> {
  try {
    const result = await execute(asTree(compiled.tree), {
      view: context.view,
      params: context.params,
      identity: context.identity,
      timestamp: new Date(),
      tracker: context.tracker,
      text: context.text,
    })
    // Results hand out plain documents, never the engine's handles (see document-cache.ts).
    return materialise(context.tracker ? context.tracker.unwrap(result) : result)
  } catch (error) {
    throw queryExecutionError(query, error instanceof Error ? error.message : String(error))
  }
}

/**
 * Whether some `[…]` holds an expression groq-js folds to a constant once params are known: the
 * same node types as its parser's canConstantEvaluate (values, params, unary +/-, arithmetic).
 */
function hasParamBracket(tree: ExprNode): boolean {
  let found = false
  const walk = (node: TreeNode) => {
    if (found) return
    if (node.type === 'Filter' && isNode(node.expr) && isConstantWithParams(node.expr) && containsParam(node.expr)) {
      found = true
      return
    }
    forEachChild(node, walk)
  }
  walk(tree as unknown as TreeNode)
  return found
}

function isConstantWithParams(node: TreeNode): boolean {
  switch (node.type) {
    case 'Value':
    case 'Parameter':
      return true
    case 'Group':
    case 'Pos':
    case 'Neg':
      return isNode(node.base) && isConstantWithParams(node.base)
    case 'OpCall':
      return ['+', '-', '*', '/', '%', '**'].includes(node.op as string) && isNode(node.left) && isNode(node.right) &&
        isConstantWithParams(node.left) && isConstantWithParams(node.right)
    default:
      return false
  }
}

function containsParam(node: TreeNode): boolean {
  if (node.type === 'Parameter') return true
  let found = false
  forEachChild(node, (child) => {
    found ||= containsParam(child)
  })
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
  const result = await evaluateQuery(query, compiled, {view: new ViewIndex([document]), params})
  return Array.isArray(result) ? result.length > 0 : Boolean(result)
}
