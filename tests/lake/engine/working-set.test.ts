/**
 * Documents are not kept whole in memory: the engine holds handles (id, type) and a bounded
 * working set of parsed documents, reading the rest from SQLite when a query needs them, and its
 * indexes read the paths they need as columns extracted by SQLite. These tests hold it to that:
 * answers stay groq-js's with a working set far smaller than the dataset, opening a store and
 * answering an indexed query parses only the documents the answer shows, old snapshots keep the
 * versions they had, and stores written by the previous schema are migrated.
 */
import {join} from 'node:path'
import Database from 'better-sqlite3'
import {evaluate, parse} from 'groq-js'
import {describe, expect, it} from 'vitest'
import {openEngine} from '@/lib/lake/engine'
import type {LakeEngine} from '@/lib/lake/engine/engine'
import {applyPerspective, resolvePerspective} from '@/lib/lake/engine/perspective'
import type {Perspective} from '@/lib/lake/engine/types'
import {author, DS, tempDir} from './helpers'

function post(i: number): Record<string, unknown> {
  return {
    _id: `post-${String(i).padStart(4, '0')}`,
    _type: 'post',
    title: `Post ${i}`,
    slug: i % 17 === 0 ? undefined : {_type: 'slug', current: `post-${i}`},
    publishedAt: new Date(Date.UTC(2024, 0, 1) + ((i * 7919) % 1000) * 3_600_000).toISOString(),
    rank: i % 5 === 0 ? String(i % 7) : i % 7,
    author: {_type: 'reference', _ref: `author-${i % 3}`},
    categories: [{_type: 'reference', _key: 'c', _ref: `category-${i % 4}`}],
    body: [{_type: 'block', _key: 'b', children: [{_type: 'span', _key: 's', text: 'x'.repeat(400)}]}],
  }
}

function dataset(posts: number): Record<string, unknown>[] {
  const docs: Record<string, unknown>[] = []
  for (let i = 0; i < 3; i++) docs.push({_id: `author-${i}`, _type: 'author', name: `Author ${i}`})
  for (let i = 0; i < 4; i++) docs.push({_id: `category-${i}`, _type: 'category', title: `Category ${i}`, slug: {current: `c${i}`}})
  for (let i = 0; i < posts; i++) docs.push(post(i))
  for (let i = 0; i < posts; i += 9) docs.push({...post(i), _id: `drafts.post-${String(i).padStart(4, '0')}`, title: `Draft ${i}`})
  return docs
}

const QUERIES: [string, Record<string, unknown>][] = [
  ['*[_type == "post" && defined(slug.current)] | order(publishedAt desc, _id desc)[0...10]{_id, title, "a": author->name}', {}],
  ['count(*[_type == "post" && defined(slug.current) && publishedAt <= "2024-02-01"])', {}],
  ['*[_type == "post" && slug.current == $slug][0]{_id, "prev": *[_type == "post" && publishedAt < ^.publishedAt] | order(publishedAt desc)[0]._id}', {slug: 'post-42'}],
  ['*[_type == "post"] | order(rank desc, _id)[3...9]._id', {}],
  ['*[_type == "category" && slug.current == "c1"][0]{"n": count(*[_type == "post" && ^._id in categories[]._ref])}', {}],
  ['*[references("author-1")] | order(_id)[0...5]._id', {}],
  ['*[_type == "post" && rank == 3]._id', {}],
]

async function expectGroqJs(engine: LakeEngine, perspective: Perspective): Promise<void> {
  const stored = [...engine.exportDocuments(DS)]
  const docs = applyPerspective(stored, resolvePerspective(perspective), {access: 'all', includeVersions: true})
  for (const [query, params] of QUERIES) {
    const expected = await (await evaluate(parse(query, {params}), {dataset: docs, params})).get()
    const {result} = await engine.query(DS, query, params, {perspective})
    expect(result, `${perspective}: ${query}`).toEqual(expected)
  }
}

describe('bounded working set', () => {
  it('answers exactly as groq-js with a working set far smaller than the dataset, and stays within it', async () => {
    const budget = 8 * 1024
    const engine = openEngine({file: join(tempDir(), 'lake.sqlite'), workingSetBytes: budget}) as LakeEngine
    try {
      await engine.importDocuments(DS, dataset(400), {mode: 'create', author: 'test'})
      for (const perspective of ['published', 'drafts', 'raw'] as const) await expectGroqJs(engine, perspective)
      const stats = engine.workingSet(DS)
      // One document of about 600 bytes may overshoot the budget while it is being added.
      expect(stats.cachedBytes).toBeLessThanOrEqual(budget + 1024)
      expect(stats.parsed).toBeGreaterThan(stats.documents)
    } finally {
      engine.close()
    }
  })

  it('opens a store and answers an indexed query parsing only the documents the answer shows', async () => {
    const file = join(tempDir(), 'lake.sqlite')
    const writer = openEngine({file})
    await writer.importDocuments(DS, dataset(1000), {mode: 'create', author: 'test'})
    writer.close()

    const engine = openEngine({file}) as LakeEngine
    try {
      const {result} = await engine.query(
        DS,
        '{"posts": *[_type == "post" && defined(slug.current) && publishedAt <= now()] | order(publishedAt desc, _id desc)[0...10]{_id, title, "a": author->name}, "total": count(*[_type == "post" && defined(slug.current)])}',
        {},
        {perspective: 'published'},
      )
      expect((result as {posts: unknown[]}).posts).toHaveLength(10)
      expect((result as {total: number}).total).toBe(1000 - Math.ceil(1000 / 17))
      // 10 posts and the authors they join; the 1,000 others are known by their columns only.
      expect(engine.workingSet(DS).parsed).toBeLessThanOrEqual(13)
    } finally {
      engine.close()
    }
  })

  it('keeps what a snapshot showed when a commit changes it behind an export in progress', async () => {
    const engine = openEngine({file: join(tempDir(), 'lake.sqlite'), workingSetBytes: 1024}) as LakeEngine
    try {
      await engine.importDocuments(DS, dataset(300), {mode: 'create', author: 'test'})
      const exported = engine.exportDocuments(DS)[Symbol.iterator]()
      const first = exported.next().value as {_id: string}
      expect(first._id).toBe('author-0')
      await engine.mutate(DS, [{patch: {id: 'post-0250', set: {title: 'Changed'}}}, {delete: {id: 'post-0251'}}], author)
      const rest = [...{[Symbol.iterator]: () => exported}] as {_id: string; title?: string}[]
      expect(rest.find((doc) => doc._id === 'post-0250')?.title).toBe('Post 250')
      expect(rest.some((doc) => doc._id === 'post-0251')).toBe(true)
      // A new export sees the commit.
      const now = [...engine.exportDocuments(DS)] as {_id: string; title?: string}[]
      expect(now.find((doc) => doc._id === 'post-0250')?.title).toBe('Changed')
      expect(now.some((doc) => doc._id === 'post-0251')).toBe(false)
    } finally {
      engine.close()
    }
  })

  it('hands out plain frozen documents, never its handles', async () => {
    const engine = openEngine({file: join(tempDir(), 'lake.sqlite'), workingSetBytes: 1024}) as LakeEngine
    try {
      await engine.importDocuments(DS, dataset(50), {mode: 'create', author: 'test'})
      const {result} = await engine.query(DS, '*[_type == "post"] | order(_id)[0...3]', {}, {perspective: 'drafts'})
      for (const doc of result as object[]) {
        expect(Object.isFrozen(doc)).toBe(true)
        expect(structuredClone(doc)).toEqual(doc)
      }
      const [doc] = engine.getDocuments(DS, ['post-0001'])
      expect(structuredClone(doc)).toEqual(doc)
    } finally {
      engine.close()
    }
  })

  it('keeps an import in the history without storing each document twice', async () => {
    const file = join(tempDir(), 'lake.sqlite')
    const engine = openEngine({file})
    try {
      await engine.importDocuments(DS, dataset(5), {mode: 'create', author: 'test'})
      const [entry] = engine.history(DS, ['post-0003'], {})
      const create = (entry.mutations as Record<string, {_id: string; title: string}>[]).find((m) => m.create?._id === 'post-0003')
      expect(create?.create.title).toBe('Post 3')
      const db = new Database(file, {readonly: true})
      const stored = db.prepare('SELECT mutations FROM transactions').get() as {mutations: string}
      db.close()
      expect(stored.mutations).not.toContain('Post 3')
    } finally {
      engine.close()
    }
  })

  it('stores each version JSON once: the newest lives in the document row and moves to history when the row changes', async () => {
    const file = join(tempDir(), 'lake.sqlite')
    const engine = openEngine({file})
    const versionJson = () => {
      const db = new Database(file, {readonly: true})
      const rows = db.prepare("SELECT rev, json FROM document_versions WHERE document_id = 'post-0002' ORDER BY seq").all() as {rev: string | null; json: string | null}[]
      db.close()
      return rows.map((row) => [row.rev !== null, row.json === null ? null : (JSON.parse(row.json) as {title: string}).title])
    }
    try {
      await engine.importDocuments(DS, dataset(5), {mode: 'create', author: 'test'})
      const imported = engine.getDocuments(DS, ['post-0002'])[0]!
      // Written once, in the document row; the version row says "the current row".
      expect(versionJson()).toEqual([[true, null]])
      await engine.mutate(DS, [{patch: {id: 'post-0002', set: {title: 'Edited'}}}], author)
      expect(versionJson()).toEqual([
        [true, 'Post 2'],
        [true, null],
      ])
      const edited = engine.getDocuments(DS, ['post-0002'])[0]!
      await engine.mutate(DS, [{delete: {id: 'post-0002'}}], author)
      expect(versionJson()).toEqual([
        [true, 'Post 2'],
        [true, 'Edited'],
        [false, null],
      ])
      expect(engine.documentAt(DS, 'post-0002', {revision: imported._rev})).toEqual(imported)
      expect(engine.documentAt(DS, 'post-0002', {revision: edited._rev})).toEqual(edited)
      const entries = engine.history(DS, ['post-0002'], {})
      const create = entries.flatMap((entry) => entry.mutations as Record<string, {_id?: string; title?: string}>[]).find((m) => m.create?._id === 'post-0002')
      expect(create?.create.title).toBe('Post 2')
      // Another document of the import, never changed, still reads back from its row.
      expect(engine.documentAt(DS, 'post-0003', {revision: engine.getDocuments(DS, ['post-0003'])[0]!._rev})?.title).toBe('Post 3')
    } finally {
      engine.close()
    }
  })

  it('migrates a store written by the previous schema (WITHOUT ROWID tables)', async () => {
    const file = join(tempDir(), 'lake.sqlite')
    const db = new Database(file)
    db.exec(`
      CREATE TABLE documents (dataset TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, json TEXT NOT NULL, rev TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (dataset, id)) WITHOUT ROWID;
      CREATE INDEX documents_by_type ON documents (dataset, type);
      CREATE TABLE transactions (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, dataset TEXT NOT NULL, timestamp TEXT NOT NULL,
        author TEXT NOT NULL, mutations TEXT NOT NULL, document_ids TEXT NOT NULL);
      CREATE UNIQUE INDEX transactions_by_id ON transactions (dataset, id);
      CREATE INDEX transactions_by_time ON transactions (dataset, timestamp);
      CREATE TABLE document_versions (dataset TEXT NOT NULL, document_id TEXT NOT NULL, seq INTEGER NOT NULL REFERENCES transactions (seq),
        rev TEXT, json TEXT, PRIMARY KEY (dataset, document_id, seq)) WITHOUT ROWID;
      CREATE INDEX document_versions_by_rev ON document_versions (dataset, document_id, rev);
    `)
    const doc = {_id: 'a', _type: 'post', _rev: 'tx1', _createdAt: '2024-01-01T00:00:00Z', _updatedAt: '2024-01-01T00:00:00Z', title: 'Old store'}
    db.prepare("INSERT INTO transactions (id, dataset, timestamp, author, mutations, document_ids) VALUES ('tx1', ?, ?, 'x', ?, '[\"a\"]')").run(
      DS,
      doc._createdAt,
      JSON.stringify([{create: doc}]),
    )
    db.prepare('INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)').run(DS, 'a', 'post', JSON.stringify(doc), 'tx1', doc._createdAt, doc._updatedAt)
    db.prepare('INSERT INTO document_versions VALUES (?, ?, 1, ?, ?)').run(DS, 'a', 'tx1', JSON.stringify(doc))
    db.pragma('user_version = 1')
    db.close()

    const engine = openEngine({file})
    try {
      expect((await engine.query(DS, '*[_type == "post"][0].title', {})).result).toBe('Old store')
      expect(engine.documentAt(DS, 'a', {revision: 'tx1'})?.title).toBe('Old store')
      expect(engine.history(DS, ['a'], {})[0].mutations).toEqual([{create: doc}])
    } finally {
      engine.close()
    }
    const check = new Database(file, {readonly: true})
    expect(check.pragma('user_version', {simple: true})).toBe(3)
    const sql = (check.prepare("SELECT sql FROM sqlite_master WHERE name = 'documents'").get() as {sql: string}).sql
    // Schema 3: opening reads ids and types from one covering index, not from the document rows.
    const indexes = check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'documents'").pluck().all()
    const plan = check.prepare('EXPLAIN QUERY PLAN SELECT id, type FROM documents WHERE dataset = ?').all(DS) as {detail: string}[]
    check.close()
    expect(indexes).toContain('documents_by_type_id')
    expect(indexes).not.toContain('documents_by_type')
    expect(plan.map((row) => row.detail).join()).toMatch(/COVERING INDEX documents_by_type_id/)
    expect(sql).not.toMatch(/WITHOUT ROWID/)
  })

  it('an import in small batches (a running lake takes 250 at a time) keeps none of its documents parsed, and answers stay exact', async () => {
    const engine = openEngine({file: join(tempDir(), 'lake.sqlite')}) as LakeEngine
    try {
      // A column the import must keep current (a query read it before).
      await engine.query(DS, 'count(*[_type == "post" && defined(slug.current)])', {})
      const lines = dataset(300).map((doc) => JSON.stringify(doc))
      await engine.importDocuments(DS, lines, {mode: 'create', author: 'test', batch: {documents: 50, text: 2 ** 20}})
      expect(engine.workingSet(DS).cachedBytes).toBe(0)
      await expectGroqJs(engine, 'published')
    } finally {
      engine.close()
    }
  })
})

