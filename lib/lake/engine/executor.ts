/**
 * Evaluates a GROQ tree, answering the `*` pipelines scan-plan.ts recognises from the view's
 * indexes (view-index.ts) and handing everything else to groq-js, so results are always
 * groq-js's:
 * - a pipeline's candidates come from the most selective index among its terms (`_type`,
 *   equality on any attribute path, `references()`, the words of a `match`), each candidate is
 *   checked against every JS-decided term, and groq-js decides the remaining terms in batches;
 * - `order(a.b desc, …)[x...y]` walks the index sorted by those paths from where a range on the
 *   first path starts (`publishedAt < ^.publishedAt`) and stops after y documents (top-k);
 * - `count(…)` counts without building the array; projections of the results run in their own
 *   scope so the pipelines inside them (`"previous": *[… ^.publishedAt …][0]`) are planned too.
 * What groq-js evaluates keeps the enclosing scopes (`^`) by wrapping it in projections of them,
 * and gets the pipelines inside it pre-computed as hidden parameters.
 */
import {evaluate, Path} from 'groq-js'
import {compareOrderKeys, groqCompare, groqEqual, groqKeyOf, isScalar, valueAt, type OrderKey} from './groq-order'
import {forEachChild, isNode, pipelineOf, SCAN_PARAM_PREFIX, type FilterPlan, type Pipeline, type Term, type TreeNode} from './scan-plan'
import {FieldIndex, fieldIndexLimits, type BulkSource, type CompiledPattern} from './field-index'
import {persistedFields, type TextSearch} from './fts'
import {publishedIdOf} from './ids'
import type {SanityDocument} from './types'
import {compareEntries, lowerBound, reordered, SortedEntry, type SortedIndex, type ViewIndex} from './view-index'
import {compareIds} from './perspective'
import type {ReadTracker} from './read-set'
import {documentOf, indexValue, isHandle} from './document-cache'
import {portableText} from './text-index'

export interface ExecutionContext {
  view: ViewIndex
  params: Record<string, unknown>
  identity?: string
  timestamp: Date
  /** With sync tags: the documents a pipeline yields are seen through it, so it learns what was read. */
  tracker?: ReadTracker
  /** The full-text index, taken with the view: narrows `match` filters to candidates (fts.ts). */
  text?: TextSearch
}

/**
 * A scope as groq-js builds them: `^` follows `parent`. Map bodies get hidden scopes, and a scope
 * opened inside a hidden one takes the hidden one's parent (so `^` skips the map item).
 */
interface Scope {
  value: unknown
  parent: Scope | null
  hidden: boolean
}

const ROOT: Scope = {value: null, parent: null, hidden: false}

function nested(scope: Scope, value: unknown): Scope {
  return {value, parent: scope.hidden ? scope.parent : scope, hidden: false}
}

function hiddenIn(scope: Scope, value: unknown): Scope {
  return {...nested(scope, value), hidden: true}
}

export function execute(tree: TreeNode, context: ExecutionContext): Promise<unknown> {
  return run(tree, ROOT, context)
}

/**
 * Evaluates `node` natively where that is exactly groq-js's behaviour (attribute access,
 * projections, maps, dereferences, boolean logic, `==` of scalars…), through the planner for
 * pipelines, and through groq-js for the rest.
 */
async function run(node: TreeNode, scope: Scope, context: ExecutionContext): Promise<unknown> {
  if (syncable(node)) {
    const value = runSync(node, scope, context)
    if (value !== NOT_SYNC) return value
  }
  // Value, Parameter, This and Parent are always syncable: runSync has answered them above.
  switch (node.type) {
    case 'Group':
      return run(node.base as TreeNode, scope, context)
    case 'AccessAttribute':
      if (node.base === undefined) return valueAt(scope.value, [node.name as string])
      return valueAt(await run(node.base as TreeNode, scope, context), [node.name as string])
    case 'Projection': {
      const base = await run(node.base as TreeNode, scope, context)
      if (!isPlainObject(base)) return null
      return run(node.expr as TreeNode, nested(scope, base), context)
    }
    case 'Map':
    case 'FlatMap': {
      const base = await run(node.base as TreeNode, scope, context)
      if (!Array.isArray(base)) return null
      const out: unknown[] = []
      for (const item of base) {
        const inner = await run(node.expr as TreeNode, hiddenIn(scope, item), context)
        if (node.type === 'FlatMap' && Array.isArray(inner)) out.push(...inner)
        else out.push(inner)
      }
      return out
    }
    case 'ArrayCoerce': {
      const base = await run(node.base as TreeNode, scope, context)
      return Array.isArray(base) ? base : null
    }
    case 'Deref': {
      const base = await run(node.base as TreeNode, scope, context)
      const ref = isPlainObject(base) ? base._ref : undefined
      if (typeof ref !== 'string') return null
      const doc = context.view.byId.get(ref)
      return (context.tracker ? context.tracker.dereferenced(ref, doc) : doc) ?? null
    }
    case 'Object':
      return runObject(node, scope, context)
    case 'Array': {
      // groq-js: elements in order; a splat spreads an array and drops anything else.
      const out: unknown[] = []
      for (const element of node.elements as {value: TreeNode; isSplat?: boolean}[]) {
        const value = await run(element.value, scope, context)
        if (!element.isSplat) out.push(value)
        else if (Array.isArray(value)) out.push(...(value as unknown[]))
      }
      return out
    }
    case 'Select': {
      // groq-js: the first alternative whose condition is true, else the fallback, else null.
      for (const alternative of node.alternatives as {condition: TreeNode; value: TreeNode}[]) {
        if ((await run(alternative.condition, scope, context)) === true) return run(alternative.value, scope, context)
      }
      return node.fallback ? run(node.fallback as TreeNode, scope, context) : null
    }
    case 'And':
    case 'Or': {
      const left = await run(node.left as TreeNode, scope, context)
      const right = await run(node.right as TreeNode, scope, context)
      const decisive = node.type === 'And' ? false : true
      if (left === decisive || right === decisive) return decisive
      return typeof left === 'boolean' && typeof right === 'boolean' ? !decisive : null
    }
    case 'Not': {
      const value = await run(node.base as TreeNode, scope, context)
      return typeof value === 'boolean' ? !value : null
    }
    case 'OpCall': {
      if (node.op !== '==' && node.op !== '!=') break
      const left = await run(node.left as TreeNode, scope, context)
      const right = await run(node.right as TreeNode, scope, context)
      // Only scalars and null here: groq-js compares datetimes (from functions) by value.
      if ((left !== null && !isScalar(left)) || (right !== null && !isScalar(right))) break
      return groqEqual(left, right) === (node.op === '==')
    }
    case 'FuncCall':
      // pt::text(): the Studio's search projects it for every row it shows.
      if (node.namespace === 'pt' && node.name === 'text' && Array.isArray(node.args) && node.args.length === 1) {
        return portableText(await run(node.args[0] as TreeNode, scope, context))
      }
      if (node.namespace === 'global' && Array.isArray(node.args) && node.args.length === 1 && (node.name === 'defined' || node.name === 'count')) {
        if (node.name === 'count' && pipelineOf(node)) break
        const value = await run(node.args[0] as TreeNode, scope, context)
        if (node.name === 'defined') return value !== null
        return Array.isArray(value) ? value.length : null
      }
      break
  }
  const pipeline = pipelineOf(node)
  if (pipeline) {
    const result = await runPipeline(node, pipeline, scope, context)
    const seen = context.tracker ? tracked(result, context.tracker) : result
    return pipeline.projection && !pipeline.count ? project(pipeline.projection, seen, scope, context) : seen
  }
  return delegate(node, scope, context, {})
}

/** runSync could not decide the value without groq-js (an `==` of non-scalars): run() it instead. */
const NOT_SYNC = Symbol('not sync')

const syncables = new WeakMap<TreeNode, boolean>()

/**
 * Whether `node` is made only of what `runSync` evaluates (no pipeline, no groq-js): then it is
 * evaluated without a promise per node, which costs more than the evaluation itself for the rows
 * of a projection (the Studio's search projects 1,000). Cached per tree node.
 */
function syncable(node: TreeNode): boolean {
  let known = syncables.get(node)
  if (known === undefined) {
    known = isSyncable(node)
    syncables.set(node, known)
  }
  return known
}

function isSyncable(node: TreeNode): boolean {
  const child = (value: unknown) => isNode(value) && syncable(value)
  switch (node.type) {
    case 'Value':
    case 'Parameter':
    case 'This':
    case 'Parent':
      return true
    case 'AccessAttribute':
      return node.base === undefined || child(node.base)
    case 'Group':
    case 'ArrayCoerce':
    case 'Deref':
    case 'Not':
      return child(node.base)
    case 'Projection':
    case 'Map':
    case 'FlatMap':
      return child(node.base) && child(node.expr)
    case 'And':
    case 'Or':
      return child(node.left) && child(node.right)
    case 'OpCall':
      return (node.op === '==' || node.op === '!=') && child(node.left) && child(node.right)
    case 'Object':
      return (node.attributes as TreeNode[]).every(
        (attribute) =>
          (attribute.type === 'ObjectAttributeValue' || attribute.type === 'ObjectSplat' || (attribute.type === 'ObjectConditionalSplat' && child(attribute.condition))) &&
          child(attribute.value),
      )
    case 'Array':
      return (node.elements as {value: unknown}[]).every((element) => child(element.value))
    case 'Select':
      return (
        (node.alternatives as {condition: unknown; value: unknown}[]).every((alternative) => child(alternative.condition) && child(alternative.value)) &&
        (node.fallback === undefined || child(node.fallback))
      )
    case 'FuncCall':
      if (!Array.isArray(node.args) || node.args.length !== 1 || !child(node.args[0])) return false
      if (node.namespace === 'pt') return node.name === 'text'
      return node.namespace === 'global' && (node.name === 'defined' || (node.name === 'count' && pipelineOf(node) === null))
    default:
      return false
  }
}

/**
 * What run() gives for a `syncable` node, evaluated synchronously (the same cases, in the same
 * order); NOT_SYNC when run() would hand part of it to groq-js (then run() evaluates it again).
 */
function runSync(node: TreeNode, scope: Scope, context: ExecutionContext): unknown {
  switch (node.type) {
    case 'Value':
      return node.value ?? null
    case 'Parameter':
      return Object.hasOwn(context.params, node.name as string) ? (context.params[node.name as string] ?? null) : null
    case 'This':
      return scope.value
    case 'Parent': {
      let current: Scope = scope
      for (let i = 0; i < (node.n as number); i++) {
        if (!current.parent) return null
        current = current.parent
      }
      return current.value
    }
    case 'Group':
      return runSync(node.base as TreeNode, scope, context)
    case 'AccessAttribute': {
      if (node.base === undefined) return valueAt(scope.value, [node.name as string])
      const base = runSync(node.base as TreeNode, scope, context)
      return base === NOT_SYNC ? NOT_SYNC : valueAt(base, [node.name as string])
    }
    case 'Projection': {
      const base = runSync(node.base as TreeNode, scope, context)
      if (base === NOT_SYNC) return NOT_SYNC
      if (!isPlainObject(base)) return null
      return runSync(node.expr as TreeNode, nested(scope, base), context)
    }
    case 'Map':
    case 'FlatMap': {
      const base = runSync(node.base as TreeNode, scope, context)
      if (base === NOT_SYNC) return NOT_SYNC
      if (!Array.isArray(base)) return null
      const out: unknown[] = []
      for (const item of base) {
        const inner = runSync(node.expr as TreeNode, hiddenIn(scope, item), context)
        if (inner === NOT_SYNC) return NOT_SYNC
        if (node.type === 'FlatMap' && Array.isArray(inner)) out.push(...inner)
        else out.push(inner)
      }
      return out
    }
    case 'ArrayCoerce': {
      const base = runSync(node.base as TreeNode, scope, context)
      if (base === NOT_SYNC) return NOT_SYNC
      return Array.isArray(base) ? base : null
    }
    case 'Deref': {
      const base = runSync(node.base as TreeNode, scope, context)
      if (base === NOT_SYNC) return NOT_SYNC
      const ref = isPlainObject(base) ? base._ref : undefined
      if (typeof ref !== 'string') return null
      const doc = context.view.byId.get(ref)
      return (context.tracker ? context.tracker.dereferenced(ref, doc) : doc) ?? null
    }
    case 'Object': {
      const result: Record<string, unknown> = {}
      for (const attribute of node.attributes as TreeNode[]) {
        if (attribute.type === 'ObjectAttributeValue') {
          const value = runSync(attribute.value as TreeNode, scope, context)
          if (value === NOT_SYNC) return NOT_SYNC
          result[attribute.name as string] = value
        } else {
          if (attribute.type === 'ObjectConditionalSplat') {
            const condition = runSync(attribute.condition as TreeNode, scope, context)
            if (condition === NOT_SYNC) return NOT_SYNC
            if (condition !== true) continue
          }
          const value = runSync(attribute.value as TreeNode, scope, context)
          if (value === NOT_SYNC) return NOT_SYNC
          if (isPlainObject(value)) Object.assign(result, value)
        }
      }
      return result
    }
    case 'Array': {
      const out: unknown[] = []
      for (const element of node.elements as {value: TreeNode; isSplat?: boolean}[]) {
        const value = runSync(element.value, scope, context)
        if (value === NOT_SYNC) return NOT_SYNC
        if (!element.isSplat) out.push(value)
        else if (Array.isArray(value)) out.push(...(value as unknown[]))
      }
      return out
    }
    case 'Select': {
      for (const alternative of node.alternatives as {condition: TreeNode; value: TreeNode}[]) {
        const condition = runSync(alternative.condition, scope, context)
        if (condition === NOT_SYNC) return NOT_SYNC
        if (condition === true) return runSync(alternative.value, scope, context)
      }
      return node.fallback ? runSync(node.fallback as TreeNode, scope, context) : null
    }
    case 'And':
    case 'Or': {
      const left = runSync(node.left as TreeNode, scope, context)
      if (left === NOT_SYNC) return NOT_SYNC
      const right = runSync(node.right as TreeNode, scope, context)
      if (right === NOT_SYNC) return NOT_SYNC
      const decisive = node.type === 'And' ? false : true
      if (left === decisive || right === decisive) return decisive
      return typeof left === 'boolean' && typeof right === 'boolean' ? !decisive : null
    }
    case 'Not': {
      const value = runSync(node.base as TreeNode, scope, context)
      if (value === NOT_SYNC) return NOT_SYNC
      return typeof value === 'boolean' ? !value : null
    }
    case 'OpCall': {
      const left = runSync(node.left as TreeNode, scope, context)
      if (left === NOT_SYNC) return NOT_SYNC
      const right = runSync(node.right as TreeNode, scope, context)
      if (right === NOT_SYNC) return NOT_SYNC
      // Only scalars and null here (as in run()): anything else is groq-js's to compare.
      if ((left !== null && !isScalar(left)) || (right !== null && !isScalar(right))) return NOT_SYNC
      return groqEqual(left, right) === (node.op === '==')
    }
    case 'FuncCall': {
      const value = runSync((node.args as TreeNode[])[0], scope, context)
      if (value === NOT_SYNC) return NOT_SYNC
      if (node.namespace === 'pt') return portableText(value)
      if (node.name === 'defined') return value !== null
      return Array.isArray(value) ? value.length : null
    }
  }
  return NOT_SYNC
}

/**
 * `*[…]{…} | order(…)[a...b]` ordered and sliced as documents: now each row is projected, as
 * groq-js's Map would (in a hidden scope per item); an element access's missing row stays null.
 */
async function project(projection: TreeNode, value: unknown, scope: Scope, context: ExecutionContext): Promise<unknown> {
  // Untracked, a row reads the parsed document itself rather than through its handle (the same
  // values, without a proxy trap per attribute read).
  const row = (item: unknown) => (context.tracker ? item : documentOf(item))
  if (Array.isArray(value)) {
    const out: unknown[] = []
    const sync = syncable(projection)
    for (const item of value) {
      const rowScope = hiddenIn(scope, row(item))
      const projected = sync ? runSync(projection, rowScope, context) : NOT_SYNC
      out.push(projected === NOT_SYNC ? await run(projection, rowScope, context) : projected)
    }
    return out
  }
  return value === null ? null : run(projection, hiddenIn(scope, row(value)), context)
}

/**
 * A pipeline's documents as the rest of the query sees them: through the tracker's recording
 * proxies. Stored documents are deep-frozen and have an `_id`; counts and other values pass as they are.
 */
function tracked(value: unknown, tracker: ReadTracker): unknown {
  const isDocument = (item: unknown): item is SanityDocument =>
    isPlainObject(item) && (isHandle(item) || Object.isFrozen(item)) && typeof item._id === 'string'
  if (Array.isArray(value)) return value.map((item) => (isDocument(item) ? tracker.wrap(item) : item))
  return isDocument(value) ? tracker.wrap(value) : value
}

/** groq-js's Object: attributes in order; splats merge objects only; a conditional splat needs `true`. */
async function runObject(node: TreeNode, scope: Scope, context: ExecutionContext): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {}
  for (const attribute of node.attributes as TreeNode[]) {
    if (attribute.type === 'ObjectAttributeValue') {
      result[attribute.name as string] = await run(attribute.value as TreeNode, scope, context)
    } else if (attribute.type === 'ObjectConditionalSplat') {
      if ((await run(attribute.condition as TreeNode, scope, context)) !== true) continue
      const value = await run(attribute.value as TreeNode, scope, context)
      if (isPlainObject(value)) Object.assign(result, value)
    } else if (attribute.type === 'ObjectSplat') {
      const value = await run(attribute.value as TreeNode, scope, context)
      if (isPlainObject(value)) Object.assign(result, value)
    } else {
      throw new Error(`Unknown node type: ${String(attribute.type)}`)
    }
  }
  return result
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// ---- handing subtrees to groq-js ----

interface Slot {
  name: string
  node: TreeNode
  /** Evaluated in the delegating scope (true) or, being closed, in any (false). */
  sameScope: boolean
}

interface Delegation {
  tree: TreeNode
  slots: Slot[]
}

const delegations = new WeakMap<object, Delegation>()

/** Evaluates `node` with groq-js in `scope`, the pipelines in it computed first by the executor. */
async function delegate(node: TreeNode, scope: Scope, context: ExecutionContext, extra: Record<string, unknown>): Promise<unknown> {
  let prepared = delegations.get(node)
  if (!prepared) {
    prepared = prepareDelegation(node)
    delegations.set(node, prepared)
  }
  const params: Record<string, unknown> = {...context.params, ...extra}
  for (const slot of prepared.slots) params[slot.name] = await run(slot.node, slot.sameScope ? scope : ROOT, context)
  // groq-js only knows the root scope: rebuild the enclosing ones, as projections of their
  // values (never hidden: those hold objects) and, for a hidden one, as a one-item map.
  let tree = prepared.tree
  for (let s: Scope | null = scope; s && s.parent; s = s.parent) {
    tree = s.hidden
      ? {type: 'AccessElement', base: {type: 'Map', base: {type: 'Value', value: [s.value]}, expr: tree}, index: 0}
      : {type: 'Projection', base: {type: 'Value', value: s.value}, expr: tree}
  }
  const {tracker} = context
  // An unplanned `*` left in the tree reads the whole dataset: only then is it wrapped for the tracker.
  const dataset = tracker && containsEverything(prepared.tree) ? context.view.all.map((doc) => tracker.wrap(doc)) : context.view.all
  const value = await evaluate(tree as never, {
    dataset,
    params,
    identity: context.identity,
    timestamp: context.timestamp,
    // groq-js would scan the whole dataset for every `->`; an id lookup keeps joins O(1).
    dereference: ({_ref}) => {
      if (typeof _ref !== 'string') return null
      const doc = context.view.byId.get(_ref)
      return (tracker ? tracker.dereferenced(_ref, doc) : doc) ?? null
    },
  })
  return value.get()
}

/** A copy of `node` whose pipelines (below it) are hidden parameters, when they can be computed apart. */
function prepareDelegation(node: TreeNode): Delegation {
  const slots: Slot[] = []
  const transform = (current: TreeNode, depth: number, isRoot: boolean): TreeNode => {
    // In the node's own scope any value expression with a `*` in it can be computed first; in
    // nested scopes only pipelines that do not look outside themselves (the same in every scope).
    if (!isRoot && containsEverything(current) && (depth === 0 ? VALUE_EXPRESSIONS.has(current.type as string) : pipelineOf(current) !== null && isClosed(current))) {
      const name = `${SCAN_PARAM_PREFIX}d${slots.length}`
      slots.push({name, node: current, sameScope: depth === 0})
      return {type: 'Parameter', name}
    }
    const copy: TreeNode = {}
    for (const [key, value] of Object.entries(current)) {
      const childDepth = depth + (opensScope(current, key) ? 1 : 0)
      if (Array.isArray(value)) copy[key] = value.map((item) => transformValue(item, childDepth))
      else copy[key] = transformValue(value, childDepth)
    }
    return copy
  }
  const transformValue = (value: unknown, depth: number): unknown => {
    if (isNode(value)) return transform(value, depth, false)
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      // Array elements and object attributes: records holding expressions.
      const copy: TreeNode = {}
      for (const [key, inner] of Object.entries(value)) copy[key] = transformValue(inner, depth)
      return copy
    }
    return value
  }
  return {tree: transform(node, 0, true), slots}
}

/** Node types that are plain values wherever they appear (not select() pairs, order directions, tuples…). */
const VALUE_EXPRESSIONS = new Set([
  'Everything', 'Filter', 'Map', 'FlatMap', 'Projection', 'ArrayCoerce', 'AccessAttribute', 'AccessElement', 'Slice',
  'PipeFuncCall', 'FuncCall', 'Object', 'Array', 'Group', 'Deref', 'OpCall', 'And', 'Or', 'Not',
])

/** Children evaluated in a scope nested in the node's: filter/map/projection bodies, pipe function arguments. */
function opensScope(node: TreeNode, key: string): boolean {
  if (key === 'expr') return ['Filter', 'Map', 'FlatMap', 'Projection'].includes(node.type as string)
  return key === 'args' && node.type === 'PipeFuncCall'
}

function containsEverything(node: TreeNode): boolean {
  if (node.type === 'Everything') return true
  let found = false
  forEachChild(node, (child) => {
    found ||= containsEverything(child)
  })
  return found
}

/**
 * Whether no `^` inside `node` reaches outside it, so its value is the same in every scope. A `^`
 * that lands on the scope `node` itself is evaluated in (`*[references(^._id)]`: one scope opened,
 * one up) reaches out too: inside an outer filter that scope is each candidate document. Map
 * bodies are hidden scopes in groq-js (scopes opened inside them skip them): any `^` in one counts
 * as reaching out, which is only ever cautious.
 */
function isClosed(node: TreeNode): boolean {
  let closed = true
  const walk = (current: TreeNode, depth: number, inMap: boolean) => {
    if (!closed) return
    if (current.type === 'Parent' && (inMap || (current.n as number) >= depth)) {
      closed = false
      return
    }
    for (const [key, value] of Object.entries(current)) {
      const nested = opensScope(current, key)
      const childDepth = depth + (nested ? 1 : 0)
      const childInMap = inMap || (key === 'expr' && (current.type === 'Map' || current.type === 'FlatMap'))
      const visit = (item: unknown) => {
        if (isNode(item)) walk(item, childDepth, childInMap)
        else if (typeof item === 'object' && item !== null) for (const inner of Object.values(item)) visit(inner)
      }
      if (Array.isArray(value)) value.forEach(visit)
      else visit(value)
    }
  }
  walk(node, 0, false)
  return closed
}

// ---- pipelines ----

type Check = (doc: SanityDocument) => boolean

interface Resolved {
  /** Checks that depend on the document only (types, defined, _id in path, ! of those): cached per view. */
  staticChecks: Check[]
  /**
   * What each static check tests, written out (staticKey): the lists filtered by them are cached
   * per view under these, so pipelines with the same document-only terms (the site's visible-post
   * filter in every query) share one list whatever else they filter on.
   */
  staticKeys: string[]
  /** Checks that depend on values of this evaluation (params, ^, now()). */
  checks: Check[]
  /** Candidate lists (in `_id` order) that hold every document the filter keeps. */
  sources: SanityDocument[][]
  /** Ranges on attribute paths, for the sorted walk. */
  ranges: {path: string[]; op: string; value: string | number | boolean}[]
  /** The `match` terms among the checks (switched to bulk mode when every candidate gets checked). */
  texts: {field: FieldIndex; pattern: CompiledPattern}[]
  /** The `match` terms inside `||` chains (an ordered walk reads the persisted ones from the lists). */
  eitherTexts: {field: FieldIndex; pattern: CompiledPattern}[]
}

/**
 * From how many candidates a pipeline that checks them all answers `match` and `score()` from the
 * field indexes' inverted lists (field-index.ts) instead of each document's words.
 */
export const planner = {
  /** Score walks read the lists persisted in SQLite when they cover the view (fts.ts). */
  persistedLists: true,
  bulkTextMin: 2048,
  /** score() | order(_score desc, …)[a...b]: select the top rows instead of sorting all when there are this many times more. */
  topScoreFactor: 4,
  /** How many documents (at least; times 4 each round) the score walk visits first. */
  walkBatch: 64,
  /** The score walk is used when the score's words are in at least 1/walkShare of the view's documents. */
  walkShare: 16,
  /** How many documents an ordered walk visits before it asks the full-text index for candidates. */
  textProbeAfter: 4096,
  /** How many documents of an ordered walk are checked to tell whether its `match` is common (see commonEnough). */
  textSample: 64,
}

/**
 * Bulk mode for the `match`/`score()` texts of a pipeline checking many candidates: from the lists
 * persisted in SQLite when they hold the text and cover the view (fts.ts), else from in-memory
 * inverted lists on a small view (built here, once), else from each document's words as it is
 * checked (field-index.ts `memoryListsMax`): memory does not grow with the archive.
 */
async function inBulk(texts: Resolved['texts'], candidates: number, context: ExecutionContext): Promise<void> {
  if (candidates < planner.bulkTextMin || texts.length === 0) return
  const source: BulkSource = {
    lists: planner.persistedLists && context.text ? context.text.lists() : null,
    memory: context.view.all.length <= fieldIndexLimits.memoryListsMax,
  }
  await FieldIndex.fileTogether(texts.filter(({field}) => field.bulkMode(source) === 'memory').map((text) => text.field))
  for (const {field, pattern} of texts) field.prepareBulk(pattern, source)
}

const EMPTY = Symbol('empty')

/** The texts (as `FieldIndex.textKey`) whose words the lists in SQLite hold (fts.ts). */
const PERSISTED_TEXT_KEYS = new Set(persistedFields.map((field) => field.key))

/**
 * An ordered walk checking `match`es document by document (the Studio's search: `_id` order, a
 * word in every post): the texts whose words the lists persisted in SQLite hold (title, excerpt,
 * `pt::text(body)`), when they cover the view, are read from them (one array per term for this
 * query; fts.ts) instead of tokenising each visited document's text and keeping its words.
 */
function listsForWalk(texts: Resolved['texts'], context: ExecutionContext): void {
  if (!planner.persistedLists || !context.text || texts.length === 0) return
  const readable = texts.filter(({field}) => field.textKey !== null && PERSISTED_TEXT_KEYS.has(field.textKey))
  if (readable.length === 0) return
  const lists = context.text.lists()
  if (!lists) return
  for (const {field, pattern} of readable) if (field.persistedIn(lists)) field.prepareBulk(pattern, {lists, memory: false})
}

async function runPipeline(node: TreeNode, pipeline: Pipeline, scope: Scope, context: ExecutionContext, deferText = true): Promise<unknown> {
  const {view} = context
  const filter = pipeline.filter
  const resolved: Resolved = {staticChecks: [], staticKeys: [], checks: [], sources: [], ranges: [], texts: [], eitherTexts: []}
  if (filter) {
    if (filter.types) {
      const types = filter.types
      resolved.staticChecks.push((doc) => types.has(doc._type))
      resolved.staticKeys.push(JSON.stringify(['type', [...types].sort()]))
    }
    for (const term of filter.terms) {
      if ((await resolveTerm(term, scope, context, resolved)) === EMPTY) return emptyResult(pipeline)
    }
  }
  // score() | order(_score desc, …)[a...b] once the score fields' inverted lists exist: walk the
  // documents by descending score instead of filtering and scoring every candidate.
  const scorers = pipeline.scoreTerms && (!pipeline.order || pipeline.orderKeys) ? await compileScorers(pipeline.scoreTerms, scope, context) : null
  const walkable = scorers && !filter?.remaining && byScoreFirst(pipeline.orderKeys) && topK(pipeline) !== null
  // The scores from the lists persisted in SQLite (fts.ts, text-postings.ts) when they cover the
  // view; otherwise from the in-memory inverted lists once they are built.
  const persisted = walkable && planner.persistedLists && context.text ? persistedWalk(view, scorers, context.text) : null
  const walk =
    walkable &&
    (persisted
      ? persisted.postings >= view.all.length / planner.walkShare
      : scorers.every(({field}) => field.bulkReady) &&
        // Words in few documents: the full-text candidates (below) are cheaper than a walk over every ordinal.
        scorers.reduce((sum, {field, pattern}) => sum + field.postingCount(pattern), 0) >= view.all.length / planner.walkShare)
  if (walk) {
    const space = persisted ? persisted.space : memoryWalk(view, scorers)
    const rows = space && walkByScore(view, space, resolved, filter, pipeline.orderKeys?.slice(1) ?? [], topK(pipeline)!)
    if (rows) return scoredResult(pipeline, rows)
  }
  // order(plain paths)[a...b] with a `match`: walk the order first, and ask the full-text index
  // only if a few thousand documents did not fill the slice (a common word fills it at once,
  // and FTS5 would merge its whole list of documents for nothing).
  const deferred = deferText && !!context.text && !!filter && filter.matches.length > 0 && !!pipeline.orderKeys && !scorers && !pipeline.count && topK(pipeline) !== null
  if (filter && !deferred) {
    if (context.text && filter.matches.length > 0) {
      // Just after a start, the index is usable once its own check passed (seconds): wait for it.
      await context.text.ready()
      for (const hint of filter.matches) {
        const values = await Promise.all(hint.operands.map((operand) => run(operand, scope, context)))
        const docs = matchCandidates(view, context.text, values, view.all.length / 4)
        if (docs === null) continue
        if (docs.length === 0) return emptyResult(pipeline)
        resolved.sources.push(docs)
      }
    }
  }
  const broad = filter?.types ? view.ofTypes(filter.types) : view.all
  const staticCheck = allOf(resolved.staticChecks)
  const dynamicCheck = allOf(resolved.checks)
  const staticKey = staticKeyOf(resolved)
  // The document-only part of the filter, applied once per view and remembered.
  const base = resolved.staticChecks.length > 0 ? staticBase(view, staticKey, broad, staticCheck) : broad
  const source = resolved.sources.reduce((best, list) => (list.length < best.length ? list : best), base)
  const passes = source === base ? dynamicCheck : (doc: SanityDocument) => staticCheck(doc) && dynamicCheck(doc)
  const verify = filter?.remaining ? (batch: SanityDocument[]) => keepRemaining(filter, batch, scope, context) : null

  // score() of indexed matches: every kept document scored, as groq-js does, then ordered.
  if (scorers) {
    await inBulk([...resolved.texts, ...scorers], source.length, context)
    const kept = await filterAll(source, passes, verify)
    const keys = pipeline.orderKeys ?? []
    const scoreOf = (doc: SanityDocument) => {
      // A stored `_score` counts, as in groq-js (read from the column, not by parsing the document).
      const stored = indexValue(doc, ['_score'])
      let score = typeof stored === 'number' ? stored : 0
      for (const {field, pattern} of scorers) score += field.score(doc, pattern)
      return score
    }
    const valuesOf = (doc: SanityDocument, score: number) =>
      keys.map((key) => (key.path[0] === '_score' ? (key.path.length === 1 ? score : null) : indexValue(doc, key.path)))
    // groq-js sorts by _score (stably), then order() sorts that stably: one sort by the order keys,
    // then _score descending, then position does the same. Only the documents returned get copied.
    const need = topK(pipeline)
    let rows: ScoredRow[]
    if (need !== null && byScoreFirst(pipeline.orderKeys) && kept.length > planner.topScoreFactor * need) {
      rows = topByScore(kept, need, scoreOf, valuesOf, keys.slice(1))
    } else {
      rows = kept.map((doc, index) => {
        const score = scoreOf(doc)
        return {doc, index, score, values: valuesOf(doc, score)}
      })
      rows.sort((a, b) => compareOrderKeys(keys, a.values, b.values) || b.score - a.score || a.index - b.index)
    }
    return scoredResult(pipeline, rows)
  }
  // Anything groq-js must order or score: filter here, hand the rest over.
  if (pipeline.score || (pipeline.order && !pipeline.orderKeys)) {
    const kept = await filterAll(source, passes, verify)
    return delegate(tailOf(pipeline), scope, context, {[TAIL_PARAM]: kept})
  }

  const need = topK(pipeline)
  let docs: SanityDocument[]
  if (pipeline.orderKeys) {
    const keys = pipeline.orderKeys
    if (need !== null && (source === base || source.length > Math.max(4 * need, 1024))) {
      const entries = sortedBase(view, filter?.types ?? null, staticKey, keys, resolved.staticChecks.length > 0 ? staticCheck : null)
      // Every candidate list comes with a check (or groq-js's) that decides the same: membership
      // only helps skip documents early, and is worth building only for a list much shorter than the walk
      // (the set is remembered per list, so a page's count and its rows share it).
      const members = source === base || source.length * 4 > entries.length ? null : membersOf(source)
      const check = members === null ? dynamicCheck : (doc: SanityDocument) => members.has(doc) && dynamicCheck(doc)
      const [lo, hi] = rangeOf(entries, keys[0], resolved.ranges)
      if (deferred) listsForWalk([...resolved.texts, ...resolved.eitherTexts], context)
      if (deferred && !commonEnough(entries, lo, hi, check, need)) return runPipeline(node, pipeline, scope, context, false)
      const end = deferred ? Math.min(hi, lo + Math.max(planner.textProbeAfter, 4 * need)) : hi
      docs = await collect(
        (function* () {
          for (let i = lo; i < end; i++) yield entries[i].doc
        })(),
        check,
        verify,
        need,
      )
      // Not filled within the budget: now narrow by the full-text index and start again.
      if (docs.length < need && end < hi) return runPipeline(node, pipeline, scope, context, false)
    } else {
      docs = sortByKeys(await filterAll(source, passes, verify), keys)
    }
  } else if (need !== null) {
    docs = await collect(source, passes, verify, need)
  } else if (pipeline.count && !verify && !pipeline.slice) {
    // Only ranges on one path left to decide: count them by binary search in that order.
    const path = resolved.ranges[0]?.path
    if (source === base && path && resolved.checks.length === resolved.ranges.length && resolved.ranges.every((r) => samePath(r.path, path))) {
      // Any ordering by that path serves (either direction, any tie-breakers): the home page's
      // `order(publishedAt desc, _id desc)` also counts its `publishedAt <= now()` total.
      const keys = view.sortedOn(filter?.types ?? null, path)?.keys ?? [{path, desc: false}]
      const entries = sortedBase(view, filter?.types ?? null, staticKey, keys, resolved.staticChecks.length > 0 ? staticCheck : null)
      const [lo, hi] = rangeOf(entries, keys[0], resolved.ranges)
      return hi - lo
    }
    await inBulk(resolved.texts, source.length, context)
    let n = 0
    if (source !== base && resolved.staticChecks.length > 0) {
      // The candidate list's documents that pass the document-only checks, remembered per list:
      // an index list is replaced whenever one of its documents changes, so this stays exact.
      const implied = impliedChecks.get(source)
      const remaining = implied ? resolved.checks.filter((check) => check !== implied) : resolved.checks
      if (path && remaining.length === resolved.ranges.length && resolved.ranges.every((r) => samePath(r.path, path))) {
        // Only ranges on one path left (the category page's `publishedAt <= now()`): that list
        // ordered by the path, remembered with it, and the range counted by binary search. A
        // long list is taken from an ordering by that path of the documents passing the same
        // static checks, if built (the page's own rows walk one), in one pass instead of a sort.
        const ordering = source.length * 16 > view.all.length ? staticOrderingOn(view, staticKey, path) : undefined
        if (ordering) {
          const [lo, hi] = rangeOf(listInOrdering(source, ordering), ordering.keys[0], resolved.ranges)
          return hi - lo
        }
        const key = {path, desc: false}
        const [lo, hi] = rangeOf(orderedBy(staticallyFiltered(source, staticKey, staticCheck), key), key, resolved.ranges)
        return hi - lo
      }
      const filtered = staticallyFiltered(source, staticKey, staticCheck)
      const remainingCheck = allOf(remaining)
      for (const doc of filtered) if (remainingCheck(doc)) n++
      return n
    }
    for (const doc of source) if (passes(doc)) n++
    return n
  } else {
    await inBulk(resolved.texts, source.length, context)
    docs = await filterAll(source, passes, verify)
  }
  return finish(pipeline, docs)
}

type ScoredRow = {doc: SanityDocument; index: number; score: number; values: unknown[]}

async function compileScorers(terms: NonNullable<Pipeline['scoreTerms']>, scope: Scope, context: ExecutionContext): Promise<{field: FieldIndex; pattern: CompiledPattern}[]> {
  const scorers: {field: FieldIndex; pattern: CompiledPattern}[] = []
  for (const term of terms) {
    const field = context.view.field(term.left)
    scorers.push({field, pattern: field.compile(await run(term.operand, scope, context))})
  }
  return scorers
}

/** No order (score() orders by `_score` desc), or `order(_score desc, plain paths…)`. */
function byScoreFirst(keys: OrderKey[] | null): boolean {
  if (!keys || keys.length === 0) return true
  return keys[0].desc && samePath(keys[0].path, ['_score']) && keys.every((key, i) => i === 0 || key.path[0] !== '_score')
}

/** Slice/element of the ordered rows, each returned document a copy with its `_score`, as groq-js's score() makes them. */
function scoredResult(pipeline: Pipeline, rows: ScoredRow[]): unknown {
  const result = finish(pipeline, rows as unknown as SanityDocument[]) as unknown
  const withScore = (row: ScoredRow) => ({...row.doc, _score: row.score})
  if (Array.isArray(result)) return (result as unknown as ScoredRow[]).map(withScore)
  return result === null || typeof result === 'number' ? result : withScore(result as unknown as ScoredRow)
}

/**
 * The first `need` rows of `*[filter] | score(…) | order(_score desc, rest…)`, from the score
 * fields' inverted lists: every document's score is summed per ordinal (typed arrays, no document
 * read), then documents are visited by descending score, a whole group of equal scores at a time
 * (so ties are ordered by `rest`, then `_id`, as groq-js's stable sorts order them); each visited
 * document must be in the view and pass the filter. Stops after the group that completes `need`
 * rows: every document not visited scores less. Null when the lists do not cover the view.
 */
/** What the score walk walks: every ordinal's score, and the view's document of an ordinal (none: not in the view, or stale). */
interface WalkSpace {
  totals: Float64Array
  docOf: (ordinal: number) => SanityDocument | undefined
}

/** The walk over the in-memory inverted lists (bulk mode ready). */
function memoryWalk(view: ViewIndex, scorers: {field: FieldIndex; pattern: CompiledPattern}[]): WalkSpace | null {
  const space = scorers[0].field.ordinals
  if (scorers.some(({field}) => field.ordinals !== space)) return null
  const totals = new Float64Array(space.size)
  // A stored numeric `_score` is where groq-js's sum starts: those sort first by `_score` ascending.
  for (const {doc, score} of storedScores(view)) {
    const ordinal = space.of(doc)
    if (ordinal === undefined) return null
    totals[ordinal] = score
  }
  for (const {field, pattern} of scorers) field.addScoresSparse(totals, pattern)
  return {totals, docOf: (ordinal) => space.docs[ordinal]}
}

/**
 * The walk over the lists persisted in SQLite: each scorer's sum computed as `addScoresSparse`
 * computes it (term by term, words' counts summed per document, BM25 per term, in the same order),
 * over the current ordinal of each stored document. Null when the lists do not cover this view or
 * one of the scorers. `postings`: how many list entries were read (how common the words are).
 */
function persistedWalk(view: ViewIndex, scorers: {field: FieldIndex; pattern: CompiledPattern}[], text: TextSearch): {space: WalkSpace; postings: number} | null {
  if (!scorers.every(({field}) => field.textKey !== null)) return null
  const lists = text.lists()
  if (!lists || !scorers.every(({field}) => lists.keys.has(field.textKey!))) return null
  const {size: listed, live: current} = lists.live()
  const storedIdOf = (doc: SanityDocument) => (lists.overlaid ? (doc._originalId as string | undefined) : doc._id)
  /** The view's document of a stored id (shown under its published id in an overlaid view). */
  const shownAs = (id: string): SanityDocument | undefined => {
    if (!lists.overlaid) return view.byId.get(id)
    const doc = view.byId.get(publishedIdOf(id))
    return doc && doc._originalId === id ? doc : undefined
  }
  // Documents committed since the view was taken: their current entries do not count, and the
  // view's versions get ordinals after the lists' (`extras`), scored from their own words below.
  let live = current
  const extras: SanityDocument[] = []
  const extraOrdinal = new Map<SanityDocument, number>()
  if (lists.changed.size > 0) {
    live = current.slice()
    for (const id of lists.changed) {
      const ordinal = lists.byId.get(id)
      if (ordinal !== undefined && ordinal < listed) live[ordinal] = 0
      const doc = shownAs(id)
      if (doc && !extraOrdinal.has(doc)) {
        extraOrdinal.set(doc, listed + extras.length)
        extras.push(doc)
      }
    }
  }
  const size = listed + extras.length
  const totals = new Float64Array(size)
  for (const {doc, score} of storedScores(view)) {
    const id = storedIdOf(doc)
    const ordinal = extraOrdinal.get(doc) ?? (id === undefined || lists.changed.has(id) ? undefined : lists.byId.get(id))
    if (ordinal === undefined) return null
    totals[ordinal] = score
  }
  let postings = 0
  const freq = new Uint32Array(size)
  const score = new Float64Array(size)
  for (const {field, pattern} of scorers) {
    if (!pattern.ok) continue
    const key = field.textKey!
    const scored: number[] = []
    // Terms of common words go over every ordinal (tight loops) instead of lists of touched ones.
    let dense = false
    for (const matcher of pattern.matchers) {
      const words =
        matcher.kind === 'word'
          ? [matcher.word]
          : matcher.kind === 'prefix'
            ? lists.postings.wordsWithPrefix(lists.dataset, key, matcher.prefix)
            : lists.postings.wordsWithPrefix(lists.dataset, key, '').filter((word) => matcher.test(word))
      const read = words.map((word) => lists.postings.posting(lists.dataset, key, word))
      const entries = read.reduce((sum, list) => sum + list.ords.length, 0)
      postings += entries
      if (entries > size / 8) {
        dense = true
        for (const {ords, counts} of read) addLiveCounts(freq, ords, counts, live, listed)
        addTermScores(score, freq)
        continue
      }
      const touched: number[] = []
      for (const {ords, counts} of read) {
        for (let i = 0; i < ords.length; i++) {
          const ordinal = ords[i]
          if (ordinal >= listed || live[ordinal] === 0) continue
          if (freq[ordinal] === 0) touched.push(ordinal)
          freq[ordinal] += counts[i]
        }
      }
      for (const ordinal of touched) {
        const f = freq[ordinal]
        freq[ordinal] = 0
        if (score[ordinal] === 0) scored.push(ordinal)
        score[ordinal] += (f * (BM25_K + 1)) / (f + BM25_K)
      }
    }
    if (dense) moveScores(totals, score)
    else {
      for (const ordinal of scored) {
        totals[ordinal] += score[ordinal]
        score[ordinal] = 0
      }
    }
  }
  // The extras: each scorer's sum from the document's words, added in the same order as above.
  extras.forEach((doc, k) => {
    for (const {field, pattern} of scorers) {
      const score = field.score(doc, pattern)
      if (score !== 0) totals[listed + k] += score
    }
  })
  const docOf = (ordinal: number): SanityDocument | undefined => {
    if (ordinal >= listed) return extras[ordinal - listed]
    const id = lists.byOrdinal.get(ordinal)
    if (id === undefined || lists.changed.has(id)) return undefined
    return shownAs(id)
  }
  return {space: {totals, docOf}, postings}
}

/**
 * The view's documents with a numeric stored `_score` (where groq-js's score() starts its sum),
 * with it: from the path's column while the view is current (only the documents holding a value
 * there, usually none; SQLite's index of the path finds them), else from an ordering of the whole
 * view by `_score` (built once per view: every document, most without a value).
 */
function storedScores(view: ViewIndex): {doc: SanityDocument; score: number}[] {
  const scored: {doc: SanityDocument; score: number}[] = []
  const column = view.columnOrder?.(['_score'])
  if (column) {
    for (let i = 0; i < column.docs.length; i++) {
      const value = column.values[i]
      if (typeof value === 'number') scored.push({doc: column.docs[i], score: value})
    }
    return scored
  }
  for (const entry of view.sorted(null, [{path: ['_score'], desc: false}]).entries) {
    if (typeof entry.v0 !== 'number') break
    scored.push({doc: entry.doc, score: entry.v0})
  }
  return scored
}

/** groq-js's BM25k. */
const BM25_K = 1.2

// The score walk's loops over every ordinal, as small functions: each is optimised once and reused
// by every search (inside persistedWalk they ran unoptimised in a fresh process's first searches).

/** freq[ordinal] += count for the entries of live ordinals below `listed`. */
function addLiveCounts(freq: Uint32Array, ords: Uint32Array, counts: Uint32Array, live: Uint8Array, listed: number): void {
  for (let i = 0; i < ords.length; i++) {
    const ordinal = ords[i]
    if (ordinal < listed && live[ordinal] === 1) freq[ordinal] += counts[i]
  }
}

/** score[ordinal] += the BM25 term score of freq[ordinal] where nonzero; freq zeroed. */
function addTermScores(score: Float64Array, freq: Uint32Array): void {
  for (let ordinal = 0; ordinal < freq.length; ordinal++) {
    const f = freq[ordinal]
    if (f === 0) continue
    freq[ordinal] = 0
    score[ordinal] += (f * (BM25_K + 1)) / (f + BM25_K)
  }
}

/** totals[ordinal] += score[ordinal] where nonzero; score zeroed. */
function moveScores(totals: Float64Array, score: Float64Array): void {
  for (let ordinal = 0; ordinal < score.length; ordinal++) {
    if (score[ordinal] === 0) continue
    totals[ordinal] += score[ordinal]
    score[ordinal] = 0
  }
}

/** The ordinals whose total is in [lower, upper). */
function ordinalsIn(totals: Float64Array, lower: number, upper: number): number[] {
  const group: number[] = []
  for (let i = 0; i < totals.length; i++) if (totals[i] >= lower && totals[i] < upper) group.push(i)
  return group
}

function walkByScore(
  view: ViewIndex,
  space: WalkSpace,
  resolved: Resolved,
  filter: FilterPlan | null,
  rest: OrderKey[],
  need: number,
): ScoredRow[] | null {
  // The filter's own matches are checked on the visited documents only, from their words (cached
  // per document: the best-scoring documents are the same from one search to the next).
  const {totals} = space
  const types = filter?.types ?? null
  const checks = [...resolved.staticChecks, ...resolved.checks]
  const passes = (doc: SanityDocument) => view.byId.get(doc._id) === doc && (!types || types.has(doc._type)) && checks.every((check) => check(doc))
  const rows: ScoredRow[] = []
  let visited = 0
  /** Visited ordinals that are documents of the view. */
  let shown = 0
  let upper = Infinity
  let batch = Math.max(need * planner.topScoreFactor, planner.walkBatch)
  while (rows.length < need && visited < totals.length) {
    // The next batch of ordinals by score: those in [lower, upper), lower the batch-th largest below upper.
    const lower = largestBelow(totals, upper, batch)
    if (lower === null) break
    const group = ordinalsIn(totals, lower, upper)
    visited += group.length
    group.sort((a, b) => totals[b] - totals[a])
    const found: ScoredRow[] = []
    for (const ordinal of group) {
      const doc = space.docOf(ordinal)
      if (doc === undefined) continue
      shown++
      if (passes(doc)) found.push({doc, index: 0, score: totals[ordinal], values: rest.map((key) => indexValue(doc, key.path))})
    }
    found.sort((a, b) => b.score - a.score || compareOrderKeys(rest, a.values, b.values) || compareIds(a.doc._id, b.doc._id))
    rows.push(...found)
    upper = lower
    batch *= 4
  }
  // Every document of the view must have had an ordinal to be visited; a view doc missing one means the lists do not cover it.
  if (rows.length < need && shown < view.all.length) return null
  return rows.slice(0, need)
}

/**
 * Whether the documents passing `check` are common enough along entries [lo, hi) for an ordered
 * walk to fill `need` rows soon: a stride sample of them, checked, must promise 4 × need hits.
 */
function commonEnough(entries: SortedEntry[], lo: number, hi: number, check: Check, need: number): boolean {
  const span = hi - lo
  const samples = Math.min(span, planner.textSample)
  if (samples === 0) return false
  let hits = 0
  for (let k = 0; k < samples; k++) if (check(entries[lo + Math.floor((k * span) / samples)].doc)) hits++
  return (hits / samples) * span >= 4 * need
}

/**
 * The first `need` rows of `kept` ordered by score descending, then by `rest` (plain paths), then
 * position — what sorting them all gives, without sorting them all: the scores are computed for
 * every document (cheap in bulk mode), then only those scoring at least the need-th best score get
 * their order values read and sorted.
 */
function topByScore(
  kept: SanityDocument[],
  need: number,
  scoreOf: (doc: SanityDocument) => number,
  valuesOf: (doc: SanityDocument, score: number) => unknown[],
  rest: OrderKey[],
): ScoredRow[] {
  const scores = new Float64Array(kept.length)
  for (let i = 0; i < kept.length; i++) scores[i] = scoreOf(kept[i])
  const threshold = nthLargest(scores, need)
  const rows: ScoredRow[] = []
  for (let i = 0; i < kept.length; i++) {
    if (scores[i] >= threshold) rows.push({doc: kept[i], index: i, score: scores[i], values: valuesOf(kept[i], scores[i])})
  }
  const byRest = (a: (typeof rows)[number], b: (typeof rows)[number]) => b.score - a.score || compareOrderKeys(rest, a.values.slice(1), b.values.slice(1)) || a.index - b.index
  rows.sort(byRest)
  return rows.slice(0, need)
}

/**
 * The n-th largest of the values below `upper` (the smallest of them when there are fewer; null
 * when there are none), in one pass keeping the n largest in a min-heap.
 */
function largestBelow(values: Float64Array, upper: number, n: number): number | null {
  const heap = new Float64Array(n)
  let size = 0
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (!(value < upper)) continue
    if (size < n) {
      // Sift up.
      let at = size++
      while (at > 0) {
        const parent = (at - 1) >> 1
        if (heap[parent] <= value) break
        heap[at] = heap[parent]
        at = parent
      }
      heap[at] = value
    } else if (value > heap[0]) {
      // Replace the root, sift down.
      let at = 0
      for (;;) {
        const left = 2 * at + 1
        if (left >= n) break
        const child = left + 1 < n && heap[left + 1] < heap[left] ? left + 1 : left
        if (heap[child] >= value) break
        heap[at] = heap[child]
        at = child
      }
      heap[at] = value
    }
  }
  return size === 0 ? null : heap[0]
}

/** The n-th largest value (1-based; -Infinity when there are fewer), by partial selection. */
function nthLargest(values: Float64Array, n: number): number {
  if (n <= 0 || values.length === 0) return Infinity
  if (n > values.length) return -Infinity
  const copy = Float64Array.from(values)
  // Quickselect for index k of the descending order.
  const k = n - 1
  let lo = 0
  let hi = copy.length - 1
  while (lo < hi) {
    const pivot = copy[(lo + hi) >>> 1]
    let i = lo
    let j = hi
    while (i <= j) {
      while (copy[i] > pivot) i++
      while (copy[j] < pivot) j--
      if (i <= j) {
        const t = copy[i]
        copy[i] = copy[j]
        copy[j] = t
        i++
        j--
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else break
  }
  return copy[k]
}

const staticLists = new WeakMap<SanityDocument[], Map<string, SanityDocument[]>>()
/** Index lists whose every document passes a given check (the check of the term that chose the list). */
const impliedChecks = new WeakMap<SanityDocument[], Check>()

function staticallyFiltered(list: SanityDocument[], staticKey: string, check: Check): SanityDocument[] {
  let byPlan = staticLists.get(list)
  if (!byPlan) staticLists.set(list, (byPlan = new Map()))
  let filtered = byPlan.get(staticKey)
  if (!filtered) byPlan.set(staticKey, (filtered = list.filter(check)))
  return filtered
}

const orderedLists = new WeakMap<SanityDocument[], Map<string, SortedEntry[]>>()

/** A (never mutated) document list ordered by one key, ties by `_id`, remembered per list. */
function orderedBy(list: SanityDocument[], key: OrderKey): SortedEntry[] {
  let byKey = orderedLists.get(list)
  if (!byKey) orderedLists.set(list, (byKey = new Map()))
  const name = JSON.stringify(key.path)
  let entries = byKey.get(name)
  if (!entries) {
    entries = list.map((doc) => new SortedEntry(doc, [indexValue(doc, key.path)]))
    entries.sort((a, b) => compareEntries([key], a, b))
    byKey.set(name, entries)
  }
  return entries
}

/** An ordering already built of the documents passing a static key's checks whose first key is on `path`. */
function staticOrderingOn(view: ViewIndex, staticKey: string, path: string[]): SortedIndex | undefined {
  const orderings = view.memo(`sorted:${staticKey}`, () => new Map<string, SortedIndex>())
  for (const ordering of orderings.values()) if (samePath(ordering.keys[0].path, path)) return ordering
  return undefined
}

const inOrderings = new WeakMap<SortedEntry[], WeakMap<SanityDocument[], SortedEntry[]>>()

/** The entries of an ordering whose documents are in `list` (both never mutated), remembered per pair. */
function listInOrdering(list: SanityDocument[], ordering: SortedIndex): SortedEntry[] {
  let byList = inOrderings.get(ordering.entries)
  if (!byList) inOrderings.set(ordering.entries, (byList = new WeakMap()))
  let entries = byList.get(list)
  if (!entries) {
    const members = membersOf(list)
    byList.set(list, (entries = ordering.entries.filter((entry) => members.has(entry.doc))))
  }
  return entries
}

const memberSets = new WeakMap<SanityDocument[], Set<SanityDocument>>()

/** The documents of a (never mutated) candidate list as a set, remembered per list. */
function membersOf(list: SanityDocument[]): Set<SanityDocument> {
  let members = memberSets.get(list)
  if (!members) memberSets.set(list, (members = new Set(list)))
  return members
}

function allOf(checks: Check[]): Check {
  if (checks.length === 0) return () => true
  if (checks.length === 1) return checks[0]
  return (doc) => {
    for (const check of checks) if (!check(doc)) return false
    return true
  }
}

function samePath(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i])
}

/** The view's sorted index for these keys, restricted to documents passing the filter's static checks. */
function sortedBase(view: ViewIndex, types: Set<string> | null, staticKey: string, keys: OrderKey[], staticCheck: Check | null): SortedEntry[] {
  if (!staticCheck) return view.sorted(types, keys).entries
  // Every ordering of these documents built so far, by its keys: a new one by the same first path
  // (the other direction, other tie-breakers) is re-sorted from one of those, nearly in order already.
  const orderings = view.memo(`sorted:${staticKey}`, () => new Map<string, SortedIndex>())
  const keysKey = JSON.stringify(keys.map((key) => [key.path, key.desc]))
  let ordering = orderings.get(keysKey)
  if (!ordering) {
    const sibling = [...orderings.values()].find((other) => samePath(other.keys[0].path, keys[0].path))
    ordering = sibling
      ? reordered(sibling, keys)
      : {keys, entries: view.sorted(types, keys).entries.filter((entry) => staticCheck(entry.doc))}
    orderings.set(keysKey, ordering)
    view.note({kind: 'staticSorted', key: staticKey, keys})
  }
  return ordering.entries
}

function emptyResult(pipeline: Pipeline): unknown {
  return finish(pipeline, [])
}

/** Slice, element and count as groq-js applies them to the (ordered) array. */
function finish(pipeline: Pipeline, docs: SanityDocument[]): unknown {
  let result: unknown = docs
  if (pipeline.slice) {
    const {left, right, isInclusive} = pipeline.slice
    let from = left < 0 ? docs.length + left : left
    let to = right < 0 ? docs.length + right : right
    if (isInclusive) to++
    if (from < 0) from = 0
    if (to < 0) to = 0
    result = docs.slice(from, to)
  } else if (pipeline.element !== null) {
    const index = pipeline.element < 0 ? pipeline.element + docs.length : pipeline.element
    return docs[index] ?? null
  }
  return pipeline.count ? (result as unknown[]).length : result
}

/** How many leading documents of the ordered result the query can use (null: it needs them all). */
function topK(pipeline: Pipeline): number | null {
  if (pipeline.slice) {
    const {left, right, isInclusive} = pipeline.slice
    if (left < 0 || right < 0) return null
    return isInclusive ? right + 1 : right
  }
  if (pipeline.element !== null) return pipeline.element < 0 ? null : pipeline.element + 1
  return null
}

async function resolveTerm(term: Term, scope: Scope, context: ExecutionContext, into: Resolved): Promise<typeof EMPTY | void> {
  switch (term.kind) {
    case 'constant':
      return (await run(term.operand, scope, context)) === true ? undefined : EMPTY
    case 'either':
      if ((await run(term.constant, scope, context)) === true) return
      return resolveTerm(term.term, scope, context, into)
    case 'references': {
      const value = await run(term.operand, scope, context)
      const ids = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
      if (ids.length === 0) return EMPTY
      // The index lists exactly the documents groq-js's references() is true for.
      const docs = unionInIdOrder(ids.map((id) => context.view.referencing(id)))
      const members = new Set(docs)
      into.checks.push((doc) => members.has(doc))
      into.sources.push(docs)
      return
    }
    case 'contains': {
      const value = await run(term.operand, scope, context)
      // Objects and arrays equal nothing in groq-js: the term is false or null for every document.
      const key = groqKeyOf(value)
      if (key === null) return EMPTY
      const {path, sub} = term
      const list = context.view.containing(path, sub, value)
      // The list holds exactly the documents the term is true for (membership: no member column needed).
      const check: Check = list.length === 0 ? () => false : (doc) => membersOf(list).has(doc)
      into.checks.push(check)
      into.sources.push(list)
      // Every document of that list passes this check: a count over the list can skip it.
      impliedChecks.set(list, check)
      return
    }
    case 'match': {
      const field = context.view.field(term.left)
      const pattern = field.compile(await run(term.operand, scope, context))
      if (!pattern.ok) return EMPTY
      into.checks.push((doc) => field.matches(doc, pattern))
      into.texts.push({field, pattern})
      return
    }
    case 'in': {
      const value = await run(term.operand, scope, context)
      if (!Array.isArray(value)) return EMPTY
      const {path} = term
      const scalars = new Set(value.filter((item) => item === null || isScalar(item)))
      if (scalars.size === 0) return EMPTY
      // indexValue: _type without reading the document (objects come back opaque: in no set, like objects).
      into.checks.push((doc) => scalars.has(indexValue(doc, path)))
      if (path.length === 1 && path[0] === '_type') into.sources.push(context.view.ofTypes(new Set([...scalars].filter((item): item is string => typeof item === 'string'))))
      return
    }
    case 'compare': {
      const value = await run(term.operand, scope, context)
      const {path, op} = term
      if (op === '==') {
        into.checks.push((doc) => groqEqual(indexValue(doc, path), value))
        into.sources.push(context.view.equal(path, value))
      } else if (op === '!=') {
        into.checks.push((doc) => !groqEqual(indexValue(doc, path), value))
      } else {
        into.checks.push((doc) => compares(op, groqCompare(indexValue(doc, path), value)))
      }
      if (isScalar(value) && op !== '!=') into.ranges.push({path, op, value})
      return
    }
    default:
      if (isStatic(term)) {
        into.staticChecks.push(await checkOf(term, scope, context))
        into.staticKeys.push(JSON.stringify(termSpec(term)))
      } else into.checks.push(await checkOf(term, scope, context, into.eitherTexts))
  }
}

/**
 * A static term written out as JSON-able data: equal specs test the same, and `specCheck` makes
 * the test again from one (the warm-up after open rebuilds the lists a key names, warm-up.ts).
 */
type StaticSpec = ['type', string[]] | ['defined', string[]] | ['idPath', string] | ['not', StaticSpec] | ['or', StaticSpec, StaticSpec]

function termSpec(term: Term): StaticSpec {
  switch (term.kind) {
    case 'defined':
      return ['defined', term.path]
    case 'idPath':
      return ['idPath', term.pattern]
    case 'not':
      return ['not', termSpec(term.inner)]
    case 'or':
      return ['or', termSpec(term.left), termSpec(term.right)]
    default:
      throw new Error(`lake: ${term.kind} is not a static term`)
  }
}

function specCheck(spec: StaticSpec): Check {
  switch (spec[0]) {
    case 'type': {
      const types = new Set(spec[1])
      return (doc) => types.has(doc._type)
    }
    case 'defined': {
      const path = spec[1]
      return (doc) => indexValue(doc, path) !== null
    }
    case 'idPath': {
      const path = new Path(spec[1])
      return (doc) => path.matches(doc._id)
    }
    case 'not': {
      const inner = specCheck(spec[1])
      return (doc) => !inner(doc)
    }
    case 'or': {
      const left = specCheck(spec[1])
      const right = specCheck(spec[2])
      return (doc) => left(doc) || right(doc)
    }
  }
  throw new TypeError(`lake: not a static term: ${JSON.stringify(spec)}`)
}

/** The static checks a pipeline resolved to, as one key (their order does not matter: they are a conjunction). */
function staticKeyOf(resolved: Resolved): string {
  return resolved.staticKeys.length === 0 ? 'all' : JSON.stringify([...resolved.staticKeys].sort())
}

/** The view's documents passing the static checks a key names, remembered per view. */
function staticBase(view: ViewIndex, staticKey: string, broad: SanityDocument[], check: Check): SanityDocument[] {
  return view.memo(`static:${staticKey}`, () => {
    view.note({kind: 'static', key: staticKey})
    return broad.filter(check)
  })
}

/** What a static key filters on: the types it allows (null: any) and one check for all its terms. */
function parseStaticKey(staticKey: string): {types: Set<string> | null; check: Check} {
  const specs = (JSON.parse(staticKey) as string[]).map((text) => JSON.parse(text) as StaticSpec)
  let types: Set<string> | null = null
  for (const spec of specs) if (spec[0] === 'type') types = new Set(spec[1])
  return {types, check: allOf(specs.map(specCheck))}
}

/**
 * Builds, ahead of any query, what a pipeline whose document-only terms a key names builds on
 * first use: the list of documents passing them and, given `keys`, that list ordered by them.
 */
export function warmStatic(view: ViewIndex, staticKey: string, keys: OrderKey[] | null): void {
  const {types, check} = parseStaticKey(staticKey)
  staticBase(view, staticKey, types ? view.ofTypes(types) : view.all, check)
  if (keys && keys.length > 0) sortedBase(view, types, staticKey, keys, check)
}

function isStatic(term: Term): boolean {
  if (term.kind === 'or') return isStatic(term.left) && isStatic(term.right)
  return term.kind === 'defined' || term.kind === 'idPath' || (term.kind === 'not' && isStatic(term.inner))
}

/** A JS test for a term used inside `!` (always two-valued: defined, _id in path, ==, !=, references, !). */
async function checkOf(term: Term, scope: Scope, context: ExecutionContext, texts?: Resolved['texts']): Promise<Check> {
  switch (term.kind) {
    case 'defined':
      return (doc) => indexValue(doc, term.path) !== null
    case 'idPath':
      return (doc) => term.test(doc._id)
    case 'not': {
      const inner = await checkOf(term.inner, scope, context)
      return (doc) => !inner(doc)
    }
    case 'or': {
      // A chain of `||` (the Studio's search: 48 matches) as one loop, in the same order.
      const checks: Check[] = []
      for (const part of orParts(term)) checks.push(await checkOf(part, scope, context, texts))
      return (doc) => {
        for (let i = 0; i < checks.length; i++) if (checks[i](doc)) return true
        return false
      }
    }
    default: {
      const scratch: Resolved = {staticChecks: [], staticKeys: [], checks: [], sources: [], ranges: [], texts: [], eitherTexts: []}
      if ((await resolveTerm(term, scope, context, scratch)) === EMPTY) return () => false
      texts?.push(...scratch.texts, ...scratch.eitherTexts)
      return allOf([...scratch.staticChecks, ...scratch.checks])
    }
  }
}

/** The terms of a chain of `or`s, left to right. */
function orParts(term: Term): Term[] {
  return term.kind === 'or' ? [...orParts(term.left), ...orParts(term.right)] : [term]
}

function compares(op: string, order: number | null): boolean {
  if (order === null) return false
  return op === '<' ? order < 0 : op === '<=' ? order <= 0 : op === '>' ? order > 0 : op === '>=' ? order >= 0 : order === 0
}

function unionInIdOrder(lists: SanityDocument[][]): SanityDocument[] {
  if (lists.length === 1) return lists[0]
  if (lists.length === 0) return []
  return [...new Set(lists.flat())].sort((a, b) => compareIds(a._id, b._id))
}

/**
 * The view's documents that may satisfy `… match value` for one of `values`, from the full-text
 * index (fts.ts), in `_id` order: a stored document that may match shows in a perspective under
 * its own id or its published id. Null when some pattern cannot narrow anything (or more than `limit`).
 */
function matchCandidates(view: ViewIndex, text: TextSearch, values: unknown[], limit: number): SanityDocument[] | null {
  const docs = new Set<SanityDocument>()
  for (const value of values) {
    // Too common a word to narrow much: the type lists (already in `_id` order) do better.
    const ids = text.candidates(value, limit)
    if (ids === null || ids.size > limit) return null
    for (const id of ids) {
      const own = view.byId.get(id)
      if (own) docs.add(own)
      const published = publishedIdOf(id)
      const shown = published === id ? undefined : view.byId.get(published)
      if (shown) docs.add(shown)
    }
  }
  return [...docs].sort((a, b) => compareIds(a._id, b._id))
}

/** Entries [lo, hi) of a sorted index that can satisfy the ranges on its first key. */
function rangeOf(entries: SortedEntry[], key: OrderKey, ranges: Resolved['ranges']): [number, number] {
  let lo = 0
  let hi = entries.length
  for (const range of ranges) {
    if (range.path.length !== key.path.length || !range.path.every((part, i) => part === key.path[i])) continue
    // Each entry is before (-1), inside (0) or after (1) the range; sorted entries are monotone in that.
    const side = (entry: SortedEntry) => sideOf(entry.v0, range.op, range.value, key.desc)
    lo = Math.max(lo, firstWhere(entries, (entry) => side(entry) >= 0))
    hi = Math.min(hi, firstWhere(entries, (entry) => side(entry) > 0))
  }
  return [lo, Math.max(lo, hi)]
}

function sideOf(value: unknown, op: string, bound: string | number | boolean, desc: boolean): number {
  const sign = desc ? -1 : 1
  if (typeof value !== typeof bound) {
    const rank = compareOrderKeys([{path: [], desc}], [value], [bound])
    return rank < 0 ? -1 : 1
  }
  const order = groqCompare(value, bound)!
  if (compares(op, order)) return 0
  if (op === '==') return Math.sign(order) * sign
  // Outside a one-sided range: below it for `>`/`>=` (ascending), above it for `<`/`<=`.
  return (op === '<' || op === '<=' ? 1 : -1) * sign
}

function firstWhere<T>(list: T[], predicate: (item: T) => boolean): number {
  return lowerBound(list, null as unknown as T, (item) => (predicate(item) ? 1 : -1))
}

/** The first `need` documents of `candidates` (in order) that pass the JS checks and groq-js's remaining terms. */
async function collect(
  candidates: Iterable<SanityDocument>,
  passes: Check,
  verify: ((batch: SanityDocument[]) => Promise<SanityDocument[]>) | null,
  need: number,
): Promise<SanityDocument[]> {
  const found: SanityDocument[] = []
  let pending: SanityDocument[] = []
  const flush = async () => {
    found.push(...(verify ? await verify(pending) : pending))
    pending = []
  }
  for (const doc of candidates) {
    if (found.length >= need) break
    if (!passes(doc)) continue
    pending.push(doc)
    if (pending.length >= Math.max(need - found.length, verify ? 16 : 1)) await flush()
  }
  if (pending.length > 0 && found.length < need) await flush()
  return found.slice(0, need)
}

async function filterAll(candidates: SanityDocument[], passes: Check, verify: ((batch: SanityDocument[]) => Promise<SanityDocument[]>) | null): Promise<SanityDocument[]> {
  const kept = candidates.filter(passes)
  return verify && kept.length > 0 ? verify(kept) : kept
}

/** groq-js's order(): by the keys, ties in input order. */
function sortByKeys(docs: SanityDocument[], keys: OrderKey[]): SanityDocument[] {
  const rows = docs.map((doc, index) => ({doc, index, values: keys.map((key) => indexValue(doc, key.path))}))
  rows.sort((a, b) => compareOrderKeys(keys, a.values, b.values) || a.index - b.index)
  return rows.map((row) => row.doc)
}

const FILTER_PARAM = `${SCAN_PARAM_PREFIX}batch`
const TAIL_PARAM = `${SCAN_PARAM_PREFIX}kept`
const remainingFilters = new WeakMap<FilterPlan, TreeNode>()
const tails = new WeakMap<Pipeline, TreeNode>()

/** The documents of `batch` (in order) for which groq-js finds the filter's remaining terms true. */
async function keepRemaining(filter: FilterPlan, batch: SanityDocument[], scope: Scope, context: ExecutionContext): Promise<SanityDocument[]> {
  let node = remainingFilters.get(filter)
  if (!node) {
    node = {type: 'Filter', base: {type: 'Parameter', name: FILTER_PARAM}, expr: filter.remaining}
    remainingFilters.set(filter, node)
  }
  return (await delegate(node, scope, context, {[FILTER_PARAM]: batch})) as SanityDocument[]
}

/** score/order/slice/element/count of a pipeline, applied by groq-js to the filtered documents. */
function tailOf(pipeline: Pipeline): TreeNode {
  let node = tails.get(pipeline)
  if (!node) {
    node = {type: 'Parameter', name: TAIL_PARAM}
    if (pipeline.score) node = {type: 'PipeFuncCall', func: undefined, name: 'score', base: node, args: pipeline.score}
    if (pipeline.order) node = {type: 'PipeFuncCall', func: undefined, name: 'order', base: node, args: pipeline.order}
    if (pipeline.slice) node = {type: 'Slice', base: node, ...pipeline.slice}
    if (pipeline.element !== null) node = {type: 'AccessElement', base: node, index: pipeline.element}
    if (pipeline.count) node = {type: 'FuncCall', namespace: 'global', name: 'count', args: [node]}
    tails.set(pipeline, node)
  }
  return node
}
