/**
 * The site's cache follows sync tags: lib/site/live-revalidation.ts listens to the lake's Live
 * Content API and asks /api/revalidate (signed) to expire exactly the tags a commit fired; drafts
 * and private documents never trigger anything (the stream is anonymous).
 */
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {isValidSignature, SIGNATURE_HEADER_NAME} from '@sanity/webhook'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'
import {sleep, startTestLake, type TestLake} from '../lake/server/helpers'

const SECRET = 'test-secret-for-live-revalidation'
let t: TestLake
let server: http.Server
const received: {path: string; body: {syncTags?: string[]; all?: true}; valid: boolean}[] = []

beforeAll(async () => {
  t = await startTestLake()
  server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', async () => {
      const signature = String(req.headers[SIGNATURE_HEADER_NAME] ?? '')
      received.push({path: req.url ?? '', body: JSON.parse(body), valid: await isValidSignature(body, signature, SECRET)})
      res.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  vi.stubEnv('SANITY_REVALIDATE_SECRET', SECRET)
  vi.stubEnv('LAKE_HTTP_PORT', new URL(t.lake.httpUrl).port)
  // lib/env reads the environment once at import: load the subscriber afresh with the lake's port.
  vi.resetModules()
  const {followLiveEvents} = await import('@/lib/site/live-revalidation')
  followLiveEvents(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  await sleep(500)
})
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await t?.close()
})

async function until(predicate: () => boolean, timeoutMs = 5000) {
  const started = Date.now()
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out')
    await sleep(20)
  }
}

describe('live revalidation', () => {
  it('posts the sync tags of each public change to /api/revalidate, signed', async () => {
    await t.editor.create({_id: 'lr-1', _type: 'post', title: 'One'})
    const tags = (await t.anonymous.fetch('*[_id == "lr-1"][0]{title}', {}, {filterResponse: false})).syncTags ?? []
    received.length = 0
    await t.editor.patch('lr-1').set({title: 'One, edited'}).commit()
    await until(() => received.some((r) => r.body.syncTags?.some((tag) => tags.includes(tag as never))))
    for (const request of received) {
      expect(request.path).toBe('/api/revalidate')
      expect(request.valid).toBe(true)
    }
  })

  it('stays silent for drafts and private documents', async () => {
    await sleep(300)
    received.length = 0
    await t.editor.create({_id: 'drafts.lr-1', _type: 'post', title: 'secret draft'})
    await t.editor.create({_id: 'contact.lr', _type: 'contactMessage', body: 'private'})
    await sleep(400)
    expect(received).toEqual([])
  })
})
