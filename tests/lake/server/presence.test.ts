/**
 * The Studio's presence socket (bifur over WebSocket): authorisation, roll call, announcements and
 * departures between two editors, as the Studio's presence store sends and reads them.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {WebSocket} from 'ws'
import {startTestLake, type TestLake} from './helpers'

let t: TestLake
beforeAll(async () => {
  t = await startTestLake({allowedOrigins: ['http://localhost:3999']})
})
afterAll(async () => {
  await t?.close()
})

interface Client {
  ws: WebSocket
  messages: Record<string, unknown>[]
  call(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>
  next(predicate: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
}

async function connect(options: {origin?: string; dataset?: string} = {}): Promise<Client> {
  const url = `${t.lake.httpUrl.replace(/^http/, 'ws')}/v2022-06-30/socket/${options.dataset ?? 'production'}?tag=sanity.studio`
  const ws = new WebSocket(url, {headers: options.origin ? {origin: options.origin} : {}})
  const messages: Record<string, unknown>[] = []
  const waiters: {predicate: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void}[] = []
  ws.on('message', (data) => {
    const text = data.toString()
    if (text === '♥') return
    const message = JSON.parse(text) as Record<string, unknown>
    messages.push(message)
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(message)
      }
    }
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
  })
  let n = 0
  const next: Client['next'] = (predicate) =>
    new Promise((resolve, reject) => {
      const seen = messages.find(predicate)
      if (seen) return resolve(seen)
      const timer = setTimeout(() => reject(new Error('timed out waiting for a presence message')), 5000)
      waiters.push({predicate, resolve: (m) => (clearTimeout(timer), resolve(m))})
    })
  return {
    ws,
    messages,
    next,
    call(method, params = {}) {
      const id = `req-${++n}`
      ws.send(JSON.stringify({jsonrpc: '2.0', method, params: {...params, apiVersion: 'v1'}, id}))
      return next((m) => m.id === id)
    },
  }
}

const events = (client: Client) =>
  client.messages.filter((m) => m.method === 'presence_subscription').map((m) => (m.params as {result: Record<string, unknown>}).result)

describe('presence socket', () => {
  it('relays roll calls, locations and departures between two signed-in editors', async () => {
    const a = await connect({origin: 'http://localhost:3999'})
    const b = await connect()
    expect(await a.call('authorization', {authorization: `Bearer ${t.editorToken}`})).toMatchObject({result: {authorized: true}})
    expect(await b.call('authorization', {authorization: `Bearer ${t.viewerToken}`})).toMatchObject({result: {authorized: true}})
    const subA = (await a.call('presence_subscribe')).result
    const subB = (await b.call('presence_subscribe')).result
    expect(typeof subA).toBe('string')

    // B arrives and asks who is there; A hears the roll call and announces where it is.
    await b.call('presence_rollcall', {session: 'session-b'})
    await a.next((m) => (m.params as {result?: {type?: string}} | undefined)?.result?.type === 'rollCall')
    expect(events(a).find((e) => e.type === 'rollCall')).toMatchObject({session: 'session-b', i: expect.any(String)})
    const locations = [{type: 'document', documentId: 'drafts.post-1', path: ['title'], lastActiveAt: new Date().toISOString()}]
    await a.call('presence_announce', {data: {sessionId: 'session-a', locations}})
    await b.next((m) => (m.params as {result?: {type?: string}} | undefined)?.result?.type === 'state')
    const state = events(b).find((e) => e.type === 'state')!
    expect(state).toMatchObject({m: {sessionId: 'session-a', locations}})
    expect((b.messages.find((m) => m.method === 'presence_subscription')!.params as {subscription: string}).subscription).toBe(subB)
    // The user id names a real account, so the Studio can show its avatar.
    const profile = await (await fetch(t.api(`/users/${state.i}`), {headers: {authorization: `Bearer ${t.viewerToken}`}})).json()
    expect(profile.id).toBe(state.i)

    // A's tab closes without saying goodbye: B is told A's session left.
    a.ws.close()
    await b.next((m) => (m.params as {result?: {type?: string}} | undefined)?.result?.type === 'disconnect')
    expect(events(b).find((e) => e.type === 'disconnect')).toMatchObject({i: state.i, m: {session: 'session-a'}})
    b.ws.close()
  })

  it('tells nothing to connections without a valid token, and nothing across datasets', async () => {
    const anonymous = await connect()
    expect(await anonymous.call('presence_subscribe')).toMatchObject({error: {code: 4001}})
    expect(await anonymous.call('authorization', {authorization: 'Bearer nope'})).toMatchObject({error: {code: 4001}})
    const other = await connect({dataset: 'staging'})
    await other.call('authorization', {authorization: `Bearer ${t.editorToken}`})
    await other.call('presence_subscribe')
    const editor = await connect()
    await editor.call('authorization', {authorization: `Bearer ${t.editorToken}`})
    await editor.call('presence_subscribe')
    await editor.call('presence_announce', {data: {sessionId: 's-secret', locations: [{type: 'document', documentId: 'drafts.secret'}]}})
    await editor.next((m) => (m.params as {result?: {type?: string}} | undefined)?.result?.type === 'state')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(events(anonymous)).toEqual([])
    expect(events(other)).toEqual([])
    for (const client of [anonymous, other, editor]) client.ws.close()
  })

  it('rejects bad input with JSON-RPC errors and foreign origins at the handshake', async () => {
    const client = await connect()
    client.ws.send('not json')
    await client.next((m) => (m.error as {code?: number} | undefined)?.code === -32600)
    await client.call('authorization', {authorization: `Bearer ${t.editorToken}`})
    expect(await client.call('presence_announce', {data: {sessionId: 's', locations: 'everywhere'}})).toMatchObject({error: {code: -32602}})
    expect(await client.call('no_such_method')).toMatchObject({error: {code: -32601}})
    client.ws.close()
    await expect(connect({origin: 'https://evil.example'})).rejects.toThrow(/403/)
    await expect(connect({dataset: 'Bad!'})).rejects.toThrow(/404/)
  })
})
