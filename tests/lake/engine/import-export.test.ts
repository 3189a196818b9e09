import {spawn} from 'node:child_process'
import {join} from 'node:path'
import Database from 'better-sqlite3'
import {describe, expect, it} from 'vitest'
import {IMPORT_BATCH_SIZE} from '@/lib/lake/engine/import-export'
import type {Transaction} from '@/lib/lake/engine/types'
import {author, DS, lakeError, tempDir, testEngine} from './helpers'

/** The JSON text the store holds for `id` (what the lake will read back). */
function storedText(file: string, id: string): string {
  const db = new Database(file, {readonly: true})
  try {
    return (db.prepare('SELECT json FROM documents WHERE dataset = ? AND id = ?').pluck().get(DS, id) as string) ?? ''
  } finally {
    db.close()
  }
}

describe('export and import', () => {
  it('export → import round trip is identical (system fields kept)', async () => {
    const source = testEngine()
    await source.mutate(
      DS,
      [
        {create: {_id: 'author-1', _type: 'author', name: 'Ada', bio: [{_type: 'block', _key: 'k', children: [{_type: 'span', _key: 's', text: 'hi'}]}]}},
        {create: {_id: 'post-1', _type: 'post', title: 'T', author: {_type: 'reference', _ref: 'author-1'}}},
        {create: {_id: 'drafts.post-1', _type: 'post', title: 'D'}},
        {create: {_id: 'image-abc-10x10-png', _type: 'sanity.imageAsset', url: 'https://x/y.png'}},
      ],
      author,
    )
    await source.mutate(DS, [{patch: {id: 'post-1', set: {title: 'T2'}}}], author)
    const exported = [...source.exportDocuments(DS)]
    expect(exported.map((d) => d._id)).toEqual(['author-1', 'drafts.post-1', 'image-abc-10x10-png', 'post-1'])
    // NDJSON, as `sanity dataset export` writes it
    const ndjson = exported.map((doc) => JSON.stringify(doc)).join('\n')

    const target = testEngine()
    const progress: number[] = []
    const {count} = await target.importDocuments(
      DS,
      ndjson.split('\n').map((line) => JSON.parse(line)),
      {mode: 'create', author: 'importer', onProgress: (n) => progress.push(n)},
    )
    expect(count).toBe(4)
    expect(progress.at(-1)).toBe(4)
    expect([...target.exportDocuments(DS)]).toEqual(exported)
    expect((await target.query(DS, '*[_id == "post-1"][0]{title, "author": author->name}', {})).result).toEqual({title: 'T2', author: 'Ada'})
  })

  it('imports in batches, reporting progress, from any iterable', async () => {
    const engine = testEngine()
    const total = 2 * IMPORT_BATCH_SIZE + 234
    function* documents() {
      for (let i = 0; i < total; i++) yield {_id: `doc-${i}`, _type: 'thing', i}
    }
    const progress: number[] = []
    const {count} = await engine.importDocuments(DS, documents(), {mode: 'createOrReplace', author: 'importer', onProgress: (n) => progress.push(n)})
    expect(count).toBe(total)
    expect(progress).toEqual([IMPORT_BATCH_SIZE, 2 * IMPORT_BATCH_SIZE, total])
    expect((await engine.query(DS, 'count(*[_type == "thing"])', {})).result).toBe(total)
    const doc = engine.getDocuments(DS, ['doc-7'])[0]!
    expect(doc._rev).toMatch(/^[A-Za-z0-9]{22}$/)
    expect(doc._createdAt).toBe(doc._updatedAt)
  })

  it('a source that fails after whole batches: those are written (each is handed to the lake one batch late), then the error', async () => {
    const engine = testEngine()
    async function* documents() {
      for (let i = 0; i < 25; i++) yield JSON.stringify({_id: `src-${i}`, _type: 'thing', i})
      throw new Error('the file went away')
    }
    const progress: number[] = []
    await expect(
      engine.importDocuments(DS, documents(), {mode: 'create', author: 'importer', batch: {documents: 10, text: 2 ** 20}, onProgress: (n) => progress.push(n)}),
    ).rejects.toThrow('the file went away')
    expect(progress).toEqual([10, 20])
    expect((await engine.query(DS, 'count(*[_type == "thing"])', {})).result).toBe(20)
  })

  it('modes: create fails on existing ids, createIfNotExists keeps them, createOrReplace replaces', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'a', _type: 'thing', v: 'old'}}], author)
    const error = await lakeError(() => engine.importDocuments(DS, [{_id: 'a', _type: 'thing', v: 'new'}], {mode: 'create', author: 'i'}))
    expect(error.status).toBe(409)
    await engine.importDocuments(DS, [{_id: 'a', _type: 'thing', v: 'new'}, {_id: 'b', _type: 'thing'}], {mode: 'createIfNotExists', author: 'i'})
    expect(engine.getDocuments(DS, ['a', 'b']).map((d) => d?.v ?? null)).toEqual(['old', null])
    expect(engine.getDocuments(DS, ['b'])[0]).not.toBeNull()
    await engine.importDocuments(DS, [{_id: 'a', _type: 'thing', v: 'new', _rev: 'file-rev', _createdAt: '2019-05-05T05:05:05Z'}], {mode: 'createOrReplace', author: 'i'})
    expect(engine.getDocuments(DS, ['a'])[0]).toMatchObject({v: 'new', _rev: 'file-rev', _createdAt: '2019-05-05T05:05:05Z'})
  })

  it('rejects bad documents and modes with a 4xx, writing nothing of the failing batch', async () => {
    const engine = testEngine()
    const noType = await lakeError(() => engine.importDocuments(DS, [{_id: 'ok', _type: 'x'}, {_id: 'bad'}], {mode: 'create', author: 'i'}))
    expect(noType.status).toBe(400)
    expect(engine.getDocuments(DS, ['ok'])).toEqual([null])
    const badId = await lakeError(() => engine.importDocuments(DS, [{_id: '-x', _type: 'x'}], {mode: 'create', author: 'i'}))
    expect(badId.status).toBe(400)
    const badMode = await lakeError(() => engine.importDocuments(DS, [], {mode: 'merge' as never, author: 'i'}))
    expect(badMode.status).toBe(400)
  })

  describe('from JSON texts (the lines of an export file)', () => {
    it('stores a line the lake vouches for as it came, splicing in only the system fields it lacks', async () => {
      const engine = testEngine()
      const full = '{"_id":"post-1","_type":"post","_rev":"rev-1","_createdAt":"2020-01-01T00:00:00Z","_updatedAt":"2021-01-01T00:00:00Z", "title" : "Été \\u00e9"}'
      const bare = '{"title":"Bare","_type":"post","_id":"post-2"}'
      async function* lines() {
        yield `  ${full}  `
        yield bare
      }
      const {count} = await engine.importDocuments(DS, lines(), {mode: 'create', author: 'importer'})
      expect(count).toBe(2)
      // Exactly the line (spacing and all), trimmed: it was not parsed and serialised again.
      expect(storedText(engine.file, 'post-1')).toBe(full)
      const [post1, post2] = engine.getDocuments(DS, ['post-1', 'post-2'])
      expect(post1).toEqual(JSON.parse(full))
      expect(post2).toMatchObject({_id: 'post-2', _type: 'post', title: 'Bare', _rev: expect.stringMatching(/^[A-Za-z0-9]{22}$/)})
      expect(post2!._createdAt).toBe(post2!._updatedAt)
      expect(storedText(engine.file, 'post-2')).toBe(`{"_rev":"${post2!._rev}","_createdAt":"${post2!._createdAt}","_updatedAt":"${post2!._updatedAt}",${bare.slice(1)}`)
      expect((await engine.query(DS, '*[_type == "post"] | order(_id) {_id, title}', {})).result).toEqual([
        {_id: 'post-1', title: 'Été é'},
        {_id: 'post-2', title: 'Bare'},
      ])
    })

    it('lines given as UTF-8 bytes are stored as the text they encode and read back as JSON.parse reads the line', async () => {
      const engine = testEngine()
      const texts = [
        '{"_id":"b-0","_type":"post","_rev":"r","_createdAt":"2020-01-01T00:00:00Z","_updatedAt":"2021-01-01T00:00:00Z","title":"Été 😀 \\u00e9 \\"q\\" \\\\ \\n","n":-1.5e3}',
        '  {"title":"no system fields ünïcødé","_type":"post","_id":"b-1"} \r',
        ...Array.from({length: IMPORT_BATCH_SIZE + 3}, (_, i) => JSON.stringify({_id: `bulk-${i}`, _type: 'thing', _rev: `r${i}`, _createdAt: '2020-01-01T00:00:00Z', _updatedAt: '2020-01-01T00:00:00Z', body: [{_key: `k${i}`, text: `ñ ${i} \u2028 "quoted"`}]})),
      ]
      // Each line a view into one buffer, as a file's lines are (lineBuffers).
      const file = Buffer.from(texts.join('\n'))
      const lines: Buffer[] = []
      for (let start = 0, end = file.indexOf(10); start <= file.length; start = end + 1, end = file.indexOf(10, start)) {
        lines.push(file.subarray(start, end === -1 ? file.length : end))
        if (end === -1) break
      }
      const heard: Transaction[] = []
      engine.subscribe((tx) => heard.push(tx))
      const {count} = await engine.importDocuments(DS, lines, {mode: 'create', author: 'importer'})
      expect(count).toBe(texts.length)
      // Listeners read them too (parsed from the bytes, system fields spliced in front).
      const heardB1 = heard[0].changes.find(({id}) => id === 'b-1')!.after!
      expect({...heardB1}).toEqual({...JSON.parse(texts[1]), _rev: heardB1._rev, _createdAt: heardB1._createdAt, _updatedAt: heardB1._updatedAt})
      expect(Object.keys(heardB1).slice(0, 3)).toEqual(['_rev', '_createdAt', '_updatedAt'])
      // Stored as SQLite text (not a blob), exactly the line, trimmed.
      const db = new Database(engine.file, {readonly: true})
      const stored = db.prepare('SELECT typeof(json) AS kind, json FROM documents WHERE dataset = ? AND id = ?')
      expect(stored.get(DS, 'b-0')).toEqual({kind: 'text', json: texts[0]})
      expect(stored.get(DS, 'bulk-7')).toEqual({kind: 'text', json: texts[9]})
      expect(db.prepare("SELECT count(*) FROM documents WHERE dataset = ? AND typeof(json) <> 'text'").pluck().get(DS)).toBe(0)
      db.close()
      const [b0, b1, bulk] = engine.getDocuments(DS, ['b-0', 'b-1', `bulk-${IMPORT_BATCH_SIZE}`])
      expect(b0).toEqual(JSON.parse(texts[0]))
      expect(b1).toEqual({...JSON.parse(texts[1]), _rev: b1!._rev, _createdAt: b1!._createdAt, _updatedAt: b1!._updatedAt})
      expect(storedText(engine.file, 'b-1')).toBe(`{"_rev":"${b1!._rev}","_createdAt":"${b1!._createdAt}","_updatedAt":"${b1!._updatedAt}",${texts[1].trim().slice(1)}`)
      expect(bulk).toEqual(JSON.parse(texts[2 + IMPORT_BATCH_SIZE]))
      expect((await engine.query(DS, '*[_type == "post"] | order(_id) {_id, title}', {})).result).toEqual([
        {_id: 'b-0', title: JSON.parse(texts[0]).title},
        {_id: 'b-1', title: 'no system fields ünïcødé'},
      ])
      expect((await engine.query(DS, '*[_type == "thing" && body[0]._key == "k5"][0].body[0].text', {})).result).toBe('ñ 5 \u2028 "quoted"')
    })

    it('byte lines that are not UTF-8 are decoded as a stream decoder would (invalid bytes replaced), then parsed', async () => {
      const engine = testEngine()
      const invalid = Buffer.concat([Buffer.from('{"_id":"bad-utf8","_type":"t","s":"a'), Buffer.from([0xff, 0xed, 0xa0, 0x80]), Buffer.from('b"}')])
      await engine.importDocuments(DS, [invalid], {mode: 'create', author: 'i'})
      expect(engine.getDocuments(DS, ['bad-utf8'])[0]!.s).toBe(JSON.parse(invalid.toString('utf8')).s)
      expect(engine.getDocuments(DS, ['bad-utf8'])[0]!.s).toMatch(/^a\ufffd+b$/)
      // A BOM is not JSON: the line fails as its text would.
      const bom = await lakeError(() => engine.importDocuments(DS, [Buffer.from('\ufeff{"_id":"x","_type":"t"}')], {mode: 'create', author: 'i'}))
      expect(JSON.stringify(bom.body)).toMatch(/Import line 1 is not valid JSON/)
    })

    it('a batch writes the version rows and the full-text notes of every document, one statement each', async () => {
      const engine = testEngine()
      await engine.mutate(DS, [{create: {_id: 'old-1', _type: 'thing', v: 'before'}}, {create: {_id: 'old-2', _type: 'thing', v: 'before'}}], author)
      await engine.catchUpTextIndex()
      const lines = Array.from({length: IMPORT_BATCH_SIZE + 2}, (_, i) => Buffer.from(JSON.stringify({_id: i < 2 ? `old-${i + 1}` : `new-${i}`, _type: 'thing', v: `after ${i}`})))
      await engine.importDocuments(DS, lines, {mode: 'createOrReplace', author: 'i'})
      const ids = lines.map((line) => JSON.parse(line.toString())._id as string)
      const db = new Database(engine.file, {readonly: true})
      try {
        // One version row per document and transaction, its rev the document's, its JSON the current row's (NULL).
        const versions = db
          .prepare('SELECT v.document_id AS id, v.rev, v.json, d.rev AS current FROM document_versions v JOIN transactions t ON t.seq = v.seq LEFT JOIN documents d ON d.dataset = v.dataset AND d.id = v.document_id WHERE t.author = ? ORDER BY v.seq, v.document_id')
          .all('i') as {id: string; rev: string; json: string | null; current: string}[]
        expect(versions.map((row) => row.id).sort()).toEqual([...ids].sort())
        for (const row of versions) expect(row).toEqual({id: row.id, rev: row.current, json: null, current: row.current})
        // The replaced documents' earlier versions got their JSON before their rows changed.
        expect(JSON.stringify(engine.history(DS, ['old-1'], {}))).toContain('"v":"before"')
        const old = db.prepare('SELECT json FROM document_versions WHERE dataset = ? AND document_id = ? ORDER BY seq').pluck().all(DS, 'old-2') as (string | null)[]
        expect(old).toHaveLength(2)
        expect(JSON.parse(old[0]!)).toMatchObject({v: 'before'})
        expect(old[1]).toBeNull()
        // Every imported document is noted for the full-text catch-up, in both tables, and nothing else.
        for (const table of ['fts_pending', 'text_pending']) {
          expect((db.prepare(`SELECT id FROM ${table} WHERE dataset = ? ORDER BY id`).pluck().all(DS) as string[]), table).toEqual([...ids].sort())
        }
        expect(engine.textIndexBehind).toBe(ids.length)
      } finally {
        db.close()
      }
      // Deletes and creates in one transaction (the ordinary commit path): deleted versions have rev and JSON NULL.
      await engine.mutate(DS, [{delete: {id: 'new-5'}}, {delete: {id: 'new-6'}}, {create: {_id: 'late', _type: 'thing'}}], author)
      const check = new Database(engine.file, {readonly: true})
      const last = check.prepare('SELECT document_id, rev, json FROM document_versions WHERE seq = (SELECT max(seq) FROM transactions) ORDER BY document_id').all()
      check.close()
      const lateRev = engine.getDocuments(DS, ['late'])[0]!._rev
      expect(last).toEqual([
        {document_id: 'late', rev: lateRev, json: null},
        {document_id: 'new-5', rev: null, json: null},
        {document_id: 'new-6', rev: null, json: null},
      ])
      expect(engine.getDocuments(DS, ['new-5', 'new-6'])).toEqual([null, null])
      await engine.catchUpTextIndex()
      expect(engine.textIndexBehind).toBe(0)
      expect((await engine.query(DS, '*[v match "after"] | order(_id)[0..1]._id', {})).result).toEqual(['new-10', 'new-100'])
    })

    it('a line with a repeated key is stored as JSON.parse reads it, so SQLite and the engine agree', async () => {
      const engine = testEngine()
      await engine.importDocuments(DS, ['{"_id":"d","_type":"t","slug":{"current":"first","current":"last"}}'], {mode: 'create', author: 'i'})
      expect(engine.getDocuments(DS, ['d'])[0]).toMatchObject({slug: {current: 'last'}})
      expect(JSON.parse(storedText(engine.file, 'd'))).toMatchObject({slug: {current: 'last'}})
      expect(storedText(engine.file, 'd')).not.toContain('first')
      expect((await engine.query(DS, '*[slug.current == "last"]._id', {})).result).toEqual(['d'])
      expect((await engine.query(DS, '*[slug.current == "first"]._id', {})).result).toEqual([])
    })

    it('lines it cannot vouch for go the ordinary way: generated ids, re-set system fields, precise errors', async () => {
      const engine = testEngine()
      await engine.importDocuments(
        DS,
        ['{"_type":"t","n":1}', '{"_id":"bad-rev","_type":"t","_rev":"no spaces allowed"}', {_id: 'object', _type: 't'}, '{"_id":"deep","_type":"t","x":[[1]]}'],
        {mode: 'create', author: 'i'},
      )
      expect((await engine.query(DS, 'count(*[_type == "t"])', {})).result).toBe(4)
      expect(engine.getDocuments(DS, ['bad-rev'])[0]!._rev).toMatch(/^[A-Za-z0-9]{22}$/)
      const error = await lakeError(() => engine.importDocuments(DS, ['{"_id":"ok","_type":"t"}', '{"_id":"broken","_type":"t"'], {mode: 'create', author: 'i'}))
      expect(error.status).toBe(400)
      expect(JSON.stringify(error.body)).toMatch(/Import line 2 is not valid JSON/)
      expect(engine.getDocuments(DS, ['ok'])).toEqual([null])
      const notObject = await lakeError(() => engine.importDocuments(DS, ['[1,2]'], {mode: 'create', author: 'i'}))
      expect(JSON.stringify(notObject.body)).toMatch(/Import line 1 is not a document object/)
    })

    it('a source that fails mid-import rejects after the batch in flight settled, progress telling what was written', async () => {
      const engine = testEngine()
      const progress: number[] = []
      async function* failing() {
        for (let i = 0; i < IMPORT_BATCH_SIZE + 5; i++) yield `{"_id":"doc-${i}","_type":"t"}`
        throw new Error('disk read failed')
      }
      await expect(engine.importDocuments(DS, failing(), {mode: 'create', author: 'i', onProgress: (n) => progress.push(n)})).rejects.toThrow('disk read failed')
      // The first batch was committing while the source was read on: it is in, and reported.
      expect(progress).toEqual([IMPORT_BATCH_SIZE])
      expect((await engine.query(DS, 'count(*[_type == "t"])', {})).result).toBe(IMPORT_BATCH_SIZE)
    })

    it('after an import of objects or of texts and close, the process exits by itself (no worker left holding it)', {timeout: 60_000}, async () => {
      for (const kind of ['objects', 'texts']) {
        const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'import-then-exit.ts'), join(tempDir(), 'exit.sqlite'), kind])
        let out = ''
        child.stdout.on('data', (chunk) => (out += chunk))
        const guard = setTimeout(() => child.kill('SIGKILL'), 20_000)
        const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])))
        clearTimeout(guard)
        expect(out, kind).toContain('closed')
        expect({kind, code, signal}).toEqual({kind, code: 0, signal: null})
      }
    })

    it('modes apply to texts as to objects', async () => {
      const engine = testEngine()
      await engine.mutate(DS, [{create: {_id: 'a', _type: 'thing', v: 'old'}}], author)
      const create = await lakeError(() => engine.importDocuments(DS, ['{"_id":"a","_type":"thing","v":"new"}'], {mode: 'create', author: 'i'}))
      expect(create.status).toBe(409)
      await engine.importDocuments(DS, ['{"_id":"a","_type":"thing","v":"new"}'], {mode: 'createIfNotExists', author: 'i'})
      expect(engine.getDocuments(DS, ['a'])[0]!.v).toBe('old')
      await engine.importDocuments(DS, ['{"_id":"a","_type":"thing","v":"new"}'], {mode: 'createOrReplace', author: 'i'})
      expect(engine.getDocuments(DS, ['a'])[0]!.v).toBe('new')
      // The replaced version is still in history.
      const history = engine.history(DS, ['a'], {})
      expect(JSON.stringify(history)).toContain('"v":"old"')
    })

    it('listeners get the documents (read-only, parsed when read), in batches as large as an import', async () => {
      const engine = testEngine()
      const heard: Transaction[] = []
      engine.subscribe((tx) => heard.push(tx))
      const lines = Array.from({length: IMPORT_BATCH_SIZE + 10}, (_, i) => JSON.stringify({_id: `doc-${i}`, _type: 'thing', i, nested: {list: [i]}}))
      await engine.importDocuments(DS, lines, {mode: 'create', author: 'i'})
      expect(heard).toHaveLength(2)
      const [change] = heard[1].changes
      expect(JSON.parse(JSON.stringify(change.after))).toMatchObject(JSON.parse(lines[IMPORT_BATCH_SIZE]))
      expect(Object.keys(change.after!)).toContain('nested')
      expect((change.after as unknown as {nested: {list: number[]}}).nested.list).toEqual([IMPORT_BATCH_SIZE])
      expect(() => {
        ;(change.after as Record<string, unknown>).i = 5
      }).toThrow(TypeError)
      const created = heard[0].mutations[0] as {create: Record<string, unknown>}
      expect({...created.create}).toMatchObject({_id: 'doc-0', i: 0})
      expect((await engine.query(DS, '*[_type == "thing" && i == 2001][0].nested.list[0]', {})).result).toBe(2001)
    })
  })
})
