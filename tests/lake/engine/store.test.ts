import {join} from 'node:path'
import Database from 'better-sqlite3'
import {describe, expect, it} from 'vitest'
import {openEngine} from '@/lib/lake/engine'
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
})
