/**
 * `npm run lake -- import` at archive scale: the NDJSON is streamed (twice: check, then write), so
 * a file larger than the importer's heap imports; a bad line anywhere fails before anything is
 * written, naming the line; a batch the lake refuses stops the import saying how many documents
 * were written.
 */
import {spawn} from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import tar from 'tar-stream'
import {describe, expect, it, vi} from 'vitest'
import {importDataset, ImportFileError} from '@/lib/lake/archive'
import {MAX_IMPORT_LINE_BYTES} from '@/lib/lake/config'
import {openEngine} from '@/lib/lake/engine'
import {IMPORT_BATCH_SIZE} from '@/lib/lake/engine/import-export'
import {startTestLake} from '../server/helpers'
import {runCli, tempDirs} from './helpers'

const tempDir = tempDirs()

/** The CLI as `npm run lake` runs it, in its own process with a capped V8 heap. */
function runCliProcess(dataDir: string, heapMiB: number, ...args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMiB}`, '--import', 'tsx', 'lib/lake/cli.ts', ...args], {
    cwd: path.resolve(__dirname, '../../..'),
    env: {...process.env, LAKE_DATA_DIR: dataDir},
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  return new Promise((resolve) => child.on('close', (code) => resolve({code, stdout, stderr})))
}

function writeNdjson(file: string, count: number, make: (index: number) => unknown) {
  const fd = fs.openSync(file, 'w')
  try {
    for (let i = 0; i < count; i++) fs.writeSync(fd, JSON.stringify(make(i)) + '\n')
  } finally {
    fs.closeSync(fd)
  }
}

describe('streaming import', () => {
  it('imports a 40 MB NDJSON with a 64 MiB heap (holding the file parsed would need twice that)', async () => {
    const lake = await startTestLake()
    try {
      const file = path.join(tempDir('lake-stream-'), 'big.ndjson')
      const body = 'lorem ipsum dolor sit amet '.repeat(3800).slice(0, 100 * 1024)
      writeNdjson(file, 400, (i) => ({_id: `big-${i}`, _type: 'note', body: `${body}${i}`}))
      expect(fs.statSync(file).size).toBeGreaterThan(40e6)
      // Through the running lake: the child's heap holds only the importer, not the lake.
      const result = await runCliProcess(lake.dataDir, 64, 'import', file)
      expect(result.stderr).not.toContain('heap out of memory')
      expect(result.code).toBe(0)
      expect(result.stdout).toContain('Imported 400 documents and 0 assets into "production" (create) through the running lake')
      expect(await lake.editor.fetch('count(*[_type == "note"])')).toBe(400)
      expect(await lake.editor.fetch('*[_id == "big-399"][0].body')).toBe(`${body}399`)
    } finally {
      await lake.close()
    }
  }, 120_000)

  it('imports 40 MB of 100 kB documents into a private lake in bulk with a 128 MiB heap (batches are bounded by size, not only by count)', async () => {
    const dataDir = tempDir('lake-stream-private-')
    const file = path.join(dataDir, 'big.ndjson')
    const body = 'lorem ipsum dolor sit amet '.repeat(3800).slice(0, 100 * 1024)
    writeNdjson(file, 400, (i) => ({_id: `big-${i}`, _type: 'note', body: `${body}${i}`}))
    // The lake runs in the CLI's process here: its heap holds the lake and the batches in flight.
    const result = await runCliProcess(dataDir, 128, 'import', file)
    expect(result.stderr).not.toContain('heap out of memory')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Imported 400 documents and 0 assets into "production" (create) through a private lake')
    const engine = openEngine({file: path.join(dataDir, 'lake.sqlite')})
    try {
      expect(engine.getDocuments('production', ['big-399'])[0]?.body).toBe(`${body}399`)
    } finally {
      engine.close()
    }
  }, 120_000)

  it('fails on a bad line deep in the file before writing anything, naming the line', async () => {
    const dataDir = tempDir('lake-stream-bad-')
    const file = path.join(dataDir, 'in.ndjson')
    writeNdjson(file, 1200, (i) => ({_id: `n-${i}`, _type: 'note'}))
    fs.appendFileSync(file, '\n["an array"]\n')
    const result = await runCli(dataDir, 'import', file)
    expect(result.code).toBe(2)
    expect(result.out).toContain('in.ndjson:1202: not a JSON object')
    fs.appendFileSync(file, '{"_id": broken\n')
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('["an array"]\n', ''))
    const broken = await runCli(dataDir, 'import', file)
    expect(broken.out).toContain('in.ndjson:1202: not valid JSON')
    // Nothing was written: the whole file imports afterwards without a conflict.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('{"_id": broken\n', ''))
    const clean = await runCli(dataDir, 'import', file)
    expect(clean.out).toContain('Imported 1200 documents')
  })

  it('a batch the lake refuses stops the import and says how many documents were written (private lake: in bulk)', async () => {
    const dataDir = tempDir('lake-stream-conflict-')
    const first = path.join(dataDir, 'first.ndjson')
    const total = IMPORT_BATCH_SIZE + 200
    const taken = IMPORT_BATCH_SIZE + 100
    writeNdjson(first, 1, () => ({_id: `n-${taken}`, _type: 'note', title: 'already here'}))
    expect((await runCli(dataDir, 'import', first)).code).toBe(0)
    const file = path.join(dataDir, 'in.ndjson')
    writeNdjson(file, total, (i) => ({_id: `n-${i}`, _type: 'note'}))
    const result = await runCli(dataDir, 'import', file)
    expect(result.code).toBe(1)
    expect(result.out).toContain(`Document by ID "n-${taken}" already exists`)
    expect(result.out).toContain(
      `The import stopped at ${file}:${taken + 1}, in the batch beginning at line ${IMPORT_BATCH_SIZE + 1}: ${IMPORT_BATCH_SIZE} of ${total} documents were written before it, none after.`,
    )
    // --missing then completes it.
    const resumed = await runCli(dataDir, 'import', file, '--missing')
    expect(resumed.out).toContain(`Imported ${total} documents`)
    expect(resumed.out).toContain('through a private lake')
  })

  it('a batch the running lake refuses stops the import and says how many documents were written (its bulk import route)', async () => {
    const lake = await startTestLake()
    try {
      const total = IMPORT_BATCH_SIZE + 200
      const taken = IMPORT_BATCH_SIZE + 100
      await lake.editor.create({_id: `n-${taken}`, _type: 'note', title: 'already here'})
      const file = path.join(tempDir('lake-stream-conflict-api-'), 'in.ndjson')
      writeNdjson(file, total, (i) => ({_id: `n-${i}`, _type: 'note'}))
      const result = await runCli(lake.dataDir, 'import', file)
      expect(result.code).toBe(1)
      expect(result.out).toContain(`Document by ID "n-${taken}" already exists`)
      expect(result.out).toContain(`The import stopped at ${file}:${taken + 1}: ${IMPORT_BATCH_SIZE} of ${total} documents were written before its batch, none after.`)
      const resumed = await runCli(lake.dataDir, 'import', file, '--missing')
      expect(resumed.out).toContain(`Imported ${total} documents and 0 assets into "production" (createIfNotExists) through the running lake`)
    } finally {
      await lake.close()
    }
  })

  it('through /data/mutate (as `sanity dataset import` writes), a refused batch of 500 says how many were written', async () => {
    const lake = await startTestLake()
    try {
      await lake.editor.create({_id: 'n-1100', _type: 'note', title: 'already here'})
      const file = path.join(tempDir('lake-stream-conflict-mutate-'), 'in.ndjson')
      writeNdjson(file, 1200, (i) => ({_id: `n-${i}`, _type: 'note'}))
      const importing = importDataset(lake.dataDir, file, {dataset: 'production', mode: 'create', via: 'mutate'})
      await expect(importing).rejects.toThrow('n-1100')
      await expect(importing).rejects.toThrow(`The import stopped at the batch of lines ${file}:1001-1200: 1000 of 1200 documents were written before it, none after.`)
    } finally {
      await lake.close()
    }
  })

  it('a private lake stores the lines as they came, in bulk, and they read back as JSON.parse reads them', async () => {
    const dataDir = tempDir('lake-stream-bulk-')
    const file = path.join(dataDir, 'in.ndjson')
    const lines = [
      '{"_id":"p-1","_type":"post","_rev":"r1","_createdAt":"2020-01-01T00:00:00Z","_updatedAt":"2020-01-02T00:00:00Z", "title": "Spaced"}',
      '{"_id":"p-2","_type":"post","slug":{"current":"a","current":"b"}}',
      '{"_type":"post","title":"no id"}',
    ]
    fs.writeFileSync(file, `${lines.join('\r\n')}\r\n\r\n`)
    const result = await runCli(dataDir, 'import', file)
    expect(result.out).toContain('Imported 3 documents and 0 assets into "production" (create) through a private lake')
    const engine = openEngine({file: path.join(dataDir, 'lake.sqlite')})
    try {
      expect(engine.getDocuments('production', ['p-1'])[0]).toEqual(JSON.parse(lines[0]))
      expect(engine.getDocuments('production', ['p-2'])[0]).toMatchObject({slug: {current: 'b'}})
      expect((await engine.query('production', '*[slug.current == "b"]._id', {})).result).toEqual(['p-2'])
      expect((await engine.query('production', 'count(*[_type == "post"])', {})).result).toBe(3)
    } finally {
      engine.close()
    }
  })

  it('a line longer than the lake takes fails the check pass naming it and the limit, as soon as that much of it is read; nothing is written', async () => {
    const dataDir = tempDir('lake-stream-long-')
    const file = path.join(dataDir, 'in.ndjson')
    writeNdjson(file, 6, (i) => ({_id: `l-${i}`, _type: 'note'}))
    // Line 7: one document of 50 kB, over a limit of 2,000 bytes; then more lines.
    fs.appendFileSync(file, JSON.stringify({_id: 'l-long', _type: 'note', text: 'x'.repeat(50_000)}) + '\n{"_id":"l-8","_type":"note"}\n')
    const importing = importDataset(dataDir, file, {dataset: 'production', mode: 'create', maxLineBytes: 2000})
    await expect(importing).rejects.toThrow(ImportFileError)
    await expect(importing).rejects.toThrow(`${file}:7: longer than the limit of 2000 bytes for one line`)
    // By default the limit is the lake's (its import route's): MAX_IMPORT_LINE_BYTES.
    const big = path.join(dataDir, 'big.ndjson')
    fs.writeFileSync(big, '\n' + JSON.stringify({_id: 'l-big', _type: 'note', text: 'y'.repeat(MAX_IMPORT_LINE_BYTES)}) + '\n')
    const result = await runCli(dataDir, 'import', big)
    expect(result.code).toBe(2)
    expect(result.out).toContain(`big.ndjson:2: longer than the limit of ${MAX_IMPORT_LINE_BYTES} bytes for one line`)
    // Nothing was written: the file without its long line imports whole.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^.*l-long.*\n/m, ''))
    expect((await runCli(dataDir, 'import', file)).out).toContain('Imported 7 documents')
  })

  it('reads lines as bytes: blank (also CR, BOM, no-break space) lines skipped but counted, invalid UTF-8 read as a decoder reads it, a leading BOM is line 1 (not JSON); through a running lake the same', async () => {
    const bad = Buffer.concat([Buffer.from('{"_id":"u-3","_type":"note","title":"a'), Buffer.from([0x80, 0xe6, 0x9d]), Buffer.from('b"}')])
    const body = Buffer.concat([
      Buffer.from(['', '{"_id":"u-1","_type":"note","title":"Zürich 東京"}\r', ' \r', '\uFEFF', '\u00A0', '{"_id":"u-2","_type":"note"}', ''].join('\n')),
      bad,
      Buffer.from('\n{"_id":"u-4","_type":"note"}'),
    ])
    const expected = {'u-1': 'Zürich 東京', 'u-2': null, 'u-3': 'a\uFFFD\uFFFDb', 'u-4': null}
    const titles = async (fetch: (query: string) => Promise<unknown>) => Object.fromEntries((await fetch('*[_type == "note"] | order(_id) {_id, title}') as {_id: string; title?: string}[]).map((doc) => [doc._id, doc.title ?? null]))

    // A private lake.
    const dataDir = tempDir('lake-stream-bytes-')
    const file = path.join(dataDir, 'in.ndjson')
    fs.writeFileSync(file, body)
    expect((await runCli(dataDir, 'import', file)).out).toContain('Imported 4 documents and 0 assets into "production" (create) through a private lake')
    const engine = openEngine({file: path.join(dataDir, 'lake.sqlite')})
    try {
      expect(await titles(async (query) => (await engine.query('production', query, {})).result)).toEqual(expected)
    } finally {
      engine.close()
    }
    const bom = path.join(dataDir, 'bom.ndjson')
    fs.writeFileSync(bom, '\uFEFF{"_id":"u-5","_type":"note"}\n')
    const refused = await runCli(dataDir, 'import', bom)
    expect(refused.code).toBe(2)
    expect(refused.out).toContain('bom.ndjson:1: not valid JSON')

    // A running lake (its import route): the same documents, and a refused line named by its file line.
    const lake = await startTestLake()
    try {
      await lake.editor.create({_id: 'u-4', _type: 'other'})
      const conflict = await runCli(lake.dataDir, 'import', file)
      expect(conflict.code).toBe(1)
      expect(conflict.out).toContain(`The import stopped at ${file}:8: 0 of 4 documents were written before its batch, none after.`)
      await lake.editor.delete('u-4')
      expect((await runCli(lake.dataDir, 'import', file)).out).toContain('Imported 4 documents and 0 assets into "production" (create) through the running lake')
      expect(await titles((query) => lake.editor.fetch(query))).toEqual(expected)
      expect((await runCli(lake.dataDir, 'import', bom)).out).toContain('bom.ndjson:1: not valid JSON')
    } finally {
      await lake.close()
    }
  })

  it('through a running lake, the lake receives the file\'s lines byte for byte (views of the chunks read, across 1 MiB reads and 256 kB body pieces)', async () => {
    const lake = await startTestLake()
    try {
      const file = path.join(tempDir('lake-stream-exact-'), 'in.ndjson')
      // ~3 MB of lines of varied length (some cut by the 1 MiB reads), CRLF and blank lines, multi-byte text.
      const lines: string[] = []
      for (let i = 0; i < 1500; i++) {
        lines.push(JSON.stringify({_id: `x-${i}`, _type: 'exactNote', text: 'Ωx€'.repeat(1 + ((i * 37) % 700))}) + (i % 7 === 0 ? '\r' : ''))
        if (i % 100 === 0) lines.push(i % 200 === 0 ? '' : ' \r')
      }
      fs.writeFileSync(file, lines.join('\n'))
      const engine = lake.lake.engine
      const original = engine.importDocuments.bind(engine)
      const received: string[] = []
      const spy = vi.spyOn(engine, 'importDocuments').mockImplementation((dataset, documents, options) => {
        async function* seen() {
          for await (const item of documents) {
            received.push(Buffer.isBuffer(item) ? item.toString('utf8') : `not bytes: ${typeof item}`)
            yield item
          }
        }
        return original(dataset, seen(), options)
      })
      try {
        const result = await importDataset(lake.dataDir, file, {dataset: 'production', mode: 'create'})
        expect(result).toMatchObject({documents: 1500, throughRunningLake: true})
      } finally {
        spy.mockRestore()
      }
      expect(received).toEqual(lines.filter((line) => line.trim() !== ''))
      expect(await lake.editor.fetch('*[_id == "x-1499"][0].text')).toBe('Ωx€'.repeat(1 + ((1499 * 37) % 700)))
    } finally {
      await lake.close()
    }
  })

  it('unpacks an archive entry by entry, skipping names that would land outside its folder', async () => {
    const escape = `lake-escape-${crypto.randomBytes(6).toString('hex')}.ndjson`
    const prefix = 'production-export-2026-01-01t00-00-00-000z'
    const pack = tar.pack()
    pack.entry({name: `${prefix}/data.ndjson`}, '{"_id":"a-1","_type":"note"}\n{"_id":"a-2","_type":"note"}\n')
    pack.entry({name: `../${escape}`}, '{"_id":"evil","_type":"note"}\n')
    pack.entry({name: `/tmp/${escape}`}, 'x')
    pack.finalize()
    const chunks: Buffer[] = []
    for await (const chunk of pack) chunks.push(chunk as Buffer)
    const dataDir = tempDir('lake-stream-archive-')
    const archive = path.join(dataDir, 'export.tar.gz')
    fs.writeFileSync(archive, zlib.gzipSync(Buffer.concat(chunks)))
    const result = await runCli(dataDir, 'import', archive)
    expect(result.out).toContain('Imported 2 documents and 0 assets')
    expect(fs.existsSync(path.join(os.tmpdir(), escape))).toBe(false)
    const engine = openEngine({file: path.join(dataDir, 'lake.sqlite')})
    try {
      expect([...engine.exportDocuments('production')].map((doc) => doc._id).sort()).toEqual(['a-1', 'a-2'])
    } finally {
      engine.close()
    }
  })

  it('a line that breaks between the check and the write (the file changed) says how many documents were written', async () => {
    const dataDir = tempDir('lake-stream-changed-')
    const file = path.join(dataDir, 'in.ndjson')
    // Long enough that the line appended after the first batch lies beyond what the reader has
    // already taken in by then (the batch being checked and ~2 MiB read ahead of it: 1 MiB chunks).
    const total = 4 * IMPORT_BATCH_SIZE + 200
    writeNdjson(file, total, (i) => ({_id: `n-${i}`, _type: 'note', text: 'x'.repeat(1000)}))
    let changed = false
    const importing = importDataset(dataDir, file, {
      dataset: 'production',
      mode: 'create',
      onProgress: () => {
        if (!changed) fs.appendFileSync(file, '{"_id": broken\n')
        changed = true
      },
    })
    // Into a private lake, in bulk: the batch holding the changed line is the fifth.
    await expect(importing).rejects.toThrow(`${file}:${total + 1}: not valid JSON`)
    await expect(importing).rejects.toThrow(`(the file changed during the import: ${4 * IMPORT_BATCH_SIZE} of ${total} documents were written)`)
  })
})
