/**
 * What a query read: the input the lake's sync tags are computed from (lib/lake/live/sync-tags.ts).
 *
 * Two halves that together say which future commits could change a query's result:
 * - statically, per `*[filter]` scan: the document types it can match and the top-level fields its
 *   filter and its `order()`/`score()` read (`analyzeScans`, on the parsed tree before planning).
 *   A commit can change which documents the scan yields only by creating or deleting a document of
 *   those types or changing one of those fields;
 * - dynamically, per document groq-js saw (`ReadTracker`): the top-level fields read on it. The
 *   evaluator sees documents through read-recording proxies; dereferenced ids are recorded as such
 *   (also when missing, because creating them changes the result).
 * A document whose reads stay within its scans' fields needs no tag of its own: any change to what
 * was read already changes a scan field. Anything the analysis cannot follow counts as "every
 * field" (`null`), which is coarser but never misses a change.
 */
import type {ExprNode} from 'groq-js'
import {forEachChild, isNode, type TreeNode} from './scan-plan'
import type {DocumentRead, SanityDocument, ScanDependency} from './types'
import {isHandle} from './document-cache'

export type {DocumentRead, ReadSet, ScanDependency} from './types'

// ---- static half ----

type Node = TreeNode

/** Every `*` (filtered or not) in a freshly parsed tree, with what decides its membership. */
export function analyzeScans(tree: ExprNode): ScanDependency[] {
  const found = new Map<Node, {types: string[] | null; fields: Set<string> | null}>()
  const visit = (node: Node) => {
    if (node.type === 'Filter' && isNode(node.base) && node.base.type === 'Everything') {
      scanBelow(node, found)
      if (isNode(node.expr)) visit(node.expr)
      return
    }
    if (node.type === 'Everything') {
      // An unfiltered `*`: only creations and deletions change it (every document has an `_id`).
      found.set(node, {types: null, fields: new Set(['_id'])})
      return
    }
    if (node.type === 'PipeFuncCall') {
      // `*[…] | order(a) | score(b)`: the ordering fields decide which documents a slice keeps.
      const scan = scanBelow(node.base, found)
      if (scan && Array.isArray(node.args)) {
        for (const arg of node.args) {
          if (scan.fields && !collectFields(arg, 0, scan.fields)) scan.fields = null
        }
      }
    }
    forEachChild(node, visit)
  }
  visit(tree as unknown as Node)
  return [...found.values()].map(({types, fields}) => ({types, fields: fields ? [...fields].sort() : null}))
}

/** The scan a pipe applies to, through nested pipes and parentheses. Children are visited first. */
function scanBelow(base: unknown, found: Map<Node, {types: string[] | null; fields: Set<string> | null}>) {
  let node = base
  while (isNode(node) && (node.type === 'PipeFuncCall' || node.type === 'Group')) node = node.base
  if (!isNode(node) || node.type !== 'Filter' || !isNode(node.base) || node.base.type !== 'Everything') return undefined
  if (!found.has(node)) {
    const fields = new Set<string>()
    found.set(node, {types: typesOf(node.expr), fields: collectFields(node.expr, 0, fields) ? fields : null})
  }
  return found.get(node)
}

/** `_type == "x"` and `_type in [...]` terms of the filter's `&&` chain. */
function typesOf(expr: unknown): string[] | null {
  let types: Set<string> | null = null
  for (const term of conjuncts(expr)) {
    const termTypes = typeTerm(term)
    if (!termTypes) continue
    const previous: Set<string> | null = types
    types = previous ? new Set([...previous].filter((t: string) => termTypes.has(t))) : termTypes
  }
  return types ? [...types].sort() : null
}

function conjuncts(expr: unknown): unknown[] {
  if (isNode(expr) && expr.type === 'And') return [...conjuncts(expr.left), ...conjuncts(expr.right)]
  if (isNode(expr) && expr.type === 'Group') return conjuncts(expr.base)
  return [expr]
}

const isTypeAttribute = (node: unknown) => isNode(node) && node.type === 'AccessAttribute' && node.name === '_type' && (!node.base || (isNode(node.base) && node.base.type === 'This'))
const stringValue = (node: unknown) => (isNode(node) && node.type === 'Value' && typeof node.value === 'string' ? node.value : undefined)

function typeTerm(term: unknown): Set<string> | null {
  if (!isNode(term) || term.type !== 'OpCall') return null
  const {op, left, right} = term
  if (op === '==') {
    const value = isTypeAttribute(left) ? stringValue(right) : isTypeAttribute(right) ? stringValue(left) : undefined
    return value === undefined ? null : new Set([value])
  }
  if (op === 'in' && isTypeAttribute(left) && isNode(right) && right.type === 'Array' && Array.isArray(right.elements)) {
    const values: (string | undefined)[] = (right.elements as Node[]).map((element) => (element.isSplat ? undefined : stringValue(element.value)))
    return values.every((v): v is string => v !== undefined) ? new Set<string>(values) : null
  }
  return null
}

/** Nodes whose `expr` (or pipe `args`) is evaluated once per element, one scope deeper. */
const SCOPED = new Set(['Filter', 'Projection', 'Map', 'FlatMap'])

/**
 * Adds to `fields` the top-level fields of the scanned document (scope 0) that `node` reads.
 * Returns false when it reads the document in a way we cannot name field by field.
 */
function collectFields(node: unknown, depth: number, fields: Set<string>): boolean {
  if (!isNode(node)) return true
  switch (node.type) {
    case 'AccessAttribute': {
      const base = node.base
      if (!base || (isNode(base) && base.type === 'This')) {
        if (depth === 0) fields.add(String(node.name))
        return true
      }
      if (isNode(base) && base.type === 'Parent' && depth - Number(base.n ?? 1) === 0) {
        fields.add(String(node.name))
        return true
      }
      return collectFields(base, depth, fields)
    }
    case 'This':
      return depth !== 0
    case 'Parent':
      return depth - Number(node.n ?? 1) !== 0
    case 'Everything':
      // An inner scan is a scan of its own; it reads our document only through `^`, handled above.
      return true
    case 'FuncCall':
      // references() and the sanity:: functions read the whole current document implicitly.
      if (depth === 0 && (node.name === 'references' || node.namespace === 'sanity' || node.namespace === 'releases')) return false
      break
    case 'PipeFuncCall': {
      if (!collectFields(node.base, depth, fields)) return false
      const args = Array.isArray(node.args) ? node.args : []
      return args.every((arg: unknown) => collectFields(arg, depth + 1, fields))
    }
    default:
      if (SCOPED.has(node.type as string)) return collectFields(node.base, depth, fields) && collectFields(node.expr, depth + 1, fields)
  }
  let ok = true
  forEachChild(node, (child) => {
    if (ok && !collectFields(child, depth, fields)) ok = false
  })
  return ok
}

// ---- dynamic half ----

/**
 * Keys groq-js and JSON look up on any object to learn what it is (an iterator? a promise?), not
 * as fields. They count as reads only when the document has such a field.
 */
const PROBED_KEYS = new Set(['next', 'then', 'toJSON', 'hasOwnProperty', 'constructor', 'valueOf', 'toString'])

/** Records, per document, the top-level fields the evaluator reads. One per query evaluation. */
export class ReadTracker {
  readonly documents = new Map<string, DocumentRead>()
  readonly missing = new Set<string>()
  private readonly proxies = new WeakMap<object, SanityDocument>()

  /** One handler for all of this evaluation's proxies: cheaper than closures per document. */
  private readonly handler: ProxyHandler<SanityDocument> = {
    get: (target, key, receiver) => {
      this.note(target, key)
      return Reflect.get(target, key, receiver)
    },
    has: (target, key) => {
      this.note(target, key)
      return Reflect.has(target, key)
    },
    getOwnPropertyDescriptor: (target, key) => {
      this.note(target, key)
      return Reflect.getOwnPropertyDescriptor(target, key)
    },
    ownKeys: (target) => {
      this.entry(target).fields = null
      return Reflect.ownKeys(target)
    },
  }

  private note(doc: SanityDocument, key: string | symbol): void {
    if (typeof key !== 'string') return
    const read = this.entry(doc)
    if (!read.fields) return
    if (PROBED_KEYS.has(key) && !Object.hasOwn(doc, key)) return
    read.fields.add(key)
  }

  /** The document as the evaluator should see it: reads are recorded. */
  wrap(doc: SanityDocument): SanityDocument {
    this.entry(doc)
    const proxy = new Proxy(doc, this.handler)
    this.proxies.set(proxy, doc)
    return proxy
  }

  /** A `->` target (or its absence). */
  dereferenced(id: string, doc: SanityDocument | undefined): SanityDocument | undefined {
    if (!doc) {
      this.missing.add(id)
      return undefined
    }
    this.entry(doc).dereferenced = true
    return this.wrap(doc)
  }

  /**
   * Replaces the proxies in an evaluation result by the documents themselves (callers may clone or
   * freeze results), counting a document returned whole as "all fields read". Stored documents are
   * deep-frozen and never contain proxies, so frozen objects are not descended into.
   */
  unwrap(value: unknown): unknown {
    if (typeof value !== 'object' || value === null) return value
    const target = this.proxies.get(value)
    if (target) {
      this.entry(target).fields = null
      return target
    }
    if (Object.isFrozen(value) || isHandle(value)) return value
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.unwrap(value[i])
    } else {
      const record = value as Record<string, unknown>
      for (const key of Object.keys(record)) record[key] = this.unwrap(record[key])
    }
    return value
  }

  private entry(doc: SanityDocument): DocumentRead {
    let read = this.documents.get(doc._id)
    if (!read) {
      read = {type: doc._type, fields: new Set(), dereferenced: false, document: doc}
      this.documents.set(doc._id, read)
    }
    return read
  }
}
