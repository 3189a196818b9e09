/**
 * Settings a kill -9 test cannot see, asserted on the engine's OWN connection (#18, finding 12),
 * and the start-up integrity check and file modes (findings 7 and 9).
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import {describe, expect, it, vi} from 'vitest'
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

  /** A store of `count` posts whose titles are filed in the full-text index (normal commits). */
  async function storeWithTitles(count: number): Promise<string> {
    const file = path.join(tempDir(), 'lake.sqlite')
    const engine = openEngine({file})
    const words = ['harbour', 'election', 'refinery', 'harvest', 'budget', 'flood']
    // Transactions under BULK_MUTATION_MIN: each files its words in its commit (larger ones defer them).
    for (let start = 0; start < count; start += 50) {
      const batch = Array.from({length: Math.min(50, count - start)}, (_, k) => start + k)
      await engine.mutate(
        'production',
        batch.map((i) => ({create: {_id: `p${i}`, _type: 'post', title: `${words[i % 6]} ${words[(i * 7) % 6]} report ${i} w${i % 97}`}})),
        {author: 't'},
      )
    }
    engine.close()
    return file
  }

  /** Answers of a few `match` searches, from groq-js's rules (the store's documents are simple titles). */
  async function searches(engine: ReturnType<typeof openEngine>) {
    const answers: unknown[] = []
    for (const pattern of ['harbour', 'harv*', 'w42', 'report']) {
      answers.push((await engine.query('production', 'count(*[title match $p])', {p: pattern})).result)
    }
    return answers
  }

  it('does not use a full-text index that fails its own check, and rebuilds it (the store still serves)', async () => {
    const file = await storeWithTitles(1200)
    const healthy = openEngine({file})
    const expected = await searches(healthy)
    healthy.close()
    expect(expected).toEqual([200, 200, 12, 1200])
    // Damage the FTS5 index's content (not its b-trees), as a bug or a bad restore might: the
    // shadow tables stay valid SQLite tables, the index's own check fails, and reading it errors.
    const raw = new Database(file)
    raw.unsafeMode(true)
    raw.prepare('UPDATE fts_words_data SET block = randomblob(length(block)) WHERE id > 10').run()
    expect(() => raw.prepare(`SELECT count(*) FROM fts_words WHERE fts_words MATCH 'harbour'`).get()).toThrow(/corrupt/i)
    raw.close()

    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const engine = openEngine({file})
      const store = (engine as unknown as {store: {fullText: {verified: boolean; search(dataset: string): {candidates(p: unknown, limit?: number): unknown}}; textIndexChecked: Promise<{outcome: string; findings?: string[]}>}}).store
      // Until its check passed the index is not read at all (reading it would fail here)…
      expect(store.fullText.verified).toBe(false)
      expect(store.fullText.search('production').candidates('harbour', 100)).toBeNull()
      expect(await searches(engine)).toEqual(expected)
      // …the check finds the damage, the index is emptied and every document noted for refiling…
      const verdict = await store.textIndexChecked
      expect(verdict.outcome).toBe('rebuilt')
      expect(verdict.findings!.join('\n')).toMatch(/fts5/)
      expect(logged.mock.calls.flat().join(' ')).toMatch(/full-text index .* failed its integrity check.*rebuilt/)
      expect(await searches(engine)).toEqual(expected)
      // …and the background catch-up files them again: the index narrows searches and is whole.
      await engine.catchUpTextIndex()
      expect(engine.textIndexBehind).toBe(0)
      expect(store.fullText.search('production').candidates('w42', 100)).toEqual(new Set(Array.from({length: 12}, (_, k) => `p${42 + 97 * k}`)))
      expect(await searches(engine)).toEqual(expected)
      engine.close()
    } finally {
      logged.mockRestore()
    }
    const check = new Database(file, {readonly: true})
    expect(check.pragma(`quick_check('fts_words')`, {simple: true})).toBe('ok')
    check.close()
  })

  it('a search that needs the full-text index just after a start waits for its check instead of scanning every document', async () => {
    // Large enough that the index's check (on a worker) takes longer than a plain query's answer.
    const file = await storeWithTitles(2000)
    const engine = openEngine({file})
    const store = (engine as unknown as {store: {textIndexChecked: Promise<unknown>}}).store
    const order: string[] = []
    const checked = store.textIndexChecked.then(() => order.push('index checked'))
    const plain = engine.query('production', 'count(*[_type == "post"])', {}).then(() => order.push('plain answered'))
    const search = engine.query('production', '*[title match "w42"]._id', {}).then(({result}) => {
      order.push('search answered')
      return result
    })
    // Titles p0..p1999 carry w(i % 97): w42 in 21 of them.
    expect((await search as string[]).length).toBe(21)
    await Promise.all([checked, plain])
    // A query without `match` does not wait for it.
    expect(order).toEqual(['plain answered', 'index checked', 'search answered'])
    engine.close()
  })

    it('still refuses a store whose ordinary table (or the FTS5 index\'s own b-tree) has a damaged page', async () => {
    for (const table of ['documents', 'fts_words_data']) {
      // Enough titles for the FTS5 b-tree to span several leaf pages of the store's (32 KiB) pages.
      const file = await storeWithTitles(5000)
      const raw = new Database(file, {readonly: true})
      const pageSize = raw.pragma('page_size', {simple: true}) as number
      const pages = raw.prepare<[string], number>(`SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno`).pluck().all(table)
      raw.close()
      expect(pages.length, table).toBeGreaterThan(2)
      const page = pages[Math.floor(pages.length / 2)]
      const fd = fs.openSync(file, 'r+')
      fs.writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (page - 1) * pageSize)
      fs.closeSync(fd)
      const bytes = fs.readFileSync(file)
      const engine = openEngine({file})
      await expect(engine.query('production', 'count(*)', {}), table).rejects.toThrow(DamagedDatabaseError)
      await expect(engine.mutate('production', [{create: {_id: 'new', _type: 'post'}}], {author: 't'})).rejects.toThrow(DamagedDatabaseError)
      engine.close()
      expect(fs.readFileSync(file).equals(bytes), table).toBe(true)
    }
  })

  it('opens an intact database', () => {
    const db = openCheckedDatabase(path.join(tempDir(), 'fresh.sqlite'))
    expect(db.pragma('quick_check', {simple: true})).toBe('ok')
    db.close()
  })
})
