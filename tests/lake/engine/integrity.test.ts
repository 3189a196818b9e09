/**
 * Settings a kill -9 test cannot see, asserted on the engine's OWN connection (#18, finding 12),
 * and the start-up integrity check and file modes (findings 7 and 9).
 */
import fs from 'node:fs'
import path from 'node:path'
import type Database from 'better-sqlite3'
import {describe, expect, it} from 'vitest'
import {openEngine} from '@/lib/lake/engine'
import {DamagedDatabaseError, openCheckedDatabase} from '@/lib/lake/engine/integrity'
import {tempDir, testEngine} from './helpers'

/** The engine's own SQLite connection (private: reached on purpose, to check what it really runs with). */
const connectionOf = (engine: object) => (engine as unknown as {store: {db: Database.Database}}).store.db

describe('the engine connection', () => {
  it('commits durably: WAL with synchronous=FULL (2), foreign keys on', () => {
    const db = connectionOf(testEngine())
    expect(db.pragma('journal_mode', {simple: true})).toBe('wal')
    expect(db.pragma('synchronous', {simple: true})).toBe(2)
    expect(db.pragma('foreign_keys', {simple: true})).toBe(1)
  })

  it('creates its database file readable by its owner only', () => {
    const engine = testEngine()
    for (const file of [engine.file, `${engine.file}-wal`]) {
      if (fs.existsSync(file)) expect((fs.statSync(file).mode & 0o777).toString(8), file).toBe('600')
    }
  })

  it('tightens an existing world-readable database to 0600 when it opens it', () => {
    const file = path.join(tempDir(), 'lake.sqlite')
    openEngine({file}).close()
    fs.chmodSync(file, 0o644)
    const engine = openEngine({file})
    engine.close()
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600')
  })
})

describe('the integrity check at open', () => {
  it('refuses a file that is not a database, with recovery steps', () => {
    const file = path.join(tempDir(), 'lake.sqlite')
    fs.writeFileSync(file, Buffer.alloc(8192, 0x41), {mode: 0o600})
    expect(() => openEngine({file})).toThrow(DamagedDatabaseError)
    expect(() => openEngine({file})).toThrow(/restore/)
  })

  /** A store of 1,500 documents with 16 KiB in the middle overwritten; returns its bytes after the damage. */
  async function damagedStore(): Promise<{file: string; bytes: Buffer}> {
    const file = path.join(tempDir(), 'lake.sqlite')
    const engine = openEngine({file})
    await engine.importDocuments('production', Array.from({length: 1500}, (_, i) => ({_id: `d${i}`, _type: 'note', body: 'y'.repeat(300)})), {
      mode: 'create',
      author: 'test',
    })
    engine.close()
    const size = fs.statSync(file).size
    const fd = fs.openSync(file, 'r+')
    fs.writeSync(fd, Buffer.alloc(16 * 1024, 0x5a), 0, 16 * 1024, Math.floor(size * 0.5))
    fs.closeSync(fd)
    return {file, bytes: fs.readFileSync(file)}
  }

  it('refuses a database whose pages were overwritten: no answer, no write, no document', async () => {
    const {file, bytes} = await damagedStore()
    // The check runs in a worker while the store opens (this damage is in document pages, which
    // opening does not read); everything the engine gives waits for its verdict.
    const engine = openEngine({file})
    await expect(engine.query('production', 'count(*)', {})).rejects.toThrow(DamagedDatabaseError)
    await expect(engine.mutate('production', [{create: {_id: 'new', _type: 'note'}}], {author: 't'})).rejects.toThrow(DamagedDatabaseError)
    await expect(engine.importDocuments('production', [{_id: 'x', _type: 'note'}], {mode: 'create', author: 't'})).rejects.toThrow(DamagedDatabaseError)
    expect(() => engine.getDocuments('production', ['d1'])).toThrow(DamagedDatabaseError)
    await expect(engine.intact()).rejects.toThrow(/restore/)
    engine.close()
    expect(fs.readFileSync(file).equals(bytes)).toBe(true)
  })

  it('gives no answer before the check has finished, even when it is slow', async () => {
    const {file} = await damagedStore()
    const engine = openEngine({file})
    // A query that touches no damaged page (ids only) still waits for the verdict on the whole file.
    const integrity = (engine as unknown as {store: {integrity: {done: boolean}}}).store.integrity
    const answer = engine.query('production', '*[_id == "d1"][0]._id', {})
    await expect(answer).rejects.toThrow(DamagedDatabaseError)
    expect(integrity.done).toBe(true)
    engine.close()
  })

  it('a lake server refuses to start on a damaged store', async () => {
    const {file} = await damagedStore()
    const {startLake} = await import('@/lib/lake/server')
    await expect(startLake({dataDir: path.dirname(file), port: 0, httpPort: 0, logger: () => {}})).rejects.toThrow(DamagedDatabaseError)
  })

  it('answers from an intact store once its background check passed', async () => {
    const file = path.join(tempDir(), 'lake.sqlite')
    const first = openEngine({file})
    await first.importDocuments('production', [{_id: 'a', _type: 'note', title: 'A'}], {mode: 'create', author: 't'})
    first.close()
    const engine = openEngine({file})
    const integrity = (engine as unknown as {store: {integrity: {done: boolean; worker: unknown}}}).store.integrity
    expect(integrity.done).toBe(false)
    expect((await engine.query('production', '*[_id == "a"][0].title', {})).result).toBe('A')
    expect(integrity.done).toBe(true)
    await engine.mutate('production', [{patch: {id: 'a', set: {title: 'B'}}}], {author: 't'})
    expect(engine.getDocuments('production', ['a'])[0]?.title).toBe('B')
    engine.close()
  })

  it('opens an intact database', () => {
    const db = openCheckedDatabase(path.join(tempDir(), 'fresh.sqlite'))
    expect(db.pragma('quick_check', {simple: true})).toBe('ok')
    db.close()
  })
})
