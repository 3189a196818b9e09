/**
 * GROQ through groq-js: parsing with an LRU cache of syntax trees, Sanity-shaped errors, parameter
 * checks, and the analysis that lets the engine hand groq-js only the documents of the types a
 * query can match.
 */
import {evaluate, GroqSyntaxError, parse, type ExprNode} from 'groq-js'
import {queryExecutionError, queryParseError} from './errors'
import {LruCache} from './lru'
import type {SanityDocument} from './types'

/** Longest query the engine parses; Sanity's own limit for POSTed queries is in this range. */
export const MAX_QUERY_LENGTH = 256 * 1024
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

export interface CompiledQuery {
  tree: ExprNode
  /** Names of every `$param` the query references. */
  params: Set<string>
  /**
   * When every `*` in the query is directly filtered by `_type == "…"` (or `_type in [...]`), the
   * union of those types: documents of other types can never reach the result. Null otherwise.
   */
  types: Set<string> | null
}

const cache = new LruCache<string, CompiledQuery>(1000)

export function compileQuery(query: string, params?: unknown): CompiledQuery {
  const cached = cache.get(query)
  if (cached) return cached
  if (typeof query !== 'string' || query.trim() === '') throw queryParseError(String(query ?? ''), 'Query is empty', 0, 0)
  if (query.length > MAX_QUERY_LENGTH) {
    throw queryParseError(query.slice(0, 200), `Query is longer than ${MAX_QUERY_LENGTH} characters`, 0, 0)
  }
  // Sanity allows parameters in slices (`[$start...$end]`); groq-js resolves them at parse time,
  // so such queries are compiled (and cached) per parameter set.
  if (params && typeof params === 'object' && /(\[|\.\.)\s*\$/.test(query)) {
    const key = `${query}\u0000${JSON.stringify(params)}`
    const withParams = cache.get(key)
    if (withParams) return withParams
    try {
      const tree = parse(query, {params: params as Record<string, unknown>})
      const compiled: CompiledQuery = {tree, params: collectParams(tree), types: typesFilteringEveryScan(tree)}
      cache.set(key, compiled)
      return compiled
    } catch {
      // Fall through: the parameter-free parse below reports the error in Sanity's shape.
    }
  }
  let tree: ExprNode
  try {
    tree = parse(query)
  } catch (error) {
    if (error instanceof GroqSyntaxError) {
      const start = Math.min(error.position, query.length)
      throw queryParseError(query, describeSyntaxError(error), start, tokenEnd(query, start))
    }
    throw queryParseError(query, error instanceof Error ? error.message : String(error), 0, query.length)
  }
  const compiled: CompiledQuery = {tree, params: collectParams(tree), types: typesFilteringEveryScan(tree)}
  cache.set(query, compiled)
  return compiled
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

/** Checks params are a plain object of JSON values with valid names that covers every `$param`. */
export function checkParams(query: string, compiled: CompiledQuery, params: unknown): Record<string, unknown> {
  if (params === undefined || params === null) params = {}
  if (typeof params !== 'object' || Array.isArray(params)) {
    throw queryParseError(query, 'Query params must be an object', 0, 0)
  }
  const given = params as Record<string, unknown>
  for (const name of Object.keys(given)) {
    if (!PARAM_NAME.test(name)) throw queryParseError(query, `Invalid param name "${name}"`, 0, 0)
  }
  for (const name of compiled.params) {
    if (!(name in given) || given[name] === undefined) {
      const start = Math.max(0, query.indexOf(`$${name}`))
      throw queryParseError(query, `param $${name} referenced, but not provided`, start, start + name.length + 1)
    }
  }
  return given
}

export interface EvaluationContext {
  documents: SanityDocument[]
  byId: (id: string) => SanityDocument | undefined
  params: Record<string, unknown>
  identity?: string
}

export async function evaluateQuery(query: string, compiled: CompiledQuery, context: EvaluationContext): Promise<unknown> {
  try {
    const value = await evaluate(compiled.tree, {
      dataset: context.documents,
      params: context.params,
      identity: context.identity,
      timestamp: new Date(),
      // groq-js would scan the whole dataset for every `->`; an id lookup keeps joins O(1).
      dereference: ({_ref}) => (typeof _ref === 'string' ? context.byId(_ref) : undefined) ?? null,
    })
    return await value.get()
  } catch (error) {
    throw queryExecutionError(query, error instanceof Error ? error.message : String(error))
  }
}

type Node = Record<string, unknown>

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string'
}

function forEachChild(node: Node, visit: (child: Node) => void): void {
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const item of value) {
        if (isNode(item)) visit(item)
        // Object literals hold their attributes as {type: 'ObjectAttributeValue', value} etc.: nodes too.
      }
    } else if (isNode(value)) visit(value)
  }
}

function collectParams(tree: ExprNode): Set<string> {
  const names = new Set<string>()
  const walk = (node: Node) => {
    if (node.type === 'Parameter' && typeof node.name === 'string') names.add(node.name)
    forEachChild(node, walk)
  }
  walk(tree as unknown as Node)
  return names
}

function typesFilteringEveryScan(tree: ExprNode): Set<string> | null {
  const types = new Set<string>()
  let unfilteredScan = false
  const walk = (node: Node) => {
    if (node.type === 'Everything') unfilteredScan = true
    if (node.type === 'Filter' && isNode(node.base) && node.base.type === 'Everything') {
      const filterTypes = typeConstraint(node.expr)
      if (filterTypes) {
        filterTypes.forEach((type) => types.add(type))
        walk(node.expr as Node)
        return
      }
    }
    forEachChild(node, walk)
  }
  walk(tree as unknown as Node)
  return unfilteredScan || types.size === 0 ? null : types
}

/** Types a filter expression requires: from `_type == "x"`, `_type in ["x","y"]`, or an `&&` holding one. */
function typeConstraint(expr: unknown): string[] | null {
  if (!isNode(expr)) return null
  if (expr.type === 'And') return typeConstraint(expr.left) ?? typeConstraint(expr.right)
  if (expr.type !== 'OpCall') return null
  const {op, left, right} = expr as {op: string; left: unknown; right: unknown}
  if (op === '==') {
    if (isTypeAttribute(left) && isStringValue(right)) return [right.value]
    if (isTypeAttribute(right) && isStringValue(left)) return [left.value]
  }
  if (op === 'in' && isTypeAttribute(left) && isNode(right) && right.type === 'Array') {
    const values: string[] = []
    for (const element of right.elements as unknown[]) {
      if (!isNode(element) || element.isSplat || !isStringValue(element.value)) return null
      values.push(element.value.value)
    }
    return values
  }
  return null
}

function isTypeAttribute(node: unknown): boolean {
  return (
    isNode(node) &&
    node.type === 'AccessAttribute' &&
    node.name === '_type' &&
    (node.base === undefined || (isNode(node.base) && node.base.type === 'This'))
  )
}

function isStringValue(node: unknown): node is {type: 'Value'; value: string} {
  return isNode(node) && node.type === 'Value' && typeof node.value === 'string'
}

/** Whether a listener's filter query matches one document. */
export async function matchesDocument(query: string, compiled: CompiledQuery, params: Record<string, unknown>, document: SanityDocument): Promise<boolean> {
  const result = await evaluateQuery(query, compiled, {
    documents: [document],
    byId: (id) => (id === document._id ? document : undefined),
    params,
  })
  return Array.isArray(result) ? result.length > 0 : Boolean(result)
}
