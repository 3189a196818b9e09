/**
 * Query planning: recognises the `*` pipelines the executor (executor.ts) answers from indexes,
 *   *[filter] (| score(…)) (| order(…)) ([a...b] | [i]), and count(…) of one,
 * and splits each filter's `&&` chain into terms decided in plain JS (types, comparisons with
 * a value that does not depend on the document, `defined`, `_id in path(…)`, `references(…)`),
 * following groq-js's own equality and comparison rules, and the rest, which groq-js evaluates.
 *
 * A filter keeps a document only when its whole `&&` chain is true, and `true && X` is X in
 * GROQ's three-valued logic, so deciding some terms in JS and the rest in groq-js keeps exactly
 * the documents groq-js would keep. Values a term compares with may use the enclosing scope
 * (`publishedAt < ^.publishedAt`): they are evaluated once per filter, in that scope.
 */
import {Path, type ExprNode} from 'groq-js'
import type {OrderKey} from './groq-order'

/** Hidden parameters the executor passes to groq-js (callers may not use this prefix). */
export const SCAN_PARAM_PREFIX = '__lake_scan_'

export type TreeNode = Record<string, unknown>
type Node = TreeNode

export function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string'
}

export function forEachChild(node: Node, visit: (child: Node) => void): void {
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const item of value) {
        if (isNode(item)) visit(item)
        // Object attributes and array elements wrap their expressions in non-node records.
        else if (typeof item === 'object' && item !== null) forEachChild(item as Node, visit)
      }
    } else if (isNode(value)) visit(value)
  }
}

/** A term decided in JS. Operands are nodes evaluated in the scope enclosing the filter. */
export type Term =
  | {kind: 'compare'; path: string[]; op: string; operand: Node}
  | {kind: 'defined'; path: string[]}
  | {kind: 'idPath'; test: (id: string) => boolean; pattern: string}
  | {kind: 'not'; inner: Term}
  | {kind: 'references'; operand: Node}
  /**
   * `operand in a.b[].c.d` (or `operand in a.b[]`, `operand in a.b`): true when the array at `path`
   * has an element whose value at `sub` (empty: the element) equals the operand, false when it has
   * none, null when `path` holds no array.
   */
  | {kind: 'contains'; path: string[]; sub: string[]; operand: Node}
  /** `a.b in operand` (an array of values: groq-js's `in`; anything else: null). */
  | {kind: 'in'; path: string[]; operand: Node}
  /** A term that does not depend on the document: keeps all or nothing. */
  | {kind: 'constant'; operand: Node}
  /** `text match operand`, decided by the view's full-text index of `text` (field-index.ts). */
  | {kind: 'match'; left: Node; operand: Node}
  /** `a || b` of two terms that are never null (e.g. `title match $t || name match $t`). */
  | {kind: 'or'; left: Term; right: Term}
  /** `constant || term`: `term` decides unless the constant is true. */
  | {kind: 'either'; constant: Node; term: Term}

/**
 * A filter term that can only be true when `text match operand` is, for one of `operands`, where
 * the text is made of the document's own strings: the full-text index (fts.ts) narrows by it.
 */
export interface MatchHint {
  operands: Node[]
}

export interface FilterPlan {
  /** Only documents of these types can pass (null: any). */
  types: Set<string> | null
  terms: Term[]
  /** Filter terms left to groq-js (null: none). */
  remaining: Node | null
  matches: MatchHint[]
}

export interface Pipeline {
  /** null: `*` unfiltered. */
  filter: FilterPlan | null
  score: Node[] | null
  order: Node[] | null
  /** The score() arguments as indexed matches, when every one is `text match operand`. */
  scoreTerms: {left: Node; operand: Node}[] | null
  /** The order as attribute paths, when every `order()` argument is one. */
  orderKeys: OrderKey[] | null
  slice: {left: number; right: number; isInclusive: boolean} | null
  element: number | null
  count: boolean
  /**
   * `*[…]{…} | order(…)`: the projection (the Map's body) applied to each result after order and
   * slice. Only recognised when every order key reads, through the projection, a plain path of
   * the document (`"orderings": [_id]` … `order(orderings[0])`), so ordering the documents orders
   * the projected rows the same way and only the rows returned need projecting.
   */
  projection: Node | null
}

const plans = new WeakMap<object, Pipeline | null>()

/** The pipeline `node` is, or null when it is some other expression. Cached per tree node. */
export function pipelineOf(node: Node): Pipeline | null {
  let plan = plans.get(node)
  if (plan === undefined) {
    plan = recognise(node)
    plans.set(node, plan)
  }
  return plan
}

function recognise(node: Node): Pipeline | null {
  if (node.type === 'FuncCall' && node.namespace === 'global' && node.name === 'count' && Array.isArray(node.args) && node.args.length === 1) {
    const inner = isNode(node.args[0]) ? pipelineOf(node.args[0]) : null
    // count() of one element is count() of a document: groq-js's null, left to it.
    return inner && !inner.count && inner.element === null ? {...inner, count: true} : null
  }
  if (node.type === 'AccessElement' && typeof node.index === 'number' && isNode(node.base)) {
    const inner = pipelineOf(node.base)
    return inner && !inner.count && inner.slice === null && inner.element === null ? {...inner, element: node.index} : null
  }
  if (node.type === 'Slice' && isNode(node.base) && typeof node.left === 'number' && typeof node.right === 'number') {
    const inner = pipelineOf(node.base)
    if (!inner || inner.count || inner.slice !== null || inner.element !== null) return null
    return {...inner, slice: {left: node.left, right: node.right, isInclusive: node.isInclusive === true}}
  }
  if (node.type === 'PipeFuncCall' && node.name === 'order' && isNode(node.base) && node.base.type === 'Map' && Array.isArray(node.args)) {
    return projectedOrder(node.base, node.args as Node[])
  }
  if (node.type === 'PipeFuncCall' && isNode(node.base) && Array.isArray(node.args)) {
    const inner = pipelineOf(node.base)
    if (!inner || inner.count || inner.slice !== null || inner.element !== null || inner.order !== null || inner.projection !== null) return null
    const args = node.args as Node[]
    if (node.name === 'order' && args.length > 0) return {...inner, order: args, orderKeys: orderKeysOf(args)}
    if (node.name === 'score' && inner.score === null) {
      const terms = args.map(indexedMatch)
      return {...inner, score: args, scoreTerms: terms.every((term) => term !== null) ? (terms as {left: Node; operand: Node}[]) : null}
    }
    return null
  }
  if (node.type === 'Filter' && isNode(node.base)) {
    const inner = pipelineOf(node.base)
    if (!inner || inner.count || inner.slice !== null || inner.element !== null || inner.order !== null || inner.score !== null) return null
    // *[a][b] keeps what *[a && b] keeps.
    const expr = inner.filter ? {type: 'And', left: rebuild(inner.filter), right: node.expr} : node.expr
    return {...inner, filter: planFilter(expr)}
  }
  if (node.type === 'Everything') return {filter: null, score: null, scoreTerms: null, order: null, orderKeys: null, slice: null, element: null, count: false, projection: null}
  return null
}

/**
 * `*[…]{…} | order(k…)`, groq-js's Map of a projection over a filtered `*`, ordered by keys that
 * are, in the projected object, plain paths of the document: `attr` or `attr[i]` where the
 * projection sets `attr` to a document path or to an array literal whose element `i` is one, and
 * nothing after that attribute (a later attribute or splat) can set `attr` again. Then each
 * projected row's key equals its document's value at that path, and groq-js's stable order of the
 * rows is the stable order of the documents.
 */
function projectedOrder(map: Node, args: Node[]): Pipeline | null {
  const inner = isNode(map.base) ? pipelineOf(map.base) : null
  if (!inner || inner.count || inner.slice !== null || inner.element !== null || inner.order !== null || inner.score !== null || inner.projection !== null) return null
  const body = map.expr
  if (!isNode(body) || body.type !== 'Projection' || !isNode(body.base) || body.base.type !== 'This' || !isNode(body.expr) || body.expr.type !== 'Object') return null
  const attributes = body.expr.attributes as Node[]
  const keys: OrderKey[] = []
  for (const arg of args) {
    const desc = arg.type === 'Desc'
    const expr = arg.type === 'Desc' || arg.type === 'Asc' ? arg.base : arg
    const path = projectedPath(attributes, expr)
    if (!path) return null
    keys.push({path, desc})
  }
  return {...inner, order: args, orderKeys: keys, projection: body}
}

/** The document path `expr` reads in an object made of `attributes` (see projectedOrder), or null. */
function projectedPath(attributes: Node[], expr: unknown): string[] | null {
  if (!isNode(expr)) return null
  let name: string
  let index: number | null = null
  if (expr.type === 'AccessAttribute' && expr.base === undefined && typeof expr.name === 'string') name = expr.name
  else if (expr.type === 'AccessElement' && typeof expr.index === 'number' && expr.index >= 0 && isNode(expr.base) && expr.base.type === 'AccessAttribute' && expr.base.base === undefined) {
    name = expr.base.name as string
    index = expr.index
  } else return null
  let value: Node | null = null
  for (const attribute of attributes) {
    if (attribute.type === 'ObjectAttributeValue') {
      if (attribute.name === name) value = attribute.value as Node
    } else if (value !== null) {
      // A splat after the attribute may set it again, unless it is a literal object (or a
      // select() of them) without that key.
      if (!splatLacks(attribute.value, name)) return null
    }
  }
  if (!value) return null
  if (index === null) return attributePath(value)
  if (value.type !== 'Array') return null
  const elements = value.elements as {isSplat?: boolean; value?: unknown}[]
  if (index >= elements.length || elements.slice(0, index + 1).some((element) => element.isSplat)) return null
  return attributePath(elements[index].value)
}

/** Whether a splatted value can never hold key `name`: an object literal without it, or a select() of such (or null). */
function splatLacks(value: unknown, name: string): boolean {
  if (!isNode(value)) return false
  if (value.type === 'Object') {
    return (value.attributes as Node[]).every((attribute) => attribute.type === 'ObjectAttributeValue' ? attribute.name !== name : splatLacks(attribute.value, name))
  }
  if (value.type === 'Select') {
    const alternatives = value.alternatives as Node[]
    return alternatives.every((alternative) => splatLacks(alternative.value, name)) && (value.fallback === undefined || splatLacks(value.fallback, name))
  }
  if (value.type === 'Value') return value.value === null
  return false
}

/** The filter expression a plan came from (for merging `*[a][b]`). */
function rebuild(plan: FilterPlan): unknown {
  return (plan as FilterPlan & {source: unknown}).source
}

function orderKeysOf(args: Node[]): OrderKey[] | null {
  const keys: OrderKey[] = []
  for (const arg of args) {
    const desc = arg.type === 'Desc'
    const expr = arg.type === 'Desc' || arg.type === 'Asc' ? arg.base : arg
    const path = attributePath(expr)
    if (!path) return null
    keys.push({path, desc})
  }
  return keys
}

export function planFilter(expr: unknown): FilterPlan {
  let types: Set<string> | null = null
  const terms: Term[] = []
  const remaining: unknown[] = []
  const matches: MatchHint[] = []
  for (const term of conjuncts(expr)) {
    const termTypes = typeTerm(term)
    if (termTypes) {
      types = types === null ? termTypes : intersect(types, termTypes)
      continue
    }
    // The full-text index can narrow the candidates of a top-level match (or `||` of matches).
    const operands = matchOperands(term)
    if (operands) matches.push({operands})
    const planned = plannedTerm(term)
    if (planned) {
      terms.push(planned.term)
      continue
    }
    remaining.push(term)
  }
  const plan: FilterPlan = {
    types,
    terms,
    remaining: remaining.length === 0 ? null : (remaining.slice(1).reduce<unknown>((left, right) => ({type: 'And', left, right}), remaining[0]) as Node),
    matches,
  }
  Object.defineProperty(plan, 'source', {value: expr})
  return plan
}

function intersect(a: Set<string>, b: Set<string>): Set<string> {
  const both = new Set<string>()
  for (const type of a) if (b.has(type)) both.add(type)
  return both
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
      if (!isNode(element as Node) && (typeof element !== 'object' || element === null)) return null
      const {isSplat, value} = element as {isSplat?: boolean; value?: unknown}
      if (isSplat || !isStringValue(value)) return null
      values.add(value.value)
    }
    return values
  }
  return null
}

/** A term, and whether it is never null (only those may be negated in JS). */
function plannedTerm(term: unknown): {term: Term; twoValued: boolean} | null {
  if (!isNode(term)) return null
  if (term.type === 'Group') return plannedTerm(term.base)
  if (term.type === 'Not') {
    // !X is null when X is null: only negate terms that are always true or false.
    const inner = plannedTerm(term.base)
    if (!inner || !inner.twoValued) return null
    return {term: {kind: 'not', inner: inner.term}, twoValued: true}
  }
  const outer = outerOperand(term)
  if (outer) return {term: {kind: 'constant', operand: outer}, twoValued: false}
  if (term.type === 'Or') {
    for (const [a, b] of [[term.left, term.right], [term.right, term.left]]) {
      const constant = outerOperand(a)
      const other = constant ? plannedTerm(b) : null
      if (constant && other) return {term: {kind: 'either', constant, term: other.term}, twoValued: false}
    }
    // With both sides true or false, GROQ's || is JavaScript's.
    const left = plannedTerm(term.left)
    const right = left?.twoValued ? plannedTerm(term.right) : null
    if (left && right?.twoValued) return {term: {kind: 'or', left: left.term, right: right.term}, twoValued: true}
    return null
  }
  // groq-js's match is always true or false.
  const match = indexedMatch(term)
  if (match) return {term: {kind: 'match', ...match}, twoValued: true}
  // _id in path("…"): _id is always a string, so this is always true or false.
  const matcher = idPathMatcher(term)
  if (matcher) return {term: {kind: 'idPath', ...matcher}, twoValued: true}
  if (term.type === 'FuncCall' && term.namespace === 'global' && Array.isArray(term.args)) {
    if (term.name === 'defined' && term.args.length === 1) {
      const path = attributePath(term.args[0])
      if (path) return {term: {kind: 'defined', path}, twoValued: true}
    }
    if (term.name === 'references' && term.args.length === 1) {
      const operand = outerOperand(term.args[0])
      if (operand) return {term: {kind: 'references', operand}, twoValued: true}
    }
    return null
  }
  if (term.type === 'OpCall' && term.op === 'in') {
    const contains = containsTerm(term.left, term.right)
    if (contains) return {term: contains, twoValued: false}
    // `_type in $types` (the Studio's search): null unless the operand is an array, so one-sided.
    const path = attributePath(term.left)
    const operand = path ? outerOperand(term.right) : null
    return path && operand ? {term: {kind: 'in', path, operand}, twoValued: false} : null
  }
  if (term.type === 'OpCall' && typeof term.op === 'string') return comparisonTerm(term.op, term.left, term.right)
  return null
}

/**
 * `operand in path[].sub`, `operand in path[]` or `operand in path`, the operand not depending on
 * the document. Operands with function calls are left to groq-js: a datetime (now(), dateTime())
 * equals no string in an array, which a plain JS value cannot tell apart.
 */
function containsTerm(left: unknown, right: unknown): Term | null {
  const operand = outerOperand(left)
  if (!operand || containsFuncCall(operand) || !isNode(right)) return null
  let path: string[] | null = null
  let sub: string[] | null = []
  if (right.type === 'Map' && isNode(right.base) && right.base.type === 'ArrayCoerce') {
    path = attributePath(right.base.base)
    sub = attributePath(right.expr)
  } else if (right.type === 'ArrayCoerce') {
    path = attributePath(right.base)
  } else {
    path = attributePath(right)
  }
  if (!path || !sub) return null
  return {kind: 'contains', path, sub, operand}
}

function containsFuncCall(node: Node): boolean {
  if (node.type === 'FuncCall') return true
  let found = false
  forEachChild(node, (child) => {
    found ||= containsFuncCall(child)
  })
  return found
}

function idPathMatcher(term: Node): {test: (id: string) => boolean; pattern: string} | null {
  if (term.type !== 'OpCall' || term.op !== 'in' || !isAttributePath(term.left, ['_id'])) return null
  const call = term.right
  if (!isNode(call) || call.type !== 'FuncCall' || call.name !== 'path' || call.namespace !== 'global') return null
  const args = call.args as unknown[]
  if (args.length !== 1 || !isStringValue(args[0])) return null
  const path = new Path(args[0].value)
  return {test: (id) => path.matches(id), pattern: args[0].value}
}

const MIRRORED: Record<string, string> = {'==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<='}

/** `a.b OP operand` or `operand OP a.b`, where operand does not depend on the document. */
function comparisonTerm(op: string, left: unknown, right: unknown): {term: Term; twoValued: boolean} | null {
  if (!(op in MIRRORED)) return null
  let path = attributePath(left)
  let operand = path ? outerOperand(right) : null
  if (!path || !operand) {
    path = attributePath(right)
    operand = path ? outerOperand(left) : null
    op = MIRRORED[op]
  }
  if (!path || !operand) return null
  return {term: {kind: 'compare', path, op, operand}, twoValued: op === '==' || op === '!='}
}

/** `left match operand` where the left side's text is made of attribute paths and pt::text() of them. */
function indexedMatch(term: unknown): {left: Node; operand: Node} | null {
  if (!isNode(term) || term.type !== 'OpCall' || term.op !== 'match' || !isIndexedText(term.left)) return null
  const operand = outerOperand(term.right)
  return operand ? {left: term.left as Node, operand} : null
}

/**
 * The patterns of `text match operand`, or of an `||` of such terms (each side's), when each text
 * is made of the filtered document's own strings; null for any other term.
 */
export function matchOperands(term: unknown): Node[] | null {
  if (!isNode(term)) return null
  if (term.type === 'Group') return matchOperands(term.base)
  if (term.type === 'Or') {
    const left = matchOperands(term.left)
    const right = left ? matchOperands(term.right) : null
    return left && right ? [...left, ...right] : null
  }
  if (term.type !== 'OpCall' || term.op !== 'match' || !isDocumentText(term.left)) return null
  const operand = outerOperand(term.right)
  return operand ? [operand] : null
}

/**
 * Whether every string `node` yields is a string of the current document (or a Portable Text
 * block text of it): paths into it, `[]`, element access, slices, filters and maps over its
 * arrays, arrays of those, `pt::text()` of those. No dereferences, parameters, literals or `^`.
 */
function isDocumentText(node: unknown): boolean {
  if (!isNode(node)) return false
  switch (node.type) {
    case 'This':
      return true
    case 'AccessAttribute':
      return node.base === undefined || isDocumentText(node.base)
    case 'AccessElement':
    case 'ArrayCoerce':
    case 'Slice':
    case 'Group':
    case 'Filter':
      return isDocumentText(node.base)
    case 'Map':
    case 'FlatMap':
      return isDocumentText(node.base) && isDocumentText(node.expr)
    case 'Array':
      return (node.elements as {isSplat?: boolean; value?: unknown}[]).every((element) => isDocumentText(element.value))
    case 'FuncCall':
      return node.namespace === 'pt' && node.name === 'text' && Array.isArray(node.args) && node.args.length === 1 && isDocumentText(node.args[0])
    default:
      return false
  }
}

/** Whether `left match …` has a text a full-text index can hold (field-index.ts). */
export function isIndexedText(node: unknown): boolean {
  if (attributePath(node)) return true
  if (!isNode(node)) return false
  if (node.type === 'ArrayCoerce') return attributePath(node.base) !== null
  if (node.type === 'FuncCall' && node.namespace === 'pt' && node.name === 'text' && Array.isArray(node.args) && node.args.length === 1) {
    return attributePath(node.args[0]) !== null
  }
  if (node.type === 'Array' && Array.isArray(node.elements)) {
    return (node.elements as {isSplat?: boolean; value?: unknown}[]).every((element) => !element.isSplat && isIndexedText(element.value))
  }
  return false
}

/** Functions whose value depends only on their arguments (so on no document when they do not). */
const PURE_FUNCTIONS = new Set(['global.now', 'global.lower', 'global.upper', 'global.string', 'global.coalesce', 'global.defined', 'global.length', 'global.round', 'global.dateTime', 'global.identity'])

/**
 * `node` as an expression to evaluate in the scope enclosing the filter, when it does not depend
 * on the filtered document: literals, params, pure functions of those, and `^…` (rewritten one
 * level down: `^.x` inside the filter is `@.x` outside it). Null when it does depend on it.
 */
export function outerOperand(node: unknown): Node | null {
  if (!isNode(node)) return null
  switch (node.type) {
    case 'Value':
      return node
    case 'Parameter':
      return typeof node.name === 'string' && !node.name.startsWith(SCAN_PARAM_PREFIX) ? node : null
    case 'Parent':
      return typeof node.n === 'number' && node.n >= 1 ? (node.n === 1 ? {type: 'This'} : {type: 'Parent', n: node.n - 1}) : null
    case 'AccessAttribute': {
      if (node.base === undefined) return null
      const base = outerOperand(node.base)
      return base ? {...node, base} : null
    }
    case 'AccessElement':
    case 'Group':
    case 'Neg':
    case 'Pos':
    case 'Not': {
      const base = outerOperand(node.base)
      return base ? {...node, base} : null
    }
    case 'OpCall':
    case 'And':
    case 'Or': {
      const left = outerOperand(node.left)
      const right = left ? outerOperand(node.right) : null
      return left && right ? {...node, left, right} : null
    }
    case 'FuncCall': {
      if (!PURE_FUNCTIONS.has(`${node.namespace}.${node.name}`) || !Array.isArray(node.args)) return null
      const args = (node.args as unknown[]).map(outerOperand)
      return args.every((arg) => arg !== null) ? {...node, args} : null
    }
    case 'Array': {
      const elements = (node.elements as {isSplat?: boolean; value?: unknown}[]).map((element) => {
        const value = outerOperand(element.value)
        return value ? {...element, value} : null
      })
      return elements.every((element) => element !== null) ? {...node, elements} : null
    }
    default:
      return null
  }
}

/** `a.b.c` (attribute access on the current document) → ['a', 'b', 'c']. */
export function attributePath(node: unknown): string[] | null {
  if (!isNode(node) || node.type !== 'AccessAttribute' || typeof node.name !== 'string') return null
  if (node.base === undefined || (isNode(node.base) && node.base.type === 'This')) return [node.name]
  const parent = attributePath(node.base)
  return parent ? [...parent, node.name] : null
}

function isAttributePath(node: unknown, expected: string[]): boolean {
  const path = attributePath(node)
  return path !== null && path.length === expected.length && path.every((part, i) => part === expected[i])
}

function isStringValue(node: unknown): node is {type: 'Value'; value: string} {
  return isNode(node) && node.type === 'Value' && typeof node.value === 'string'
}

/** The tree parsed by groq-js, typed loosely for the planner's walks. */
export function asTree(tree: ExprNode): TreeNode {
  return tree as unknown as TreeNode
}
