/**
 * A query naming an attribute path no query named before must not freeze the lake (issue #12:
 * no request may hurt the site). The path's first read (every document's JSON) is done by a
 * worker on its own connection; the query waits for it asynchronously and answers exactly as
 * groq-js does before the path's SQLite index exists. The index is then built in a worker too,
 * while the engine holds its writes (the build holds SQLite's write lock) and commits them after
 * it, acknowledging each only once durable. A path no document holds gets no index.
 *
 * Not tested here: a crash in the middle of a build. `CREATE INDEX` is one SQLite statement in
 * its own transaction, so a kill leaves no index (SQLite's own guarantee, not the engine's code);
 * the next use of the path reads it in a worker again and asks for the index again.
 */
import fs from 'node:fs'
import Database from 'better-sqlite3'
import {evaluate, parse} from 'groq-js'
import {afterEach, describe, expect, it, vi} from 'vitest'
import type {LakeEngine} from '@/lib/lake/engine/engine'
import {pathIndexSettings, type PathIndexes} from '@/lib/lake/engine/path-indexes'
import {author, DS, testEngine} from './helpers'

afterEach(() => {
  pathIndexSettings.background = true
})

function doc(i: number): Record<string, unknown> {
  return {
    _id: `doc-${String(i).padStart(4, '0')}`,
    _type: 'post',
    foo: i % 5 === 4 ? {} : {bar: i % 7 === 6 ? String(i % 3) : i % 3},
    tags: i % 4 === 3 ? 'none' : [{name: `t${i % 6}`}, {name: `t${(i + 1) % 6}`}],
    // A body worth indexing around: builds and reads take a while, so the event loop can be seen turning.
    body: 'lorem ipsum '.repeat(60),
  }
}

async function seeded(count: number): Promise<LakeEngine & {file: string}> {
  const engine = testEngine() as LakeEngine & {file: string}
  for (let i = 0; i < count; i += 500) {
    await engine.mutate(DS, Array.from({length: Math.min(500, count - i)}, (_, k) => ({create: doc(i + k)})), author)
  }
  return engine
}

function pathIndexesOf(engine: LakeEngine): PathIndexes {
  return (engine as unknown as {store: {pathIndexes: PathIndexes}}).store.pathIndexes
}

/** The path indexes in the file, as another connection sees them. */
function indexedPaths(file: string): string[] {
  const db = new Database(file, {readonly: true})
  try {
    return db.prepare<[], string>("SELECT sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'documents_path_%'").pluck().all()
  } finally {
    db.close()
  }
}

async function groqJs(engine: LakeEngine, query: string, params: Record<string, unknown> = {}): Promise<unknown> {
  const dataset = [...engine.exportDocuments(DS)]
  return (await evaluate(parse(query, {params}), {dataset, params})).get()
}

describe('path indexes built off the event loop', () => {
  it('a query on a new path answers exactly before its index exists; the index follows and is used; a path nobody holds gets none', async () => {
    const seeding = await seeded(600)
    seeding.close()
    // Opened again: nothing parsed, so every path is read from SQLite.
    pathIndexSettings.background = false
    const engine = testEngine(seeding.file) as LakeEngine & {file: string}
    const indexes = pathIndexesOf(engine)
    const readsBefore = indexes.workerReads
    for (const [query, params] of [
      ['*[foo.bar == $x]._id', {x: 1}],
      ['count(*[foo.bar == $x])', {x: '2'}],
      ['*[$t in tags[].name] | order(_id desc)[0...5]._id', {t: 't3'}],
      ['count(*[$t in tags[].name])', {t: 't5'}],
      ['*[nothing.here == 1]._id', {}],
    ] as const) {
      // Expected from the documents as written (reading them through the engine would parse them all).
      const expected = await (await evaluate(parse(query, {params}), {dataset: Array.from({length: 600}, (_, i) => doc(i)), params})).get()
      expect((await engine.query(DS, query, params)).result, query).toEqual(expected)
    }
    // The first reads of foo.bar, tags and nothing.here were done by workers, not on the lake's connection.
    expect(indexes.workerReads - readsBefore).toBeGreaterThanOrEqual(3)
    expect(indexedPaths(engine.file)).toEqual([])

    pathIndexSettings.background = true
    await indexes.buildNow()
    const built = indexedPaths(engine.file)
    expect(built.some((sql) => sql.includes(`'$."foo"."bar"'`))).toBe(true)
    expect(built.some((sql) => sql.includes(`'$."tags"'`))).toBe(true)
    // No document holds nothing.here: no index (a stranger's made-up paths cost no slot).
    expect(built.some((sql) => sql.includes('nothing'))).toBe(false)

    // Used: SQLite plans the path's reads on it, and a new engine reads the path without a worker.
    const db = new Database(engine.file, {readonly: true})
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT id, json -> '$."foo"."bar"' AS v FROM documents WHERE dataset = ? AND v IS NOT NULL`)
      .all(DS)
      .map((row) => (row as {detail: string}).detail)
      .join(' ')
    db.close()
    expect(plan).toMatch(/COVERING INDEX documents_path_/)
    engine.close()
    const reopened = testEngine(engine.file) as LakeEngine & {file: string}
    await reopened.warmedUp
    const reads = pathIndexesOf(reopened).workerReads
    for (const [query, params] of [
      ['*[foo.bar == $x]._id', {x: 2}],
      ['count(*[$t in tags[].name])', {t: 't1'}],
    ] as const) {
      expect((await reopened.query(DS, query, params)).result, query).toEqual(await groqJs(reopened, query, params))
    }
    expect(pathIndexesOf(reopened).workerReads).toBe(reads)
  })

  it('the lake shutdown (closeWhenSettled) waits for a build under way: nothing writes into the store folder after it', async () => {
    const seeding = await seeded(600)
    seeding.close()
    const engine = testEngine(seeding.file) as LakeEngine & {file: string}
    const indexes = pathIndexesOf(engine)
    await engine.query(DS, '*[foo.bar == 1]._id', {})
    await vi.waitFor(() => expect(indexes.busy).toBe(true), {timeout: 10_000, interval: 1})
    await engine.closeWhenSettled()
    expect(indexes.busy).toBe(false)
    // The build finished and its connection closed: the last connection removed the WAL.
    expect(fs.existsSync(`${engine.file}-wal`)).toBe(false)
    expect(indexedPaths(engine.file).some((sql) => sql.includes(`'$."foo"."bar"'`))).toBe(true)
  })

  it('a first read of `_score` (the score walk reads it for stored scores) asks for its index though no document holds one: the next process reads it without a worker', async () => {
    const seeding = await seeded(300)
    seeding.close()
    pathIndexSettings.background = false
    const engine = testEngine(seeding.file) as LakeEngine & {file: string}
    const indexes = pathIndexesOf(engine)
    const query = '*[_type == "post"] | order(_score desc, _id asc)[0...3]._id'
    expect((await engine.query(DS, query, {})).result).toEqual(await groqJs(engine, query))
    pathIndexSettings.background = true
    await indexes.buildNow()
    expect(indexedPaths(engine.file).some((sql) => sql.includes(`'$."_score"'`))).toBe(true)
    engine.close()
    const reopened = testEngine(engine.file) as LakeEngine & {file: string}
    await reopened.warmedUp
    const reads = pathIndexesOf(reopened).workerReads
    expect((await reopened.query(DS, query, {})).result).toEqual(await groqJs(reopened, query))
    expect(pathIndexesOf(reopened).workerReads).toBe(reads)
  })

  it('commits arriving while a worker reads a path are laid over its read (the answer is the current one)', async () => {
    const engine = await seeded(300)
    pathIndexSettings.background = false
    const query = '*[foo.bar == 1]._id'
    const asked = engine.query(DS, query, {})
    // Committed while the worker reads (it has not answered yet: the query waits for it).
    await engine.mutate(DS, [{patch: {id: 'doc-0000', set: {foo: {bar: 1}}}}, {delete: {id: 'doc-0001'}}, {create: {...doc(900), foo: {bar: 1}}}], author)
    await asked
    const again = await engine.query(DS, query, {})
    expect(again.result).toEqual(await groqJs(engine, query))
    expect(again.result).toContain('doc-0000')
    expect(again.result).toContain('doc-0900')
    expect(again.result).not.toContain('doc-0001')
  })

  it('writes during a build wait for it without blocking the event loop, are committed after it and acknowledged once durable', async () => {
    const engine = await seeded(3000)
    const indexes = pathIndexesOf(engine)
    pathIndexSettings.background = false
    await engine.query(DS, '*[foo.bar == 1][0]._id', {})
    pathIndexSettings.background = true
    const events: string[] = []
    indexes.onBuilt = (_name, error) => events.push(error ? 'build failed' : 'built')
    // Starts the build (a worker holding SQLite's write lock)...
    const building = indexes.buildNow()
    expect(indexes.busy).toBe(true)
    // ...the event loop keeps turning while it runs...
    let ticks = 0
    const ticker = setInterval(() => ticks++, 1)
    // ...and writes arriving meanwhile are held, then committed after it.
    const writes = [0, 1, 2].map((n) =>
      engine.mutate(DS, [{create: {...doc(5000 + n), foo: {bar: 1}}}], author).then(() => {
        // Acknowledged: the document is in the file, as another connection reads it.
        const db = new Database(engine.file, {readonly: true})
        const stored = db.prepare('SELECT id FROM documents WHERE dataset = ? AND id = ?').pluck().get(DS, `doc-${5000 + n}`)
        db.close()
        events.push(stored ? `acknowledged ${n} (stored)` : `acknowledged ${n} (NOT stored)`)
      }),
    )
    setImmediate(() => events.push(indexes.busy ? 'the event loop turned during the build' : 'the build was over at the next turn'))
    await Promise.all([building, ...writes])
    clearInterval(ticker)
    expect(events).toEqual([
      'the event loop turned during the build',
      'built',
      'acknowledged 0 (stored)',
      'acknowledged 1 (stored)',
      'acknowledged 2 (stored)',
    ])
    expect(ticks).toBeGreaterThan(0)
    expect(indexedPaths(engine.file).some((sql) => sql.includes(`'$."foo"."bar"'`))).toBe(true)
    const query = '*[foo.bar == 1 && _id in ["doc-5000", "doc-5001", "doc-5002"]]._id'
    expect((await engine.query(DS, query, {})).result).toEqual(['doc-5000', 'doc-5001', 'doc-5002'])
  })
})
