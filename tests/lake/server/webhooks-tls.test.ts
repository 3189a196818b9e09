import fs from 'node:fs'
import http from 'node:http'
import http2 from 'node:http2'
import type {AddressInfo} from 'node:net'
import {isValidSignature} from '@sanity/webhook'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ensureCertificates} from '@/lib/lake/tls/certificates'
import {SIGNATURE_HEADER} from '@/lib/lake/webhooks/dispatcher'
import {sleep, startTestLake, type TestLake} from './helpers'

const SECRET = 'test-webhook-secret'
const received: {body: string; signature: string}[] = []
let failNext = 0
let receiver: http.Server
let t: TestLake

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      if (failNext > 0) {
        failNext--
        res.writeHead(503).end()
        return
      }
      received.push({body, signature: String(req.headers[SIGNATURE_HEADER] ?? '')})
      res.writeHead(200).end('ok')
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  const {port} = receiver.address() as AddressInfo
  t = await startTestLake({webhooks: [{url: `http://127.0.0.1:${port}/hook`, secret: SECRET}]})
})
afterAll(async () => {
  await t?.close()
  await new Promise((resolve) => receiver?.close(resolve))
})

async function payloadsFor(id: string, count: number) {
  const start = Date.now()
  const matching = () => received.filter((r) => JSON.parse(r.body)._id === id)
  while (matching().length < count && Date.now() - start < 10_000) await sleep(25)
  return matching()
}

describe('webhooks', () => {
  it('posts signed create/update/delete payloads with slugs for public documents only', async () => {
    await t.editor.create({_id: 'wh-1', _type: 'post', slug: {_type: 'slug', current: 'first'}})
    await t.editor.patch('wh-1').set({'slug.current': 'renamed'}).commit()
    await t.editor.create({_id: 'drafts.wh-2', _type: 'post'})
    await t.editor.create({_id: 'contact.wh-3', _type: 'contactMessage'})
    await t.editor.delete('wh-1')
    const calls = await payloadsFor('wh-1', 3)
    await t.lake.webhooksIdle()

    for (const call of calls) expect(await isValidSignature(call.body, call.signature, SECRET)).toBe(true)
    expect(await isValidSignature(calls[0].body, calls[0].signature, 'wrong-secret')).toBe(false)
    const bodies = calls.map((c) => JSON.parse(c.body))
    expect(bodies.map((b) => b.operation)).toEqual(['create', 'update', 'delete'])
    expect(bodies[0]).toMatchObject({_id: 'wh-1', _type: 'post', slug: 'first', transactionId: expect.any(String), timestamp: expect.any(String)})
    expect(bodies[0].previousSlug).toBeUndefined()
    expect(bodies[1]).toMatchObject({slug: 'renamed', previousSlug: 'first'})
    expect(bodies[2]).toMatchObject({slug: 'renamed', operation: 'delete'})
    const ids = received.map((r) => JSON.parse(r.body)._id)
    expect(ids).not.toContain('drafts.wh-2')
    expect(ids).not.toContain('contact.wh-3')
  })

  it('retries after a 5xx answer', async () => {
    failNext = 1
    await t.editor.create({_id: 'wh-retry', _type: 'post'})
    const calls = await payloadsFor('wh-retry', 1)
    expect(calls).toHaveLength(1)
    expect(failNext).toBe(0)
  })
})

describe('TLS and HTTP/2', () => {
  it('an HTTP/2 client trusting the generated CA gets /ping', async () => {
    const ca = fs.readFileSync(t.lake.caCertPath)
    const session = http2.connect(t.lake.httpsUrl, {ca})
    try {
      const {status, body} = await new Promise<{status: number; body: string}>((resolve, reject) => {
        const req = session.request({':path': '/v2025-02-19/ping', ':authority': `dispatch.localhost:${t.lake.port}`})
        let status = 0
        let body = ''
        req.on('response', (headers) => (status = Number(headers[':status'])))
        req.on('data', (chunk) => (body += chunk))
        req.on('end', () => resolve({status, body}))
        req.on('error', reject)
        req.end()
      })
      expect(status).toBe(200)
      expect(body).toBe('PONG')
      expect(session.alpnProtocol).toBe('h2')
    } finally {
      session.close()
    }
  })

  it('streams listen events over HTTP/2', async () => {
    const session = http2.connect(t.lake.httpsUrl, {ca: fs.readFileSync(t.lake.caCertPath)})
    try {
      const req = session.request({
        ':path': '/v2025-02-19/data/listen/production?query=' + encodeURIComponent('*[_id == "h2-listen"]'),
        authorization: `Bearer ${t.editorToken}`,
      })
      let text = ''
      let created = false
      const gotMutation = new Promise<void>((resolve) =>
        req.on('data', (chunk) => {
          text += chunk
          if (!created && text.includes('event: welcome')) {
            created = true
            void t.editor.create({_id: 'h2-listen', _type: 'x'})
          }
          if (text.includes('event: mutation')) resolve()
        }),
      )
      await gotMutation
      expect(text).toMatch(/"documentId":"h2-listen"/)
      req.close()
    } finally {
      session.close()
    }
  })

  it('serves the trust page and the CA certificate; keys are private and reused on restart', async () => {
    const ca = fs.readFileSync(t.lake.caCertPath)
    const page = await new Promise<string>((resolve, reject) => {
      const session = http2.connect(t.lake.httpsUrl, {ca})
      const req = session.request({':path': '/'})
      let body = ''
      req.on('data', (chunk) => (body += chunk))
      req.on('end', () => {
        session.close()
        resolve(body)
      })
      req.on('error', reject)
      req.end()
    })
    expect(page).toContain('<title>Dispatch local Content Lake</title>')
    expect(page).toContain('certutil -d sql:$HOME/.pki/nssdb')
    const served = await (await fetch(`${t.lake.httpUrl}/ca.pem`)).text()
    expect(served).toBe(ca.toString())
    const keyMode = fs.statSync(t.lake.caCertPath.replace(/ca\.pem$/, 'server.key')).mode & 0o777
    expect(keyMode).toBe(0o600)
    const again = ensureCertificates(t.dataDir, 'dispatch')
    expect(again.caCertPem).toBe(ca.toString())
  })
})
