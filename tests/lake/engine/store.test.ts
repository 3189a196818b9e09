import {join} from 'node:path'
import Database from 'better-sqlite3'
import {describe, expect, it} from 'vitest'
import {openEngine} from '@/lib/lake/engine'
import {NEW_STORE_PAGE_SIZE} from '@/lib/lake/engine/store'
import {author, DS, tempDir, testEngine} from './helpers'

describe('SQLite store', () => {
  it('is versioned, in WAL mode, with documents, transactions and versions recorded', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'a', _type: 'post', title: 'T'}}], {...author, transactionId: 'tx-1'})
    await engine.mutate(DS, [{delete: {id: 'a'}}], {...author, transactionId: 'tx-2'})
    await engine.mutate(DS, [{create: {_id: 'b', _type: 'note'}}], {...author, transactionId: 'tx-3'})
    engine.close()
    const db = new Database(engine.file, {readonly: true})
    expect(db.pragma('user_version', {simple: true})).toBe(3)
    expect(db.pragma('journal_mode', {simple: true})).toBe('wal')
    expect(db.prepare('SELECT dataset, id, type, rev FROM documents').all()).toEqual([{dataset: DS, id: 'b', type: 'note', rev: 'tx-3'}])
    expect(db.prepare('SELECT id, author FROM transactions ORDER BY seq').all()).toEqual([
      {id: 'tx-1', author: 'test-user'},
      {id: 'tx-2', author: 'test-user'},
      {id: 'tx-3', author: 'test-user'},
    ])
    expect(db.prepare("SELECT rev, json IS NULL AS deleted FROM document_versions WHERE document_id = 'a' ORDER BY seq").all()).toEqual([
      {rev: 'tx-1', deleted: 0},
      {rev: null, deleted: 1},
    ])
    db.close()
  })

  it("a commit copies only the document's newest version into history (older rows are never read, however long the history)", async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'p', _type: 'post', n: 1}}], {...author, transactionId: 'v1'})
    await engine.mutate(DS, [{patch: {id: 'p', inc: {n: 1}}}], {...author, transactionId: 'v2'})
    // Mark the oldest version "the current row" (json NULL), a state no commit leaves: a commit
    // that looked at every version of the document would overwrite it.
    const side = new Database(engine.file)
    side.prepare("UPDATE document_versions SET json = NULL WHERE document_id = 'p' AND rev = 'v1'").run()
    side.close()
    await engine.mutate(DS, [{patch: {id: 'p', inc: {n: 1}}}], {...author, transactionId: 'v3'})
    const db = new Database(engine.file, {readonly: true})
    const rows = db.prepare("SELECT rev, json ->> '$.n' AS n FROM document_versions WHERE document_id = 'p' ORDER BY seq").all()
    db.close()
    expect(rows).toEqual([
      {rev: 'v1', n: null},
      {rev: 'v2', n: 2},
      {rev: 'v3', n: null},
    ])
    expect(engine.documentAt(DS, 'p', {revision: 'v2'})).toMatchObject({n: 2})
    expect(engine.documentAt(DS, 'p', {revision: 'v3'})).toMatchObject({n: 3})
  })

  it('refuses a store written by a newer schema instead of misreading it', () => {
    const file = join(tempDir(), 'future.sqlite')
    const db = new Database(file)
    db.pragma('user_version = 99')
    db.close()
    expect(() => openEngine({file})).toThrow(/newer/)
  })

  it('works in memory', async () => {
    const engine = openEngine({file: ':memory:'})
    await engine.mutate(DS, [{create: {_id: 'a', _type: 'post'}}], author)
    expect(engine.getDocuments(DS, ['a'])[0]?._id).toBe('a')
    engine.close()
  })

  it('makes a new store with pages that hold kilobyte documents; an existing store keeps its page size', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'a', _type: 'post', body: 'x'.repeat(6000)}}], author)
    const db = (engine as unknown as {store: {db: Database.Database}}).store.db
    expect(db.pragma('page_size', {simple: true})).toBe(NEW_STORE_PAGE_SIZE)
    expect(NEW_STORE_PAGE_SIZE).toBeGreaterThan(4096)
    // And a WAL that does not keep the size of its largest span between checkpoints.
    const limit = db.pragma('journal_size_limit', {simple: true}) as number
    expect(limit).toBeGreaterThan(0)
    expect(limit).toBeLessThanOrEqual(128 * 2 ** 20)

    // A store made with SQLite's default (4 KiB) before: opened, written and read as it is.
    const file = join(tempDir(), 'old.sqlite')
    const old = new Database(file)
    old.pragma('journal_mode = WAL')
    old.exec('CREATE TABLE t (x)')
    old.close()
    const reopened = testEngine(file)
    await reopened.mutate(DS, [{create: {_id: 'b', _type: 'post', body: 'y'.repeat(6000)}}], author)
    expect((reopened as unknown as {store: {db: Database.Database}}).store.db.pragma('page_size', {simple: true})).toBe(4096)
    expect(reopened.getDocuments(DS, ['b'])[0]).toMatchObject({_id: 'b', body: 'y'.repeat(6000)})
  })

  it('gives an import a larger page cache (a batch stays in memory until its commit) and takes it back after', async () => {
    const engine = testEngine()
    const db = (engine as unknown as {store: {db: Database.Database}}).store.db
    const normal = db.pragma('cache_size', {simple: true}) as number
    const during: number[] = []
    const documents = Array.from({length: 50}, (_, i) => ({_id: `p${i}`, _type: 'post', n: i}))
    await engine.importDocuments(DS, documents, {mode: 'create', author: 'test', batch: {documents: 10, text: 2 ** 20}, onProgress: () => during.push(db.pragma('cache_size', {simple: true}) as number)})
    expect(during.length).toBe(5)
    // Negative: KiB. Larger while importing; as before after.
    for (const size of during) expect(-size).toBeGreaterThanOrEqual(16 * 1024)
    expect(db.pragma('cache_size', {simple: true})).toBe(normal)
    expect(engine.getDocuments(DS, ['p49'])[0]).toMatchObject({n: 49})
  })
})
