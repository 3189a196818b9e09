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
