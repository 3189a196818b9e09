/**
 * What happens to a webhook delivery the receiver does not take: 408, 429 and 5xx are retried with
 * backoff; any other 4xx is final, and so is running out of attempts — but a final failure is kept
 * in the outbox as failed and logged (visible, and retryable by an operator), never dropped.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import type {AddressInfo} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Engine, Transaction} from '@/lib/lake/engine/types'
import {retryable, WebhookDispatcher} from '@/lib/lake/webhooks/dispatcher'
import {WebhookOutbox} from '@/lib/lake/webhooks/outbox'

let server: http.Server
let origin = ''
/** Status answers per path, consumed in order; 200 once exhausted. */
const answers = new Map<string, number[]>()
const received: string[] = []

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      received.push(req.url ?? '')
      const queue = answers.get(req.url ?? '') ?? []
      res.writeHead(queue.shift() ?? 200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

/** An engine that only announces the transactions the test hands it. */
function fakeEngine() {
  let listener: ((tx: Transaction) => void) | null = null
  const engine = {
    subscribe(fn: (tx: Transaction) => void) {
      listener = fn
      return () => (listener = null)
    },
  } as unknown as Engine
  const commit = (id: string) =>
    listener?.({
      id: `tx-${id}`,
      timestamp: new Date().toISOString(),
      changes: [{id, before: null, after: {_id: id, _type: 'post', slug: {current: id}}}],
    } as unknown as Transaction)
  return {engine, commit}
}

describe('webhook deliveries the receiver does not take', () => {
  it('retries 408, 429 and 5xx; treats other 4xx as final', () => {
    expect([408, 429, 500, 502, 503].every(retryable)).toBe(true)
    expect([400, 401, 403, 404, 410, 413, 422].some(retryable)).toBe(false)
  })

  it('delivers after a 408 and a 503, and keeps a 401 and an exhausted delivery as failed, logged', async () => {
    answers.set('/slow', [408, 503])
    answers.set('/wrong-secret', [401])
    answers.set('/down', [500, 500, 500, 500])
    const outbox = new WebhookOutbox(':memory:')
    const logs: string[] = []
    const {engine, commit} = fakeEngine()
    const targets = ['/slow', '/wrong-secret', '/down'].map((path) => ({url: origin + path, secret: 's'}))
    const dispatcher = new WebhookDispatcher(engine, targets, {log: (line) => logs.push(line), outbox, firstBackoffMs: 10, maxAttempts: 3})
    commit('post-1')
    await dispatcher.idle()

    expect(received.filter((path) => path === '/slow')).toHaveLength(3)
    expect(received.filter((path) => path === '/wrong-secret')).toHaveLength(1)
    expect(received.filter((path) => path === '/down')).toHaveLength(3)
    expect(outbox.pending()).toBe(0)
    const failed = outbox.failed()
    expect(failed.map((row) => [new URL(row.url).pathname, row.attempts, row.lastError]).sort()).toEqual([
      ['/down', 3, 'HTTP 500'],
      ['/wrong-secret', 1, 'HTTP 401'],
    ])
    expect(JSON.parse(failed[0].body)).toMatchObject({_id: 'post-1', operation: 'create'})
    expect(logs.some((line) => line.includes('/wrong-secret refused post-1 (HTTP 401)') && line.includes('kept as failed'))).toBe(true)
    expect(logs.some((line) => line.includes('/down failed for post-1 after 3 attempts') && line.includes('kept as failed'))).toBe(true)

    // An operator fixed the secret: the failed deliveries go out again.
    expect(outbox.retryFailed()).toBe(2)
    await dispatcher.close()
    const again = new WebhookDispatcher(engine, targets, {log: (line) => logs.push(line), outbox, firstBackoffMs: 10, maxAttempts: 3})
    await again.idle()
    expect(outbox.failed()).toEqual([])
    expect(received.filter((path) => path === '/wrong-secret')).toHaveLength(2)
    await again.close()
    outbox.close()
  })

  it('opens the outbox of an older lake (no failed_at column) and keeps its pending deliveries', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-')), 'lake.sqlite')
    const old = new Database(file)
    old.exec(`CREATE TABLE webhook_deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, body TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, last_error TEXT, created_at INTEGER NOT NULL)`)
    old.prepare('INSERT INTO webhook_deliveries (url, body, next_attempt_at, created_at) VALUES (?, ?, ?, ?)').run('http://site/api/revalidate', '{}', 0, 0)
    old.close()
    const outbox = new WebhookOutbox(file)
    expect(outbox.pending()).toBe(1)
    expect(outbox.failed()).toEqual([])
    outbox.close()
    fs.rmSync(path.dirname(file), {recursive: true, force: true})
  })
})
