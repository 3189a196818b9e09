/**
 * Builds tests/fixtures/groq-test-suite/suite.ndjson.gz (gzipped: the geo cases alone are 14 MB of
 * query text) from a local checkout of Sanity's public GROQ
 * test suite (github.com/sanity-io/groq-test-suite, MIT licence, copied beside the output). The
 * output has the shape of that repository's own `npm run build` (the `suite.ndjson` groq-js and
 * other GROQ implementations consume): one `dataset` entry per inline document set, then `test`
 * entries that reference them, the generated dataset last.
 *
 *   npx tsx scripts/build-groq-test-suite.ts /path/to/groq-test-suite [--out FILE]
 *
 * Expansion rules, as the suite's README and build script define them:
 * - a YAML file is a tree of test groups; a child inherits its parent's fields (query, params,
 *   result, dataset…), names are joined with " / " and `variables` are merged;
 * - `documents` define an inline dataset for the node and its children; a test without one runs
 *   against the empty dataset;
 * - `~name~` placeholders in a query are replaced by each combination of the `variables`
 *   alternatives (every occurrence is its own position; the first position varies fastest);
 * - for a test without its own dataset, each JSON-valued alternative is also stored as a field of a
 *   document in the shared "generated" dataset, and extra tests are derived: the expression used as
 *   a filter (`*[_id == id][expr][]._id`, and negated) when the field stands in for the value, the
 *   value fetched through `*[_id == id][0].field`, and a parent-scope join (`^.field`) for pairs of
 *   placeholders when the result is a boolean or null.
 * Tests on the external "movies" dataset (test/perf) are left out: it is not part of the checkout
 * (a download from Google Cloud Storage) and groq-js's runner skips them too.
 */
import {createHash} from 'node:crypto'
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {parseArgs} from 'node:util'
import {gzipSync} from 'node:zlib'

const yaml = createRequire(import.meta.url)('js-yaml') as {load(text: string): unknown}

type Json = null | boolean | number | string | Json[] | {[key: string]: Json}
type Node = Record<string, unknown>
type Ref = {_type: 'reference'; _ref: string}

const EXTERNAL_DATASETS: Record<string, string> = {
  movies: 'https://groq-test-suite.storage.googleapis.com/datasets/movies/movies-8807c4bb9fa31a9a6c21a4f7e41662d6.ndjson',
}
const PLACEHOLDER = /~(\w+)~/g
const TREE_FIELDS = new Set(['tests', 'variables', 'genFilter', 'genFetch', 'genJoin', 'standaloneVariables'])

class Ids {
  private used = new Set<string>()
  make(...parts: (string | undefined | null)[]): string {
    const base = parts
      .filter((part): part is string => part != null)
      .map((part) => part.toLowerCase().replace(/[^a-zA-Z0-9.]+/g, '-'))
      .join('-')
    let id = base
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`
    this.used.add(id)
    return id
  }
}

/** Every choice of one alternative per position; the first position changes fastest. */
function* combinations(variables: Record<string, unknown>, keys: string[]): Generator<unknown[]> {
  const choices = keys.map((key) => (Array.isArray(variables[key]) ? (variables[key] as unknown[]) : [variables[key]]))
  if (choices.some((list) => list.length === 0)) return
  const counters = keys.map(() => 0)
  for (;;) {
    yield counters.map((counter, i) => choices[i]![counter])
    let i = 0
    while (i < counters.length) {
      counters[i]!++
      if (counters[i]! < choices[i]!.length) break
      counters[i] = 0
      i++
    }
    if (i === counters.length) return
  }
}

function substitute(query: string, values: unknown[]): string {
  let i = 0
  return query.replace(PLACEHOLDER, () => String(values[i++]))
}

class SuiteBuilder {
  private readonly ids = new Ids()
  private readonly external = new Map<string, string>()
  private readonly generated = {id: 'dataset-generated', ids: new Ids(), documents: [] as Node[], byJson: new Map<string, {docId: string; field: string} | null>()}
  private emptyDataset?: string
  private readonly externalIds = new Set<string>()
  skippedExternal = 0

  constructor(private readonly emit: (entry: Node) => void) {}

  process(input: Node, filename: string) {
    const test = this.withDataset(input, filename)
    const hasQuery = test.query != null
    if (hasQuery && (Object.hasOwn(test, 'result') || test.valid === false)) {
      if (test.variables != null) {
        for (const expanded of this.expand(test)) this.emitTest({...test, ...expanded}, filename)
      } else if (!/~\w+~/.test(String(test.query))) {
        this.emitTest(test, filename)
      }
    }
    for (const child of (test.tests as Node[] | null | undefined) ?? []) {
      const name = test.name != null && child.name != null ? `${test.name} / ${child.name}` : (child.name ?? test.name)
      const variables = test.variables != null || child.variables != null ? {...(test.variables as Node), ...(child.variables as Node)} : null
      this.process({...test, tests: null, ...child, name, variables}, filename)
    }
  }

  finish() {
    this.emit({_id: this.generated.id, _type: 'dataset', name: 'Generated', url: 'generated', documents: this.generated.documents})
  }

  private withDataset(test: Node, filename: string): Node {
    const {dataset, documents, ...rest} = test
    let ref = dataset as Ref | string | undefined
    if (documents) {
      const docs = documents as Node[]
      for (const doc of docs) if (doc._type === undefined) throw new Error(`${filename}: document without _type: ${JSON.stringify(doc)}`)
      const _id = this.ids.make(sha1(filename))
      this.emit({_id, _type: 'dataset', name: 'inline', documents: docs, url: `file://${filename}`})
      ref = {_type: 'reference', _ref: _id}
    } else if (typeof dataset === 'string') {
      const url = EXTERNAL_DATASETS[dataset]
      if (!url) throw new Error(`${filename}: unknown dataset ${dataset}`)
      if (!this.external.has(url)) {
        this.external.set(url, sha1(url))
        this.externalIds.add(sha1(url))
      }
      ref = {_type: 'reference', _ref: this.external.get(url)!}
    }
    return {dataset: ref, ...rest}
  }

  private emitTest(test: Node, filename: string) {
    const _id = this.ids.make('test', test.name as string)
    if (!test.dataset) {
      if (!this.emptyDataset) {
        this.emptyDataset = sha1('about:blank')
        this.emit({_id: this.emptyDataset, _type: 'dataset', name: 'empty', url: 'about:blank', documents: []})
      }
      test = {...test, dataset: {_type: 'reference', _ref: this.emptyDataset}}
    }
    if (test.params != null && typeof test.params !== 'object') throw new Error(`${_id}: invalid params ${JSON.stringify(test.params)}`)
    if (test.version != null && typeof test.version !== 'string') throw new Error(`${_id}: invalid version ${JSON.stringify(test.version)}`)
    if (this.externalIds.has((test.dataset as Ref)._ref)) {
      this.skippedExternal++
      return
    }
    const valid = test.valid != null ? Boolean(test.valid) : true
    // The tree-building fields (tests, variables, gen* flags) are not part of a case.
    const fields = Object.fromEntries(Object.entries(test).filter(([key]) => !TREE_FIELDS.has(key)))
    this.emit({
      ...fields,
      _id,
      _type: 'test',
      name: test.name,
      query: test.query,
      result: valid ? test.result : null,
      valid,
      version: test.version,
      features: test.features ?? [],
      params: test.params ?? null,
      filename,
    })
  }

  /** Stores a JSON alternative as a field of its own document in the generated dataset (once per text). */
  private storeValue(text: unknown) {
    const key = String(text)
    if (this.generated.byJson.has(key)) return this.generated.byJson.get(key)!
    let stored: {docId: string; field: string} | null = null
    try {
      const value = JSON.parse(key) as Json
      const docId = this.generated.ids.make('d')
      const field = this.generated.ids.make('f').replace(/-/g, '_')
      this.generated.documents.push({_id: docId, _type: 'doc', [field]: value})
      stored = {docId, field}
    } catch {
      stored = null
    }
    this.generated.byJson.set(key, stored)
    return stored
  }

  private *expand(test: Node): Generator<Node> {
    const query = String(test.query)
    const keys = [...query.matchAll(PLACEHOLDER)].map((match) => match[1]!)
    const standalone = (key: string) => (Array.isArray(test.standaloneVariables) ? test.standaloneVariables.includes(key) : true)
    const flag = (name: string) => test[name] !== false
    const generate = flag('genFilter') || flag('genFetch') || flag('genJoin')
    const generatedRef: Ref = {_type: 'reference', _ref: this.generated.id}
    for (const values of combinations(test.variables as Node, keys)) {
      yield {query: substitute(query, values), result: test.result}
      if (!generate || test.dataset) continue
      for (let i = 0; i < keys.length; i++) {
        if (!standalone(keys[i]!)) continue
        const stored = this.storeValue(values[i])
        if (!stored) continue
        const fetchDoc = `*[_id == ${JSON.stringify(stored.docId)}]`
        if (flag('genFilter')) {
          const filter = substitute(query, values.with(i, stored.field))
          yield {query: `${fetchDoc}[${filter}][]._id`, result: test.result === true ? [stored.docId] : [], dataset: generatedRef}
          yield {query: `${fetchDoc}[!(${filter})][]._id`, result: test.result === false ? [stored.docId] : [], dataset: generatedRef}
        }
        if (flag('genFetch')) {
          yield {query: substitute(query, values.with(i, `${fetchDoc}[0].${stored.field}`)), dataset: generatedRef}
        }
        if (flag('genJoin') && (typeof test.result === 'boolean' || test.result === null)) {
          for (let j = i + 1; j < keys.length; j++) {
            if (!standalone(keys[j]!)) continue
            const other = this.storeValue(values[j])
            if (!other) continue
            const filter = substitute(query, values.with(i, `^.${stored.field}`).with(j, other.field))
            const inner = `*[_id == ${JSON.stringify(other.docId)}][${filter}]`
            yield {
              query: `${fetchDoc}{"children":${inner}[]._id}`,
              result: [{children: test.result === true ? [other.docId] : []}],
              dataset: generatedRef,
            }
          }
        }
      }
    }
  }
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex')
}

function listYaml(dir: string, base = dir): string[] {
  return fs
    .readdirSync(dir, {withFileTypes: true})
    .flatMap((entry) => {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) return listYaml(full, base)
      return entry.name.endsWith('.yml') ? [path.relative(base, full)] : []
    })
    .sort()
}

function main() {
  const {values, positionals} = parseArgs({allowPositionals: true, options: {out: {type: 'string'}}})
  const checkout = positionals[0]
  if (!checkout) {
    console.error('usage: npx tsx scripts/build-groq-test-suite.ts /path/to/groq-test-suite [--out FILE]')
    process.exit(2)
  }
  const testDir = path.join(checkout, 'test')
  const out = values.out ?? path.join(import.meta.dirname, '..', 'tests', 'fixtures', 'groq-test-suite', 'suite.ndjson.gz')
  const lines: string[] = []
  const builder = new SuiteBuilder((entry) => lines.push(JSON.stringify(entry)))
  for (const filename of listYaml(testDir)) {
    builder.process(yaml.load(fs.readFileSync(path.join(testDir, filename), 'utf8')) as Node, filename)
  }
  builder.finish()
  fs.mkdirSync(path.dirname(out), {recursive: true})
  const text = `${lines.join('\n')}\n`
  fs.writeFileSync(out, out.endsWith('.gz') ? gzipSync(text, {level: 9}) : text)
  console.log(`wrote ${lines.length} entries to ${out} (${builder.skippedExternal} tests on external datasets left out)`)
}

main()
