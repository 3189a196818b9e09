import {spawn} from 'node:child_process'
import {join} from 'node:path'
import Database from 'better-sqlite3'
import {evaluate, parse} from 'groq-js'
import {describe, expect, it} from 'vitest'
import {DS, tempDir, testEngine} from './helpers'

const FIXTURE = join(__dirname, 'fixtures', 'commit-loop.ts')

/**
 * Runs `fixture` on `file` and SIGKILLs it as soon as `killWhen` holds for the lines it has printed
 * (each line it prints is something it has done durably). Resolves with those lines; rejects if
 * the child ended without being killed, or `enough` does not hold for what it printed.
 */
function runUntilKilled(
  fixture: string,
  file: string,
  options: {killWhen: (lines: string[]) => boolean; enough: (lines: string[]) => boolean; guardMs: number; name: string},
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    // `node --import tsx` rather than the tsx CLI: the CLI runs the script in a grandchild process
    // that would survive our SIGKILL and keep writing.
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, file], {stdio: ['ignore', 'pipe', 'pipe']})
    const lines: string[] = []
    let buffered = ''
    let stderr = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk
      const parts = buffered.split('\n')
      buffered = parts.pop()!
      lines.push(...parts.filter(Boolean))
      if (!child.killed && options.killWhen(lines)) child.kill('SIGKILL')
    })
    child.stderr.on('data', (chunk) => (stderr += chunk))
    // Never leave a writer behind, even if it stalls before printing enough.
    const guard = setTimeout(() => child.kill('SIGKILL'), options.guardMs)
    child.on('error', reject)
    child.on('exit', (_code, signal) => {
      clearTimeout(guard)
      if (!options.enough(lines)) return reject(new Error(`${options.name} stopped after ${lines.length} lines (last: ${lines.at(-1)}): ${stderr}`))
      if (signal !== 'SIGKILL') reject(new Error(`${options.name} exited on its own: ${stderr}`))
      else resolve(lines)
    })
  })
}

/** Starts the commit loop (or another fixture) and SIGKILLs it once it has acknowledged at least `count` lines. */
function commitThenKill(file: string, count: number, fixture = FIXTURE): Promise<string[]> {
  const enough = (lines: string[]) => lines.length >= count
  return runUntilKilled(fixture, file, {killWhen: enough, enough, guardMs: 60_000, name: 'commit loop'})
}

/** After a kill: the file passes integrity_check and holds every acknowledged transaction; returns the ids it holds. */
function storedAfterKill(file: string, acknowledged: string[]): Set<string> {
  const db = new Database(file)
  expect(db.pragma('integrity_check', {simple: true})).toBe('ok')
  const stored = new Set(db.prepare('SELECT id FROM transactions').pluck().all() as string[])
  db.close()
  for (const id of acknowledged) expect(stored.has(id), id).toBe(true)
  return stored
}

describe('crash safety', () => {
  it('every acknowledged transaction survives kill -9, and the store stays consistent', async () => {
    const file = join(tempDir(), 'crash.sqlite')
    const acknowledged = await commitThenKill(file, 40)
    expect(acknowledged.length).toBeGreaterThanOrEqual(40)

    const stored = storedAfterKill(file, acknowledged)

    const engine = testEngine(file)
    const last = acknowledged.length - 1
    const [doc] = engine.getDocuments(DS, [`doc-${last}`])
    expect(doc).toMatchObject({i: last, _rev: acknowledged[last]})
    // The counter was incremented by exactly the committed transactions (atomicity across the kill).
    const counter = engine.getDocuments(DS, ['counter'])[0]!
    expect(counter.n).toBe(stored.size)
    // (The child may have committed a few more before the kill landed: those are fine too.)
    expect(stored.size).toBeGreaterThanOrEqual(acknowledged.length)
    // The planner's indexes are rebuilt from the file: indexed answers match plain groq-js.
    const dataset = [...engine.exportDocuments(DS)]
    for (const query of ['*[_type == "crash"] | order(i desc)[0...3]._id', 'count(*[_type == "crash" && i >= 10])', '*[_type == "counter"][0].n']) {
      const expected = await (await evaluate(parse(query), {dataset})).get()
      expect((await engine.query(DS, query, {})).result, query).toEqual(expected)
    }
    // And the reopened store takes new writes.
    await engine.mutate(DS, [{patch: {id: 'counter', inc: {n: 1}}}], {author: 'after-crash'})
    expect(engine.getDocuments(DS, ['counter'])[0]!.n).toBe(stored.size + 1)
  })

  it('concurrent writers (group commits): every acknowledged transaction survives kill -9, and groups are atomic', async () => {
    const file = join(tempDir(), 'crash-concurrent.sqlite')
    const acknowledged = await commitThenKill(file, 200, join(__dirname, 'fixtures', 'commit-concurrent.ts'))
    const stored = storedAfterKill(file, acknowledged)
    const engine = testEngine(file)
    // Each stored transaction incremented the counter once, and wrote its own document.
    expect(engine.getDocuments(DS, ['counter'])[0]!.n).toBe(stored.size)
    expect(engine.getDocuments(DS, [...stored].map((id) => `doc-${id.split('-').slice(2).join('-')}`)).every(Boolean)).toBe(true)
    await engine.mutate(DS, [{patch: {id: 'counter', inc: {n: 1}}}], {author: 'after-crash'})
    expect(engine.getDocuments(DS, ['counter'])[0]!.n).toBe(stored.size + 1)
  })

  it('a kill -9 in the middle of an import leaves whole batches: every acknowledged one, history and full text consistent', async () => {
    const file = join(tempDir(), 'import-crash.sqlite')
    // Batches of 2,000 over 5,000 ids: by the 4th batch, imports replace documents of earlier ones.
    const progress = await commitThenKill(file, 4, join(__dirname, 'fixtures', 'import-loop.ts'))
    const acknowledged = Number(progress.at(-1))
    expect(acknowledged).toBeGreaterThanOrEqual(8000)

    const db = new Database(file)
    expect(db.pragma('integrity_check', {simple: true})).toBe('ok')
    const versions = db.prepare('SELECT count(*) FROM document_versions').pluck().get() as number
    const maxN = db.prepare("SELECT max(json ->> '$.n') FROM documents").pluck().get() as number
    db.close()
    // Batches are atomic: what is stored is a whole number of batches, at least every acknowledged one.
    expect(versions % 2000).toBe(0)
    expect(versions).toBeGreaterThanOrEqual(acknowledged)
    expect(maxN + 1).toBe(versions)

    const engine = testEngine(file)
    const dataset = [...engine.exportDocuments(DS)]
    expect(dataset).toHaveLength(5000)
    for (const query of ['count(*[_type == "imported" && n >= 5000])', '*[title match "word3"] | order(n desc)[0...5].n', 'count(*[title match "pass"])']) {
      const expected = await (await evaluate(parse(query), {dataset})).get()
      expect((await engine.query(DS, query, {})).result, query).toEqual(expected)
    }
    // Each replaced document's earlier version is still in its history, as it was.
    const doc = engine.getDocuments(DS, ['imp-10'])[0]!
    const entries = engine.history(DS, ['imp-10'], {})
    expect(entries.length).toBe(Math.floor((doc.n as number) / 5000) + 1)
    const first = engine.documentAt(DS, 'imp-10', {revision: entries[0].id})
    expect(first).toMatchObject({_id: 'imp-10', n: 10})
    await engine.mutate(DS, [{patch: {id: 'imp-10', set: {n: -1}}}], {author: 'after-crash'})
    expect(engine.documentAt(DS, 'imp-10', {revision: doc._rev})).toMatchObject({n: doc.n})
  })
  it('a kill -9 during the full-text catch-up after an import leaves search exact, and the next start finishes it', {timeout: 120_000}, async () => {
    const file = join(tempDir(), 'catch-up-crash.sqlite')
    // Killed once the background catch-up has filed most of the 6,000 imported documents (the rest,
    // still pending, are few enough that the index narrows searches: they must come from the notes).
    const behind = (lines: string[]) => (lines.at(-1)?.startsWith('behind') ? Number(lines.at(-1)!.split(' ')[1]) : NaN)
    const lines = await runUntilKilled(join(__dirname, 'fixtures', 'text-catch-up.ts'), file, {
      killWhen: (seen) => behind(seen) > 0 && behind(seen) < 800,
      enough: (seen) => seen.some((line) => line.startsWith('behind')),
      guardMs: 90_000,
      name: 'catch-up child',
    })
    expect(lines[0]).toBe('imported 6000')

    const db = new Database(file)
    expect(db.pragma('integrity_check', {simple: true})).toBe('ok')
    const pending = db.prepare('SELECT count(*) FROM fts_pending').pluck().get() as number
    const filed = db.prepare('SELECT count(*) FROM fts_documents').pluck().get() as number
    db.close()
    // Part-way: some documents filed, the rest still noted as pending, none lost in between.
    expect(pending).toBeGreaterThan(0)
    expect(pending).toBeLessThan(6000)
    expect(pending + filed).toBe(6000)

    const {textIndexing} = await import('@/lib/lake/engine/engine')
    const saved = {...textIndexing}
    textIndexing.background = false
    try {
      const engine = testEngine(file)
      expect(engine.textIndexBehind).toBe(pending)
      const dataset = [...engine.exportDocuments(DS)]
      const queries = ['*[title match "inflation"] | order(n asc)._id', 'count(*[title match "word3"])', '*[title match "harv*" && n < 40]._id', 'count(*[title match "story"])']
      const exact = async () => {
        for (const query of queries) {
          const expected = await (await evaluate(parse(query), {dataset})).get()
          expect((await engine.query(DS, query, {})).result, query).toEqual(expected)
        }
      }
      await exact()
      await engine.catchUpTextIndex()
      expect(engine.textIndexBehind).toBe(0)
      await exact()
    } finally {
      Object.assign(textIndexing, saved)
    }
  })
})
