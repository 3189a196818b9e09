/**
 * Webhook deliveries survive a lake restart: a publish made while the site is down is delivered
 * once the lake is back (and the site too), from the outbox in the lake's database.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {createClient} from '@sanity/client'
import {afterAll, describe, expect, it} from 'vitest'
import {createToken, startLake, type RunningLake} from '@/lib/lake/server'
import {WebhookOutbox} from '@/lib/lake/webhooks/outbox'
import {freePort} from '@/scripts/lib/redis-server'
import {API_VERSION, sleep} from './helpers'

const SECRET = 'durable-secret'
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lake-durable-'))
let lake: RunningLake | null = null
let receiver: http.Server | null = null

afterAll(async () => {
  await lake?.close()
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(null)))
  fs.rmSync(dataDir, {recursive: true, force: true})
})

describe('durable webhook deliveries', () => {
  it('keeps a delivery the site could not take across a lake restart and delivers it after', async () => {
    const port = await freePort() // nobody listens yet: the site is "down"
    const url = `http://127.0.0.1:${port}/api/revalidate`
    const logs: string[] = []
    const start = () => startLake({dataDir, port: 0, httpPort: 0, webhooks: [{url, secret: SECRET}], logger: (line) => logs.push(line)})
    lake = await start()
    const token = createToken(dataDir, {role: 'editor', label: 'test'})
    const editor = createClient({projectId: 'dispatch', dataset: 'production', apiVersion: API_VERSION, apiHost: lake.httpUrl, useProjectHostname: false, useCdn: false, token})
    await editor.create({_id: 'durable-1', _type: 'post', slug: {_type: 'slug', current: 'durable'}})
    await sleep(200) // the first attempt fails (connection refused) and is scheduled again
    await lake.close()
    lake = null

    const outbox = new WebhookOutbox(path.join(dataDir, 'lake.sqlite'))
    expect(outbox.pending()).toBe(1)
    outbox.close()

    const received: string[] = []
    receiver = http.createServer((req, res) => {
      let body = ''
      req.on('data', (chunk) => (body += chunk))
      req.on('end', () => {
        received.push(body)
        res.writeHead(200).end('ok')
      })
    })
    await new Promise<void>((resolve) => receiver!.listen(port, '127.0.0.1', resolve))

    lake = await start()
    await lake.webhooksIdle()
    expect(received.map((body) => JSON.parse(body))).toEqual([expect.objectContaining({_id: 'durable-1', operation: 'create', slug: 'durable'})])
    expect(logs.some((line) => line.includes('resuming 1 pending webhook delivery'))).toBe(true)
  })
})
