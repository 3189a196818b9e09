/**
 * The indexes a query builds first after the lake opens come from SQLite, not from parsed
 * documents: a path's values (a column) and, for `x in path[].sub`, the values at `sub` of each
 * array element (a member column) are extracted by SQLite from the path's covering index; lists
 * filtered by the same document-only terms are shared by every pipeline with those terms; an
 * ordering by a path already ordered on (other direction or tie-breakers) is re-sorted from that
 * one. Each must give exactly what groq-js gives over the same documents, with awkward values
 * (escapes, unicode, numbers, booleans, null, objects, nested arrays, missing keys), after a
 * reopen (nothing parsed: the SQLite paths answer) and across create/patch/delete/publish/discard.
 */
import Database from 'better-sqlite3'
import {evaluate, parse} from 'groq-js'
import {describe, expect, it} from 'vitest'
import type {Action, Engine, Perspective} from '@/lib/lake/engine'
import type {DatasetDocuments} from '@/lib/lake/engine/document-cache'
import type {LakeEngine} from '@/lib/lake/engine/engine'
import {valueAt} from '@/lib/lake/engine/groq-order'
import {applyPerspective, resolvePerspective} from '@/lib/lake/engine/perspective'
import {author, DS, testEngine} from './helpers'

const A = 'sanity.action.document.'
const PERSPECTIVES: Perspective[] = ['raw', 'published', 'drafts']

/** Scalar values whose JSON or SQLite forms are awkward. */
const VALUES: unknown[] = [
  'plain', 'with "quotes"', 'back\\slash', 'line\nbreak', 'ünïcödé', '😀 astral', '\u2028sep', '', '10', '9', 'true', 'null',
  0, -1, 1.5, 10, 9, 1e21, 12345678901, true, false, null,
]

function item(i: number): unknown {
  switch (i % 7) {
    case 0:
      return {_key: `k${i}`, _ref: VALUES[i % VALUES.length]}
    case 1:
      return {_key: `k${i}`} // no _ref: its value is null
    case 2:
      return VALUES[(i * 5) % VALUES.length] // a scalar element
    case 3:
      return [VALUES[i % VALUES.length]] // a nested array
    case 4:
      return {_key: `k${i}`, _ref: {nested: VALUES[i % VALUES.length]}} // an object value
    case 5:
      return null
    default:
      return {_key: `k${i}`, _ref: VALUES[(i * 3) % VALUES.length], other: 1}
  }
}

function doc(i: number, prefix = ''): Record<string, unknown> {
  const value = i % 11 === 10 ? {an: 'object'} : i % 13 === 12 ? [1, 2] : VALUES[i % VALUES.length]
  const out: Record<string, unknown> = {
    _id: `${prefix}doc-${String(i).padStart(3, '0')}`,
    _type: i % 4 === 0 ? 'page' : 'post',
    title: `Title ${i % 9}`,
    rank: i % 6 === 5 ? String(i % 4) : i % 4,
    nested: {value},
    arr: i % 9 === 8 ? 'not an array' : [item(i), item(i + 3), item(i * 2 + 1)],
    slug: i % 5 === 4 ? undefined : {current: `s${i % 30}`},
  }
  if (i % 8 !== 7) out.value = value
  return out
}

const QUERIES: [string, (x: unknown) => Record<string, unknown>][] = [
  ['*[value == $x]._id', (x) => ({x})],
  ['*[nested.value == $x]._id', (x) => ({x})],
  ['*[$x in arr[]._ref]._id', (x) => ({x})],
  ['*[$x in arr[]]._id', (x) => ({x})],
  ['count(*[_type == "post" && $x in arr[]._ref])', (x) => ({x})],
  ['count(*[$x in arr[]])', (x) => ({x})],
  ['count(*[nested.value == $x])', (x) => ({x})],
  ['*[_type == "post" && defined(slug.current) && $x in arr[]._ref] | order(rank desc, _id desc)[0...4]._id', (x) => ({x})],
]

/** Order and static-filter shapes that share indexes: each builds on the ones before it. */
const ORDERS: [string, Record<string, unknown>][] = [
  ['*[_type == "post"] | order(rank desc, _id desc)[0...40]._id', {}],
  ['*[_type == "post"] | order(rank asc)[0...40]._id', {}],
  ['*[_type == "post"] | order(rank desc)[0...40]._id', {}],
  ['*[_type == "post"] | order(rank, title desc)[0...40]._id', {}],
  ['*[_type == "post" && defined(slug.current) && !(_id in path("drafts.**"))] | order(value desc, _id desc)[0...40]._id', {}],
  ['*[_type == "post" && !(_id in path("drafts.**")) && defined(slug.current) && value != 0] | order(value asc)[0...40]._id', {}],
  ['*[_type == "post" && defined(slug.current) && !(_id in path("drafts.**")) && title != "Title 3"] | order(value desc)[0...40]._id', {}],
  ['count(*[_type == "post" && defined(slug.current) && !(_id in path("drafts.**")) && value <= "s"])', {}],
  // The document-only terms differ between evaluations (`$all || defined(…)`): lists must not be shared across them.
  ['*[_type == "post" && ($all || defined(slug.current))] | order(rank desc, _id)[0...60]._id', {all: true}],
  ['*[_type == "post" && ($all || defined(slug.current))] | order(rank desc, _id)[0...60]._id', {all: false}],
  ['count(*[_type == "post" && ($all || defined(slug.current))])', {all: true}],
  ['count(*[_type == "post" && ($all || defined(slug.current))])', {all: false}],
  ['*[_type == "post" && ($all || defined(slug.current))][0...60]._id', {all: true}],
]

async function expectAgreement(engine: Engine, step: string): Promise<void> {
  const stored = [...engine.exportDocuments(DS)]
  for (const perspective of PERSPECTIVES) {
    const dataset = applyPerspective(stored, resolvePerspective(perspective), {access: 'all', includeVersions: true})
    const check = async (query: string, params: Record<string, unknown>) => {
      const expected = await (await evaluate(parse(query, {params}), {dataset, params})).get()
      const {result} = await engine.query(DS, query, params, {perspective})
      expect(result, `${step}, ${perspective}: ${query} ${JSON.stringify(params)}`).toEqual(expected)
    }
    for (const [query, params] of QUERIES) for (const x of VALUES) await check(query, params(x))
    for (const [query, params] of ORDERS) await check(query, params)
  }
}

async function seeded(): Promise<LakeEngine & {file: string}> {
  const engine = testEngine() as LakeEngine & {file: string}
  const docs = Array.from({length: 120}, (_, i) => doc(i))
  for (let i = 0; i < 120; i += 10) docs.push(doc(i + 1, 'drafts.'))
  await engine.mutate(DS, docs.map((create) => ({create})), author)
  return engine
}

describe('indexes built from SQLite after open', () => {
  it('columns and member columns extracted by SQLite answer as groq-js does, without parsing documents', async () => {
    const first = await seeded()
    first.close()
    const engine = testEngine(first.file) as LakeEngine & {file: string}
    // Counts only (results are documents, parsed to be returned): the indexes decide, from SQLite alone.
    const counts = ['count(*[value == $x])', 'count(*[nested.value == $x])', 'count(*[$x in arr[]._ref])', 'count(*[$x in arr[]])', 'count(*[_type == "post" && $x in arr[]._ref])']
    for (const perspective of PERSPECTIVES) {
      for (const query of counts) for (const x of VALUES) await engine.query(DS, query, {x}, {perspective})
    }
    expect(engine.workingSet(DS).parsed).toBe(0)
    await expectAgreement(engine, 'reopened')
  })

  it('shared static lists and re-sorted orderings stay exact across commits and a reopen', async () => {
    const engine = await seeded()
    await expectAgreement(engine, 'initial')
    await engine.mutate(DS, [{create: doc(200)}, {create: doc(201)}], author)
    await expectAgreement(engine, 'create')
    await engine.mutate(DS, [{patch: {id: 'doc-005', set: {rank: 3, value: 'plain', arr: [{_ref: 'with "quotes"'}]}}}, {patch: {id: 'doc-010', unset: ['slug']}}], author)
    await expectAgreement(engine, 'patch')
    await engine.mutate(DS, [{delete: {id: 'doc-006'}}], author)
    await expectAgreement(engine, 'delete')
    const act = (actions: Action[]) => engine.act(DS, actions, author)
    await act([{actionType: `${A}create`, publishedId: 'doc-002', attributes: {...doc(2), _id: 'drafts.doc-002', rank: 9, value: 9}}])
    await act([{actionType: `${A}publish`, draftId: 'drafts.doc-002', publishedId: 'doc-002'}])
    await expectAgreement(engine, 'publish')
    await act([{actionType: `${A}create`, publishedId: 'doc-003', attributes: {...doc(3), _id: 'drafts.doc-003', value: 'ünïcödé'}}])
    await act([{actionType: `${A}discard`, draftId: 'drafts.doc-003'}])
    await expectAgreement(engine, 'discard')
    engine.close()
    await expectAgreement(testEngine(engine.file), 'reopened')
  })
})

describe('warm-up after open', () => {
  /** The site's and the Studio's shapes: what a restart should find built. */
  const SHAPES: [string, Record<string, unknown>, Perspective][] = [
    ['*[_type == "post" && defined(slug.current) && !(_id in path("drafts.**"))] | order(rank desc, _id desc)[0...5]{_id, rank}', {}, 'published'],
    ['count(*[_type == "post" && defined(slug.current) && !(_id in path("drafts.**")) && rank <= 2])', {}, 'published'],
    ['*[_type == "post" && slug.current == $s][0]{_id, "prev": *[_type == "post" && defined(slug.current) && !(_id in path("drafts.**")) && rank < ^.rank] | order(rank desc)[0]._id}', {s: 's3'}, 'published'],
    ['*[_type == "post" && defined(slug.current) && !(_id in path("drafts.**")) && $x in arr[]._ref] | order(rank desc, _id desc)[0...5]._id', {x: 'plain'}, 'published'],
    ['count(*[_type == "post" && defined(slug.current) && !(_id in path("drafts.**")) && $x in arr[]._ref && rank <= 2])', {x: 'plain'}, 'published'],
    ['*[references("plain")]._id', {}, 'raw'],
    ['*[_type == "post" && !(_id in path("versions.**"))] | order(_updatedAt desc)[0...10]{_id, title}', {}, 'raw'],
    ['*[_type == "page"] | order(title asc, _id)[0...10]._id', {}, 'drafts'],
  ]

  async function expectShapes(engine: Engine, step: string): Promise<void> {
    const stored = [...engine.exportDocuments(DS)]
    for (const [query, params, perspective] of SHAPES) {
      const dataset = applyPerspective(stored, resolvePerspective(perspective), {access: 'all', includeVersions: true})
      const expected = await (await evaluate(parse(query, {params}), {dataset, params})).get()
      const {result} = await engine.query(DS, query, params, {perspective})
      expect(result, `${step}, ${perspective}: ${query}`).toEqual(expected)
    }
  }

  it('a restart builds the indexes the last run built, before the first query needs them', async () => {
    const first = await seeded()
    await expectShapes(first, 'first run')
    const built = first.workingSet(DS).indexBuilds
    expect(built).toBeGreaterThan(8)
    first.close()
    // Lookups answered by scans (their index to be built later) are noted too: the next run builds them.
    const db = new Database(first.file, {readonly: true})
    const kinds = new Set(db.prepare('SELECT hint FROM index_hints').pluck().all().map((hint) => (JSON.parse(hint as string) as {index: {kind: string}}).index.kind))
    db.close()
    expect([...kinds].sort()).toEqual(['containing', 'equality', 'references', 'sorted', 'static', 'staticSorted', 'types'])

    const engine = testEngine(first.file) as LakeEngine & {file: string}
    await engine.warmedUp
    const warmed = engine.workingSet(DS).indexBuilds
    expect(warmed).toBeGreaterThanOrEqual(built)
    await expectShapes(engine, 'warmed up')
    // Every index those queries need was there already.
    expect(engine.workingSet(DS).indexBuilds).toBe(warmed)
  })

  it('queries and commits arriving during the warm-up are answered exactly, and the warmed indexes follow the commits', async () => {
    const first = await seeded()
    await expectShapes(first, 'first run')
    // The paths' SQLite indexes built (path-indexes.ts): the next run's writes are not held by their builds.
    await (first as unknown as {store: {pathIndexes: {buildNow(): Promise<void>}}}).store.pathIndexes.buildNow()
    first.close()
    const engine = testEngine(first.file) as LakeEngine & {file: string}
    let warm = false
    void engine.warmedUp.then(() => (warm = true))
    // No await before these: they interleave with the warm-up's steps (the first runs before any).
    await expectShapes(engine, 'during warm-up')
    await engine.mutate(DS, [{patch: {id: 'doc-001', set: {rank: 99, slug: {current: 's3'}, arr: [{_ref: 'plain'}]}}}, {delete: {id: 'doc-013'}}], author)
    const committedDuring = !warm
    await expectShapes(engine, 'after a commit')
    await engine.warmedUp
    await expectShapes(engine, 'after warm-up and a commit')
    expect(committedDuring, 'the commit landed while the warm-up still ran').toBe(true)
    await engine.mutate(DS, [{create: {...doc(300), rank: -5, arr: [{_ref: 'plain'}]}}], author)
    await expectShapes(engine, 'after another commit')
  })

  it('hints another version wrote, or garbled ones, are skipped', async () => {
    const first = await seeded()
    await expectShapes(first, 'first run')
    first.close()
    const db = new Database(first.file)
    const insert = db.prepare('INSERT INTO index_hints (dataset, hint, noted_at) VALUES (?, ?, ?)')
    const view = {perspective: {kind: 'published'}, scope: {access: 'public', includeVersions: true}}
    for (const hint of [
      'not json',
      JSON.stringify({view, index: {kind: 'unknown'}}),
      JSON.stringify({view, index: {kind: 'sorted', types: null, keys: 'rank'}}),
      JSON.stringify({view, index: {kind: 'static', key: '["[\\"nonsense\\"]"]'}}),
      JSON.stringify({view, index: {kind: 'staticSorted', key: 'not json', keys: [{path: ['rank'], desc: true}]}}),
      JSON.stringify({view: {perspective: {kind: 'stack', layers: 'drafts'}, scope: view.scope}, index: {kind: 'references'}}),
      JSON.stringify({view, index: {kind: 'equality', path: []}}),
    ]) {
      insert.run(DS, hint, Date.now() + 1000)
    }
    db.close()
    const errors: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => errors.push(args)
    try {
      const engine = testEngine(first.file) as LakeEngine & {file: string}
      await engine.warmedUp
      expect(errors).toEqual([])
      const warmed = engine.workingSet(DS).indexBuilds
      await expectShapes(engine, 'after garbled hints')
      expect(engine.workingSet(DS).indexBuilds).toBe(warmed)
    } finally {
      console.error = original
    }
  })
})

describe('equality lookups before their index exists', () => {
  it('a scan of the column answers the first lookups exactly, an old snapshot keeps its own answer, and the index follows', async () => {
    const engine = await seeded()
    engine.close()
    const reopened = testEngine(engine.file) as LakeEngine & {file: string}
    const documents = (reopened as unknown as {documents(dataset: string): DatasetDocuments}).documents(DS)
    // A path per perspective, so each first lookup by it comes before any index of it exists.
    const cases: [Perspective, string[], unknown][] = [['raw', ['value'], 'plain'], ['published', ['nested', 'value'], 'plain'], ['drafts', ['title'], 'Title 2']]
    for (const [perspective, path, value] of cases) {
      const resolved = resolvePerspective(perspective)
      const scope = {access: 'all', includeVersions: true} as const
      const holding = (docs: Record<string, unknown>[]) => docs.filter((doc) => valueAt(doc, path) === value).map((doc) => doc._id)
      const view = documents.view(resolved, scope)
      const beforeDocs = applyPerspective([...reopened.exportDocuments(DS)], resolved, scope)
      const before = holding(beforeDocs)
      const ordered = async (docs: Record<string, unknown>[]) =>
        (await (await evaluate(parse(`*[] | order(${path.join('.')} desc)._id`), {dataset: docs})).get()) as string[]
      // The snapshot outlives a commit that changes which documents hold the value (drafts included).
      const set = (to: unknown) => Object.fromEntries([[path.join('.'), to]])
      await reopened.mutate(DS, [{patch: {id: 'doc-000', set: set('gone')}}, {patch: {id: 'doc-011', set: set(value)}}, {patch: {id: 'drafts.doc-021', set: set(value)}}], author)
      const now = holding(applyPerspective([...reopened.exportDocuments(DS)], resolved, scope))
      expect(now, 'the commit changed the answer').not.toEqual(before)
      expect(view.equal(path, value).map((doc) => doc._id), `${perspective}: old snapshot`).toEqual(before)
      const current = documents.view(resolved, scope)
      expect(current.equal(path, value).map((doc) => doc._id), `${perspective}: current`).toEqual(now)
      // Orderings by the path: the current view's from SQLite's order of its column, the old one's by its own documents.
      const keys = [{path, desc: true}]
      expect(view.sorted(null, keys).entries.map((entry) => entry.doc._id), `${perspective}: old snapshot ordered`).toEqual(await ordered(beforeDocs))
      const nowDocs = applyPerspective([...reopened.exportDocuments(DS)], resolved, scope)
      expect(current.sorted(null, keys).entries.map((entry) => entry.doc._id), `${perspective}: current ordered`).toEqual(await ordered(nowDocs))
    }
    // `value in path[].sub`: SQLite finds one value's documents before the membership index exists.
    const memberCases: [Perspective, string[], string[], string][] = [['raw', ['arr'], ['_ref'], 'plain'], ['published', ['arr'], [], 'true'], ['drafts', ['arr'], ['_ref'], '10']]
    for (const [perspective, path, sub, value] of memberCases) {
      const resolved = resolvePerspective(perspective)
      const scope = {access: 'all', includeVersions: true} as const
      const holding = (docs: Record<string, unknown>[]) =>
        docs.filter((doc) => {
          const array = valueAt(doc, path)
          return Array.isArray(array) && array.some((element) => valueAt(element, sub) === value)
        }).map((doc) => doc._id)
      const view = documents.view(resolved, scope)
      const before = holding(applyPerspective([...reopened.exportDocuments(DS)], resolved, scope))
      const element = sub.length === 0 ? value : {_key: 'n', [sub[0]]: value}
      await reopened.mutate(DS, [{patch: {id: 'doc-012', set: {arr: []}}}, {patch: {id: 'doc-015', set: {arr: [element]}}}, {patch: {id: 'drafts.doc-031', set: {arr: [element]}}}], author)
      const now = holding(applyPerspective([...reopened.exportDocuments(DS)], resolved, scope))
      expect(now, 'the commit changed the answer').not.toEqual(before)
      expect(view.containing(path, sub, value).map((doc) => doc._id), `${perspective}: old snapshot`).toEqual(before)
      const current = documents.view(resolved, scope)
      expect(current.containing(path, sub, value).map((doc) => doc._id), `${perspective}: current`).toEqual(now)
      await reopened.mutate(DS, [{patch: {id: 'doc-015', set: {arr: []}}}], author)
    }
    // Lookups answered by scans leave a background build behind: after it, the index answers.
    await new Promise((resolve) => setTimeout(resolve, 20))
    const builds = reopened.workingSet(DS).indexBuilds
    expect(builds).toBeGreaterThan(0)
    await expectAgreement(reopened, 'after background builds')
  })
})
