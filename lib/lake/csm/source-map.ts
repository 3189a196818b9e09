/**
 * Content Source Maps (`resultSourceMap=true|withKeyArraySelector` on queries): for each value in
 * a query result, the document and path it came from, in the format @sanity/client's stega
 * encoder and the Presentation tool's overlays read (`{documents, paths, mappings}`).
 *
 * Sanity computes these inside its query engine. groq-js does not track where values come from,
 * so the lake reconstructs it after evaluation from what the query read (engine/read-set.ts):
 * - an object or array in the result that *is* a value of a read document (groq-js hands out the
 *   stored, frozen objects for plain field access) maps to that value's path; the client resolves
 *   everything below it by suffix, as it does for Sanity's maps;
 * - a string maps to a path in the nearest enclosing result object's document (the one whose
 *   `_id` it carries) holding the same string, else in a document that one references (directly or
 *   through other referenced documents the query read: `author->name`, `post->slug.current`),
 *   preferring a path that ends in the same key as the result. Only a string outside any result
 *   object with an `_id` is looked up in every document the query read.
 * Strings computed by the query (`pt::text()`, concatenations, literals such as the fallback of
 * `coalesce(title, "Untitled")` or the branches of `select()`) get no mapping unless the enclosing
 * document or one it references holds the very same string, so nothing is encoded for them: a
 * list whose items each carry their `_id` never borrows another item's field for a literal (which
 * would also stega-encode the literal and break an app comparing it).
 */
import type {DocumentRead, SanityDocument} from '../engine/types'

type Segment = string | number | {_key: string; _index: number}

export interface ContentSourceMap {
  documents: {_id: string; _type: string}[]
  paths: string[]
  mappings: Record<string, {type: 'value'; source: {type: 'documentValue'; document: number; path: number}}>
}

interface DocumentIndex {
  strings: Map<string, Segment[][]>
  objects: Map<object, Segment[]>
}

const ESCAPES: Record<string, string> = {'\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', "'": "\\'", '\\': '\\\\'}

/** A JSON path as @sanity/client writes them: `$['a'][0][?(@._key=='k')]`. */
export function jsonPath(path: readonly Segment[]): string {
  return `$${path
    .map((segment) => {
      if (typeof segment === 'number') return `[${segment}]`
      if (typeof segment === 'string') return `['${segment.replace(/[\f\n\r\t'\\]/g, (c) => ESCAPES[c])}']`
      return segment._key !== '' ? `[?(@._key=='${segment._key.replace(/['\\]/g, (c) => ESCAPES[c])}')]` : `[${segment._index}]`
    })
    .join('')}`
}

function indexDocument(doc: SanityDocument, keyed: boolean): DocumentIndex {
  const index: DocumentIndex = {strings: new Map(), objects: new Map()}
  const walk = (value: unknown, path: Segment[]) => {
    if (typeof value === 'string') {
      const last = path.at(-1)
      // System fields (_type, _key, _ref…) are never shown text.
      if (typeof last === 'string' && last.startsWith('_')) return
      const list = index.strings.get(value) ?? []
      list.push(path)
      index.strings.set(value, list)
      return
    }
    if (typeof value !== 'object' || value === null) return
    if (path.length > 0 && !index.objects.has(value)) index.objects.set(value, path)
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const key = keyed && item && typeof item === 'object' && typeof (item as {_key?: unknown})._key === 'string' ? (item as {_key: string})._key : null
        walk(item, [...path, key !== null ? {_key: key, _index: i} : i])
      })
    } else {
      for (const [key, child] of Object.entries(value)) walk(child, [...path, key])
    }
  }
  walk(doc, [])
  return index
}

/**
 * `literals`: the string literals of the query. A result string equal to one of them is mapped only
 * to a field of the same name (`"title": coalesce(title, "Untitled")` of a document titled
 * "Untitled"), never by value alone to another field (`select(… => "published")` is no excerpt).
 */
export function contentSourceMap(
  result: unknown,
  reads: ReadonlyMap<string, DocumentRead>,
  keyed: boolean,
  literals: ReadonlySet<string> = new Set(),
): ContentSourceMap {
  const map: ContentSourceMap = {documents: [], paths: [], mappings: {}}
  const documentSlots = new Map<string, number>()
  const pathSlots = new Map<string, number>()
  const indexes = new Map<string, DocumentIndex>()
  const indexOf = (id: string) => {
    let index = indexes.get(id)
    if (!index) {
      index = indexDocument(reads.get(id)!.document, keyed)
      indexes.set(id, index)
    }
    return index
  }
  const ids = [...reads.keys()]

  const record = (resultPath: Segment[], id: string, path: Segment[]) => {
    const doc = reads.get(id)!.document
    const sourceId = typeof doc._originalId === 'string' ? doc._originalId : doc._id
    let document = documentSlots.get(sourceId)
    if (document === undefined) {
      document = map.documents.push({_id: sourceId, _type: doc._type}) - 1
      documentSlots.set(sourceId, document)
    }
    const docPath = jsonPath(path)
    let slot = pathSlots.get(docPath)
    if (slot === undefined) {
      slot = map.paths.push(docPath) - 1
      pathSlots.set(docPath, slot)
    }
    map.mappings[jsonPath(resultPath)] = {type: 'value', source: {type: 'documentValue', document, path: slot}}
  }

  const findObject = (value: object, context: string | null): [string, Segment[]] | null => {
    for (const id of context ? [context, ...ids] : ids) {
      const path = indexOf(id).objects.get(value)
      if (path) return [id, path]
    }
    return null
  }

  // The documents a result object's strings may come from: its own, and those it references.
  const reachable = new Map<string, string[]>()
  const reachableFrom = (context: string): string[] => {
    let list = reachable.get(context)
    if (list) return list
    const seen = new Set<string>([context])
    const queue = [context]
    while (queue.length) {
      const doc = reads.get(queue.shift()!)?.document
      for (const ref of references(doc)) {
        for (const id of [ref, `drafts.${ref}`]) {
          if (!seen.has(id) && reads.has(id)) {
            seen.add(id)
            queue.push(id)
          }
        }
      }
    }
    list = [...seen].slice(1)
    reachable.set(context, list)
    return list
  }

  const findString = (value: string, key: string | number | undefined, context: string | null): [string, Segment[]] | null => {
    for (const candidates of context ? [[context], reachableFrom(context)] : [ids]) {
      let fallback: [string, Segment[]] | null = null
      for (const id of candidates) {
        const paths = indexOf(id).strings.get(value)
        if (!paths) continue
        const sameKey = paths.find((path) => path.at(-1) === key)
        if (sameKey) return [id, sameKey]
        if (!literals.has(value)) fallback ??= [id, paths[0]]
      }
      if (fallback) return fallback
    }
    return null
  }

  const visit = (value: unknown, path: Segment[], context: string | null) => {
    if (typeof value === 'string') {
      const found = findString(value, path.at(-1) as string | number | undefined, context)
      if (found) record(path, found[0], found[1])
      return
    }
    if (typeof value !== 'object' || value === null) return
    const found = path.length > 0 ? findObject(value, context) : null
    if (found) {
      record(path, found[0], found[1])
      return
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, [...path, i], context))
      return
    }
    const own = (value as {_id?: unknown})._id
    const next = typeof own === 'string' && reads.has(own) ? own : context
    for (const [key, child] of Object.entries(value)) {
      if (!key.startsWith('_')) visit(child, [...path, key], next)
    }
  }
  visit(result, [], null)
  return map
}

/** Every `_ref` in a document (references anywhere in it, Portable Text mark definitions included). */
function references(doc: unknown): string[] {
  const out: string[] = []
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk)
    else if (value && typeof value === 'object') {
      const ref = (value as {_ref?: unknown})._ref
      if (typeof ref === 'string') out.push(ref)
      for (const child of Object.values(value)) if (child && typeof child === 'object') walk(child)
    }
  }
  walk(doc)
  return out
}

/** The string literals of a GROQ query (`"…"` and `'…'`, escapes resolved as GROQ reads them). */
export function queryStringLiterals(query: string): Set<string> {
  const literals = new Set<string>()
  for (const match of query.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g)) {
    // A single-quoted literal may hold a bare `"`, which JSON needs escaped; `\'` is GROQ's, not JSON's.
    const raw = match[1] ?? match[2].replace(/\\'/g, "'").replace(/(^|[^\\])"/g, '$1\\"')
    try {
      literals.add(JSON.parse(`"${raw}"`) as string)
    } catch {
      literals.add(raw)
    }
  }
  return literals
}
