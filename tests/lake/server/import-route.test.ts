/**
 * The bulk import route, `POST /data/import/{dataset}` (a lake extension, http/routes/import.ts),
 * over HTTP on loopback: writers only, NDJSON validated line by line (4xx naming the line, never a
 * 500), size limits (413), durable batches readable at once, listeners told; and the CLI's import
 * uses it when a lake runs (one process talking to another).
 */
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'
import {importDataset} from '@/lib/lake/archive'
import {SERVING_IMPORT_BATCH} from '@/lib/lake/http/routes/import'
import {importRoutes} from '@/lib/lake/http/routes/import'
import type {Transaction} from '@/lib/lake/engine/types'
import {startTestLake, type TestLake} from './helpers'

let lake: TestLake
beforeAll(async () => {
  lake = await startTestLake({importLimits: {maxLineBytes: 4096, maxBytes: 256 * 1024}})
})
afterAll(() => lake?.close())

interface Answer {
  status: number
  body: {documents?: number; mode?: string; error?: {type?: string; description?: string; line?: number; written?: number}; message?: string}
}

/** POSTs `body` (chunks sent as they come: without a content-length unless `length` is given). */
function post(query: string, body: string | string[], token?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(lake.api(`/data/import/production${query}`))
  return new Promise((resolve, reject) => {
    const request = http.request(url, {method: 'POST', headers: {...(token ? {authorization: `Bearer ${token}`} : {}), ...headers}}, (response) => {
      let text = ''
      response.on('data', (chunk) => (text += chunk))
      response.on('end', () => resolve({status: response.statusCode ?? 0, body: JSON.parse(text)}))
    })
    // The lake may answer and close before the whole body is sent (a refused line).
    request.on('error', (error) => (String(error).includes('EPIPE') || String(error).includes('ECONNRESET') ? undefined : reject(error)))
    for (const chunk of Array.isArray(body) ? body : [body]) request.write(chunk)
    request.end()
  })
}

const ndjson = (docs: unknown[]) => docs.map((doc) => JSON.stringify(doc)).join('\n') + '\n'
const count = (type: string) => lake.editor.fetch(`count(*[_type == $type])`, {type})

describe('POST /data/import/{dataset}', () => {
  it('refuses callers without a write token: 401 anonymous, 403 read-only; nothing is written', async () => {
    const body = ndjson([{_id: 'auth-1', _type: 'authNote'}])
    const anonymous = await post('', body)
    expect(anonymous.status).toBe(401)
    const viewer = await post('', body, lake.viewerToken)
    expect(viewer.status).toBe(403)
    expect(viewer.body.error?.description).toContain('can only read')
    const wrong = await post('', body, 'not-a-token')
    expect(wrong.status).toBe(401)
    expect(await count('authNote')).toBe(0)
  })

  it('imports NDJSON durably: readable through /data/query at once, CRLF and blank lines allowed, system fields kept', async () => {
    const lines = [
      JSON.stringify({_id: 'ok-1', _type: 'okNote', title: 'One', _createdAt: '2020-01-01T00:00:00Z', _updatedAt: '2020-01-02T00:00:00Z', _rev: 'r-1'}),
      '',
      JSON.stringify({_id: 'ok-2', _type: 'okNote', title: 'Twö'}),
      JSON.stringify({_id: 'drafts.ok-3', _type: 'okNote', title: 'Draft'}),
    ]
    // Split inside a multi-byte character: the body is decoded across chunks.
    const text = lines.join('\r\n') + '\r\n'
    const cut = Buffer.from(text).indexOf(Buffer.from('ö')) + 1
    const bytes = Buffer.from(text)
    const answer = await post('', [bytes.subarray(0, cut) as unknown as string, bytes.subarray(cut) as unknown as string], lake.editorToken)
    expect(answer).toEqual({status: 200, body: {documents: 3, mode: 'create'}})
    const response = await fetch(lake.api(`/data/query/production?query=${encodeURIComponent('*[_type == "okNote"] | order(_id) {_id, title, _rev, _createdAt}')}`))
    expect(response.status).toBe(200)
    // Anonymous, published: the draft is not public.
    expect((await response.json()).result).toEqual([
      {_id: 'ok-1', title: 'One', _rev: 'r-1', _createdAt: '2020-01-01T00:00:00Z'},
      {_id: 'ok-2', title: 'Twö', _rev: expect.any(String), _createdAt: expect.any(String)},
    ])
    expect(await lake.editor.fetch('*[_id == "drafts.ok-3"][0].title')).toBe('Draft')
  })

  it('modes: create refuses an existing document (409 naming the line), replace overwrites, missing keeps', async () => {
    await lake.editor.create({_id: 'mode-1', _type: 'modeNote', title: 'editor'})
    const body = ndjson([
      {_id: 'mode-0', _type: 'modeNote', title: 'import'},
      {_id: 'mode-1', _type: 'modeNote', title: 'import'},
    ])
    const create = await post('?mode=create', body, lake.editorToken)
    expect(create.status).toBe(409)
    expect(create.body.error).toMatchObject({line: 2, written: 0})
    expect(create.body.error?.description).toBe('Line 2: Document by ID "mode-1" already exists. Nothing was written.')
    expect(await count('modeNote')).toBe(1)

    expect(await post('?mode=missing', body, lake.editorToken)).toEqual({status: 200, body: {documents: 2, mode: 'missing'}})
    expect(await lake.editor.fetch('*[_id == "mode-1"][0].title')).toBe('editor')
    expect(await post('?mode=replace', body, lake.editorToken)).toEqual({status: 200, body: {documents: 2, mode: 'replace'}})
    expect(await lake.editor.fetch('*[_id == "mode-1"][0].title')).toBe('import')

    for (const mode of ['upsert', 'constructor', '']) {
      const unknown = await post(`?mode=${mode}`, body, lake.editorToken)
      expect(unknown.status, mode).toBe(400)
      expect(unknown.body.error?.description).toContain('"mode" must be create, replace or missing')
    }
  })

  it('a bad line answers 400 naming it; nothing of its batch is written', async () => {
    const good = (i: number) => JSON.stringify({_id: `bad-${i}`, _type: 'badNote'})
    const cases: [string, RegExp][] = [
      ['{"_id": broken', /^Line 3 is not valid JSON: /],
      ['["an array"]', /^Line 3 is not a document object/],
      ['{"_id":"bad-x","title":"no type"}', /^Line 3: Document "bad-x" is missing the required "_type" attribute/],
      ['{"_id":"has space","_type":"badNote"}', /^Line 3: Malformed document ID/],
      ['"just a string"', /^Line 3 is not a document object/],
    ]
    for (const [line, description] of cases) {
      const answer = await post('', [good(1), good(2), line, good(4)].join('\n'), lake.editorToken)
      expect(answer.status, line).toBe(400)
      expect(answer.body.error?.line).toBe(3)
      expect(answer.body.error?.written).toBe(0)
      expect(answer.body.error?.description).toMatch(description)
      expect(answer.body.error?.description).toContain('Nothing was written.')
    }
    expect(await count('badNote')).toBe(0)
  })

  it('a line over the limit, or a body over the limit, answers 413 (declared or streamed); never a 500', async () => {
    const long = JSON.stringify({_id: 'big-1', _type: 'bigNote', text: 'x'.repeat(5000)})
    const line = await post('', [JSON.stringify({_id: 'big-0', _type: 'bigNote'}) + '\n', long.slice(0, 3000), long.slice(3000) + '\n'], lake.editorToken)
    expect(line.status).toBe(413)
    expect(line.body.error?.description).toMatch(/^Line 2 is longer than the limit of 4096 bytes/)
    expect(line.body.error?.line).toBe(2)

    const declared = await post('', 'x', lake.editorToken, {'content-length': String(300 * 1024)}).catch((error: Error) => error)
    // The lake answers before reading what was declared, and closes.
    expect(declared).toMatchObject({status: 413})

    const doc = (i: number) => JSON.stringify({_id: `big-${i}`, _type: 'bigNote', text: 'y'.repeat(3000)}) + '\n'
    const chunks = Array.from({length: 100}, (_, i) => doc(i))
    const streamed = await post('', chunks, lake.editorToken)
    expect(streamed.status).toBe(413)
    expect(streamed.body.error?.description).toMatch(/^The import body exceeds the limit of 262144 bytes \(at line \d+\)/)
    expect(await count('bigNote')).toBe(0)
  })

  it('hands the engine each line as the bytes received (no string made of it)', async () => {
    const engine = lake.lake.engine
    const original = engine.importDocuments.bind(engine)
    const kinds: string[] = []
    const spy = vi.spyOn(engine, 'importDocuments').mockImplementation((dataset, documents, options) => {
      async function* seen() {
        for await (const item of documents) {
          kinds.push(Buffer.isBuffer(item) ? 'bytes' : typeof item)
          yield item
        }
      }
      return original(dataset, seen(), options)
    })
    try {
      const body = ndjson([{_id: 'bytes-1', _type: 'bytesNote', title: 'Ünï'}, {_id: 'bytes-2', _type: 'bytesNote'}])
      expect(await post('', [body.slice(0, 20), body.slice(20)], lake.editorToken)).toEqual({status: 200, body: {documents: 2, mode: 'create'}})
    } finally {
      spy.mockRestore()
    }
    expect(kinds).toEqual(['bytes', 'bytes'])
    expect(await lake.editor.fetch('*[_id == "bytes-1"][0].title')).toBe('Ünï')
  })

  it('a line over the limit is refused while it streams in: 413 before the rest of it (or the body) is sent, never held whole', async () => {
    const url = new URL(lake.api('/data/import/production'))
    let sent = 0
    const answer = await new Promise<Answer>((resolve, reject) => {
      const request = http.request(url, {method: 'POST', headers: {authorization: `Bearer ${lake.editorToken}`}}, (response) => {
        let text = ''
        response.on('data', (chunk) => (text += chunk))
        response.on('end', () => {
          request.destroy()
          resolve({status: response.statusCode ?? 0, body: JSON.parse(text)})
        })
      })
      request.on('error', (error) => (String(error).includes('EPIPE') || String(error).includes('ECONNRESET') ? undefined : reject(error)))
      request.write(JSON.stringify({_id: 'held-0', _type: 'heldNote'}) + '\n{"_id":"held-1","_type":"heldNote","text":"')
      // 500-byte pieces of one line, one every few ms, and the body never ends: only an answer given
      // while the line streams in (not at its end) stops this.
      const timer = setInterval(() => {
        if (sent >= 200) return clearInterval(timer)
        request.write('z'.repeat(500))
        sent++
      }, 5)
      request.once('response', () => clearInterval(timer))
    })
    expect(answer.status).toBe(413)
    expect(answer.body.error).toMatchObject({line: 2, written: 0})
    expect(answer.body.error?.description).toMatch(/^Line 2 is longer than the limit of 4096 bytes/)
    // Refused within a few pieces past the limit: not after 100 kB of them.
    expect(sent).toBeLessThan(60)
    expect(await count('heldNote')).toBe(0)
  })

  it('takes a line of exactly the limit and refuses one byte more (its \\r counted), however it is cut into chunks', async () => {
    const exact = (id: string, size: number, end: string) => {
      const head = `{"_id":"${id}","_type":"edgeNote","text":"`
      return head + 'e'.repeat(size - head.length - 2 - end.length) + '"}' + end
    }
    const fits = exact('edge-fits', 4096, '\r')
    expect(Buffer.byteLength(fits)).toBe(4096)
    const ok = await post('', [fits.slice(0, 1000), fits.slice(1000, 3000), fits.slice(3000) + '\n'], lake.editorToken)
    expect(ok).toEqual({status: 200, body: {documents: 1, mode: 'create'}})
    const over = exact('edge-over', 4097, '\r')
    const refused = await post('', ['\n', over.slice(0, 4096), over.slice(4096) + '\n'], lake.editorToken)
    expect(refused.status).toBe(413)
    expect(refused.body.error).toMatchObject({line: 2, written: 0})
    expect(await count('edgeNote')).toBe(1)
  })

  it('blank lines (whitespace, CR, a lone BOM or no-break space) are skipped but counted; a last line without \\n is imported', async () => {
    const doc = (i: number) => JSON.stringify({_id: `blank-${i}`, _type: 'blankNote', title: `Tïtle ${i}`})
    const body = ['', '   ', doc(1), '\r', '\t \r', '\uFEFF', '\u00A0 ', doc(2), doc(3)].join('\n')
    expect(await post('', body, lake.editorToken)).toEqual({status: 200, body: {documents: 3, mode: 'create'}})
    expect(await lake.editor.fetch('*[_type == "blankNote"] | order(_id).title')).toEqual(['Tïtle 1', 'Tïtle 2', 'Tïtle 3'])
    // A bad line after blank ones is named by its place in the body.
    const bad = await post('', ['', '\u00A0', '\r', doc(4), '{nope'].join('\n'), lake.editorToken)
    expect(bad.status).toBe(400)
    expect(bad.body.error?.line).toBe(5)
    expect(bad.body.error?.description).toMatch(/^Line 5 is not valid JSON/)
    expect(await count('blankNote')).toBe(3)
  })

  it('a line cut across many chunks, at every byte of its multi-byte characters, reads back as sent', async () => {
    const title = 'Zürich — 東京 😀 naïve'
    const line = JSON.stringify({_id: 'cut-1', _type: 'cutNote', title}) + '\n' + JSON.stringify({_id: 'cut-2', _type: 'cutNote', title: 'two'})
    const bytes = Buffer.from(line)
    // One byte per chunk: every character is cut between chunks (Buffers go as they are).
    const chunks = Array.from(bytes, (byte) => Buffer.from([byte]) as unknown as string)
    expect(await post('', chunks, lake.editorToken)).toEqual({status: 200, body: {documents: 2, mode: 'create'}})
    expect(await lake.editor.fetch('*[_id == "cut-1"][0].title')).toBe(title)
    expect(await lake.editor.fetch('*[_id == "cut-2"][0].title')).toBe('two')
  })

  it('invalid UTF-8 is read as a UTF-8 decoder reads it (U+FFFD for each bad sequence), also cut across chunks; a BOM before the first line is not JSON (400, line 1)', async () => {
    const head = Buffer.from('{"_id":"utf-1","_type":"utfNote","title":"a')
    const tail = Buffer.from('b"}\n{"_id":"utf-2","_type":"utfNote","title":"c')
    // A lone continuation byte, an overlong encoding, and (cut across two chunks) a truncated 3-byte sequence.
    const first = Buffer.concat([head, Buffer.from([0x80, 0x41, 0xc0, 0xaf]), tail, Buffer.from([0xe6])])
    const second = Buffer.concat([Buffer.from([0x9d]), Buffer.from('d"}\n')])
    const answer = await post('', [first as unknown as string, second as unknown as string], lake.editorToken)
    expect(answer).toEqual({status: 200, body: {documents: 2, mode: 'create'}})
    expect(await lake.editor.fetch('*[_id == "utf-1"][0].title')).toBe(Buffer.concat([Buffer.from('a'), Buffer.from([0x80, 0x41, 0xc0, 0xaf]), Buffer.from('b')]).toString('utf8'))
    expect(await lake.editor.fetch('*[_id == "utf-1"][0].title')).toBe('a\uFFFDA\uFFFD\uFFFDb')
    expect(await lake.editor.fetch('*[_id == "utf-2"][0].title')).toBe('c\uFFFDd')

    const bom = await post('', '\uFEFF' + JSON.stringify({_id: 'bom-1', _type: 'utfNote'}) + '\n', lake.editorToken)
    expect(bom.status).toBe(400)
    expect(bom.body.error?.line).toBe(1)
    expect(bom.body.error?.description).toMatch(/^Line 1 is not valid JSON/)
    expect(await count('utfNote')).toBe(2)
  })

  it('a client that goes away mid-body: the batches it completed are written, the one it was sending is not; the lake carries on', async () => {
    const url = new URL(lake.api('/data/import/production'))
    const request = http.request(url, {method: 'POST', headers: {authorization: `Bearer ${lake.editorToken}`}})
    request.on('error', () => {})
    const batch = SERVING_IMPORT_BATCH.documents
    request.write(Array.from({length: 2 * batch + 50}, (_, i) => `{"_id":"gone-${i}","_type":"goneNote"}\n`).join(''))
    request.write('{"_id":"gone-cut","_type":"gone')
    // A batch goes to the lake once the next one is read whole (it is checked meanwhile): the first now.
    await vi.waitFor(() => expect(count('goneNote')).resolves.toBe(batch), {timeout: 10_000})
    request.destroy()
    // The second batch was complete: written when the body ends early; the 50 lines after it are not.
    await vi.waitFor(() => expect(count('goneNote')).resolves.toBe(2 * batch), {timeout: 10_000})
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(await count('goneNote')).toBe(2 * batch)
    expect(await post('?mode=missing', ndjson([{_id: 'gone-after', _type: 'goneNote'}]), lake.editorToken)).toEqual({status: 200, body: {documents: 1, mode: 'missing'}})
  })

  it('a conflict after two batches says how many documents were written: those of the batches before (small batches on a serving lake: shorter pauses)', async () => {
    const batch = SERVING_IMPORT_BATCH.documents
    const total = 2 * batch + 50
    const taken = 2 * batch + 10
    await lake.editor.create({_id: `late-${taken}`, _type: 'lateNote'})
    // Kept under the test lake's body limit: small documents.
    const body = Array.from({length: total}, (_, i) => `{"_id":"late-${i}","_type":"lateNote"}\n`).join('')
    const answer = await post('', body, lake.editorToken)
    expect(answer.status).toBe(409)
    expect(answer.body.error).toMatchObject({line: taken + 1, written: 2 * batch})
    expect(answer.body.error?.description).toContain(`The import stopped at line ${taken + 1}: the ${2 * batch} documents before its batch were written, none after.`)
    expect(await count('lateNote')).toBe(2 * batch + 1)
    expect((await post('?mode=missing', body, lake.editorToken)).body.documents).toBe(total)
    expect(await count('lateNote')).toBe(total)
  })

  it('listeners (the Studio) see the imported documents arrive', async () => {
    const seen: string[] = []
    const subscription = lake.editor.listen('*[_type == "liveNote"]').subscribe((event) => {
      if (event.type === 'mutation') seen.push(event.documentId)
    })
    try {
      await new Promise((resolve) => setTimeout(resolve, 300))
      const answer = await post('', ndjson([{_id: 'live-1', _type: 'liveNote'}, {_id: 'live-2', _type: 'liveNote', title: 'Two'}]), lake.editorToken)
      expect(answer.status).toBe(200)
      await vi.waitFor(() => expect(seen.sort()).toEqual(['live-1', 'live-2']))
    } finally {
      subscription.unsubscribe()
    }
  })
})

describe('lake import against a running lake', () => {
  it('the CLI (its own process) sends the file to the bulk import route: 250-document batches, where /data/mutate takes 500 at a time', async () => {
    const own = await startTestLake()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lake-import-route-'))
    try {
      const file = path.join(dir, 'in.ndjson')
      // ~400 kB: more than one chunk of the request body (the CLI reports what it has sent, then what was written).
      fs.writeFileSync(file, Array.from({length: 1200}, (_, i) => `{"_id":"cli-${i}","_type":"cliNote","n":${i},"text":"${'x'.repeat(300)}"}\n`).join(''))
      const transactions: Transaction[] = []
      const unsubscribe = own.lake.engine.subscribe((tx) => transactions.push(tx))
      const child = spawn(process.execPath, ['--import', 'tsx', 'lib/lake/cli.ts', 'import', file], {
        cwd: path.resolve(__dirname, '../../..'),
        env: {...process.env, LAKE_DATA_DIR: own.dataDir},
      })
      let out = ''
      child.stdout.on('data', (chunk) => (out += chunk))
      child.stderr.on('data', (chunk) => (out += chunk))
      const code = await new Promise((resolve) => child.on('close', resolve))
      unsubscribe()
      expect(out).toContain('Imported 1200 documents and 0 assets into "production" (create) through the running lake')
      expect(code).toBe(0)
      expect(out).toMatch(/Sent \d+ documents to the lake…/)
      expect(out).toContain('Imported 1200 documents…')
      expect(transactions.map((tx) => tx.mutations.length)).toEqual([250, 250, 250, 250, 200])
      expect(await own.editor.fetch('*[_id == "cli-1199"][0].n')).toBe(1199)

      // The /data/mutate way (as `sanity dataset import` writes) is still there, in 500-document transactions.
      transactions.length = 0
      const again = own.lake.engine.subscribe((tx) => transactions.push(tx))
      await importDataset(own.dataDir, file, {dataset: 'production', mode: 'createOrReplace', via: 'mutate'})
      again()
      expect(transactions.map((tx) => tx.mutations.length)).toEqual([500, 500, 200])
    } finally {
      await own.close()
      fs.rmSync(dir, {recursive: true, force: true})
    }
  }, 60_000)

  it('falls back to /data/mutate against a lake without the route (an older version still running)', async () => {
    const own = await startTestLake()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lake-import-old-'))
    const route = importRoutes[0]
    const pattern = route.pattern
    try {
      const file = path.join(dir, 'in.ndjson')
      fs.writeFileSync(file, Array.from({length: 600}, (_, i) => `{"_id":"old-${i}","_type":"oldNote"}\n`).join(''))
      // As a lake from before the route: POST /data/import is a 404.
      route.pattern = /^(?!)$/
      const gone = await fetch(own.api('/data/import/production'), {method: 'POST', headers: {authorization: `Bearer ${own.editorToken}`}, body: '{}'})
      expect(gone.status).toBe(404)
      const transactions: Transaction[] = []
      const unsubscribe = own.lake.engine.subscribe((tx) => transactions.push(tx))
      const result = await importDataset(own.dataDir, file, {dataset: 'production', mode: 'create'})
      unsubscribe()
      expect(result).toMatchObject({documents: 600, throughRunningLake: true})
      expect(transactions.map((tx) => tx.mutations.length)).toEqual([500, 100])
      expect(await own.editor.fetch('count(*[_type == "oldNote"])')).toBe(600)
    } finally {
      route.pattern = pattern
      await own.close()
      fs.rmSync(dir, {recursive: true, force: true})
    }
  })
})
