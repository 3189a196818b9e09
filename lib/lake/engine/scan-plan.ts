/**
 * Query planning for `*[filter]` scans. groq-js evaluates every filter term for every document
 * (its `&&` does not short-circuit) through an async interpreter, which is slow on 10,000 posts.
 * So before evaluation each `*[…]` whose filter is an `&&` chain is rewritten:
 * - terms that are simple and exactly decidable in plain JS (`_type == "x"`, `_type in [...]`,
 *   `_id in path("…")`, `defined(a.b)`, `a.b == $x` / `!=` against a literal or param, `a.b <= now()`
 *   and other comparisons against a literal, param or `now()`, and `!` of the two-valued ones)
 *   are taken out of the tree and become predicates, following groq-js's own equality and
 *   comparison rules (same types only; anything else is null, which a filter drops);
 * - the `*` becomes a hidden parameter that the engine fills with the view's documents of those
 *   types that pass the predicates (the per-type lists are cached by the document cache).
 * A filter keeps a document only when its whole `&&` chain is true, and `true && X` is X in GROQ's
 * three-valued logic, so removing terms that are true for every document left in the scan
 * changes no result. groq-js evaluates a parameter holding an array exactly like `*` over it.
 */
import {Path, type ExprNode} from 'groq-js'
import type {SanityDocument} from './types'

export const SCAN_PARAM_PREFIX = '__lake_scan_'

/** What a predicate may depend on besides the document: the query's params and its now(). */
export interface ScanEnvironment {
  params: Record<string, unknown>
  /** `now()` as groq-js computes it for this evaluation (timestamp.toISOString()). */
  now: string
}

export type Predicate = (doc: SanityDocument, env: ScanEnvironment) => boolean

export interface Scan {
  /** Only documents of these types can pass the filter (null: any type). */
  types: Set<string> | null
  /** Further terms of the filter, decided in JS: a document stays when all are true. */
  predicates: Predicate[]
}

/** A predicate, and whether its GROQ term is never null (only those may be negated). */
interface PlannedTerm {
  test: Predicate
  twoValued: boolean
}

export type TreeNode = Record<string, unknown>
type Node = TreeNode

export function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string'
}

export function forEachChild(node: Node, visit: (child: Node) => void): void {
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) visit(item)
    } else if (isNode(value)) visit(value)
  }
}

/** Rewrites `tree` in place (it is fresh from the parser) and returns its scans by param name. */
export function planScans(tree: ExprNode): Map<string, Scan> {
  const scans = new Map<string, Scan>()
  const walk = (node: Node) => {
    if (node.type === 'Filter' && isNode(node.base) && node.base.type === 'Everything') {
      const planned = planFilter(node)
      if (planned) {
        const name = `${SCAN_PARAM_PREFIX}${scans.size}`
        scans.set(name, planned.scan)
        if (planned.remaining === null) {
          // Nothing left to evaluate per document: the filter is just the (pre-filtered) array.
          for (const key of Object.keys(node)) delete node[key]
          Object.assign(node, {type: 'Parameter', name})
          return
        }
        node.base = {type: 'Parameter', name}
        node.expr = planned.remaining
      }
    }
    forEachChild(node, walk)
  }
  walk(tree as unknown as Node)
  return scans
}

/** The scan for a `*[…]` filter, and the filter terms left for groq-js (null: none). */
function planFilter(filter: Node): {scan: Scan; remaining: unknown} | null {
  const terms = conjuncts(filter.expr)
  let types: Set<string> | null = null
  const predicates: Scan['predicates'] = []
  const remaining: unknown[] = []
  for (const term of terms) {
    const termTypes = typeTerm(term)
    if (termTypes) {
      types = intersect(types, termTypes)
      continue
    }
    const predicate = predicateTerm(term)
    if (predicate) predicates.push(predicate)
    else remaining.push(term)
  }
  if (!types && predicates.length === 0) return null
  return {
    scan: {types, predicates},
    remaining: remaining.length === 0 ? null : remaining.slice(1).reduce<unknown>((left, right) => ({type: 'And', left, right}), remaining[0]),
  }
}

function intersect(current: Set<string> | null, next: Set<string>): Set<string> {
  return current ? new Set([...current].filter((type) => next.has(type))) : next
}

function conjuncts(expr: unknown): unknown[] {
  if (isNode(expr) && expr.type === 'And') return [...conjuncts(expr.left), ...conjuncts(expr.right)]
  if (isNode(expr) && expr.type === 'Group') return conjuncts(expr.base)
  return [expr]
}

/** `_type == "x"`, `"x" == _type`, `_type in ["x", "y"]` → the allowed types. */
function typeTerm(term: unknown): Set<string> | null {
  if (!isNode(term) || term.type !== 'OpCall') return null
  const {op, left, right} = term as {op: string; left: unknown; right: unknown}
  if (op === '==') {
    if (isAttributePath(left, ['_type']) && isStringValue(right)) return new Set([right.value])
    if (isAttributePath(right, ['_type']) && isStringValue(left)) return new Set([left.value])
  }
  if (op === 'in' && isAttributePath(left, ['_type']) && isNode(right) && right.type === 'Array') {
    const values = new Set<string>()
    for (const element of right.elements as unknown[]) {
      if (!isNode(element) || element.isSplat || !isStringValue(element.value)) return null
      values.add(element.value.value)
    }
    return values
  }
  return null
}

function predicateTerm(term: unknown): Predicate | null {
  return plannedTerm(term)?.test ?? null
}

function plannedTerm(term: unknown): PlannedTerm | null {
  if (!isNode(term)) return null
  if (term.type === 'Group') return plannedTerm(term.base)
  if (term.type === 'Not') {
    // !X is null when X is null: only negate terms that are always true or false.
    const inner = plannedTerm(term.base)
    if (!inner || !inner.twoValued) return null
    return {test: (doc, env) => !inner.test(doc, env), twoValued: true}
  }
  // _id in path("…"): _id is always a string, so this is always true or false.
  const matcher = idPathMatcher(term)
  if (matcher) return {test: (doc) => matcher(doc._id), twoValued: true}
  // defined(a.b.c)
  if (term.type === 'FuncCall' && term.name === 'defined' && term.namespace === 'global' && Array.isArray(term.args) && term.args.length === 1) {
    const path = attributePath(term.args[0])
    if (path) return {test: (doc) => valueAt(doc, path) !== null, twoValued: true}
  }
  if (term.type === 'OpCall' && typeof term.op === 'string') return comparisonTerm(term.op, term.left, term.right)
  return null
}

function idPathMatcher(term: unknown): ((id: string) => boolean) | null {
  if (!isNode(term) || term.type !== 'OpCall' || term.op !== 'in' || !isAttributePath(term.left, ['_id'])) return null
  const call = term.right
  if (!isNode(call) || call.type !== 'FuncCall' || call.name !== 'path' || call.namespace !== 'global') return null
  const args = call.args as unknown[]
  if (args.length !== 1 || !isStringValue(args[0])) return null
  const path = new Path(args[0].value)
  return (id) => path.matches(id)
}

const MIRRORED: Record<string, string> = {'==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<='}

/** `a.b OP operand` or `operand OP a.b`, where operand is a literal, a param or now(). */
function comparisonTerm(op: string, left: unknown, right: unknown): PlannedTerm | null {
  if (!(op in MIRRORED)) return null
  let path = attributePath(left)
  let operand = constantOperand(right)
  if (!path || !operand) {
    path = attributePath(right)
    operand = constantOperand(left)
    op = MIRRORED[op]
  }
  if (!path || !operand) return null
  const attribute = path
  const constant = operand
  if (op === '==') return {test: (doc, env) => groqEqual(valueAt(doc, attribute), constant(env)), twoValued: true}
  if (op === '!=') return {test: (doc, env) => !groqEqual(valueAt(doc, attribute), constant(env)), twoValued: true}
  return {
    test: (doc, env) => {
      const order = groqCompare(valueAt(doc, attribute), constant(env))
      if (order === null) return false
      return op === '<' ? order < 0 : op === '<=' ? order <= 0 : op === '>' ? order > 0 : order >= 0
    },
    twoValued: false,
  }
}

/** A side of a comparison whose value does not depend on the document. */
function constantOperand(node: unknown): ((env: ScanEnvironment) => unknown) | null {
  if (!isNode(node)) return null
  if (node.type === 'Value') {
    const value = node.value
    return isScalar(value) || value === null ? () => value : null
  }
  if (node.type === 'Parameter' && typeof node.name === 'string' && !node.name.startsWith(SCAN_PARAM_PREFIX)) {
    const name = node.name
    return (env) => env.params[name]
  }
  if (node.type === 'FuncCall' && node.name === 'now' && node.namespace === 'global' && Array.isArray(node.args) && node.args.length === 0) {
    return (env) => env.now
  }
  return null
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
}

/** groq-js `==`: equal scalars of the same type, or both null; objects and arrays never equal. */
function groqEqual(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined) return b === null || b === undefined
  return isScalar(a) && a === b
}

/** groq-js ordering: numbers, strings and booleans against the same type; otherwise null. */
function groqCompare(a: unknown, b: unknown): number | null {
  if (!isScalar(a) || typeof a !== typeof b) return null
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0
  return Number(a) - Number(b)
}

/** `a.b.c` (attribute access on the current document) → ['a', 'b', 'c']. */
function attributePath(node: unknown): string[] | null {
  if (!isNode(node) || node.type !== 'AccessAttribute' || typeof node.name !== 'string') return null
  if (node.base === undefined || (isNode(node.base) && node.base.type === 'This')) return [node.name]
  const parent = attributePath(node.base)
  return parent ? [...parent, node.name] : null
}

function isAttributePath(node: unknown, expected: string[]): boolean {
  const path = attributePath(node)
  return path !== null && path.length === expected.length && path.every((part, i) => part === expected[i])
}

/** GROQ attribute access: only plain objects have attributes; anything else gives null. */
function valueAt(doc: unknown, path: string[]): unknown {
  let value: unknown = doc
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
    value = Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : null
    if (value === undefined) return null
  }
  return value
}

function isStringValue(node: unknown): node is {type: 'Value'; value: string} {
  return isNode(node) && node.type === 'Value' && typeof node.value === 'string'
}

/** The documents a scan covers, out of the view's documents (and its per-type lists). */
export function scanDocuments(
  scan: Scan,
  all: SanityDocument[],
  ofTypes: (types: Set<string>) => SanityDocument[],
  env: ScanEnvironment,
): SanityDocument[] {
  const base = scan.types ? ofTypes(scan.types) : all
  if (scan.predicates.length === 0) return base
  return base.filter((doc) => scan.predicates.every((predicate) => predicate(doc, env)))
}
