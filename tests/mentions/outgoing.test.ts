/**
 * Sending on publish: the lake-style signed webhook hits /api/webhooks/mentions; a post linking to
 * another post of the site and to local test blogs (one advertising Webmention, one Pingback — the
 * latter served by the independent `xmlrpc` package's server) gets its internal pingback created and
 * both blogs notified; repeats are not re-sent needlessly; retries back off; removed links withdrawn.
 */
import {encodeSignatureHeader} from '@sanity/webhook'
import xmlrpc from 'xmlrpc'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {block, eventually, htmlPage, post, startMentionsStack, startOtherBlog, type MentionsStack, type OtherBlog} from './harness'

let stack: MentionsStack
let webmentionBlog: OtherBlog
let pingbackBlog: OtherBlog
let pingbackServer: ReturnType<typeof xmlrpc.createServer>
let pingbackPort: number
const pingsReceived: unknown[][] = []
let flakyFailuresLeft = 1

async function webhook(payload: Record<string, unknown>, secret = stack.secret): Promise<Response> {
  const body = JSON.stringify({transactionId: 'tx', timestamp: new Date().toISOString(), ...payload})
  const signature = await encodeSignatureHeader(body, Date.now(), secret)
  return fetch(`${stack.siteUrl}/api/webhooks/mentions`, {
    method: 'POST',
    headers: {'content-type': 'application/json', 'sanity-webhook-signature': signature},
    body,
  })
}

function linkerPost(title: string, links: string[]) {
  return post('linker', {
    title,
    body: [block('linker-b0', 'Read these:', links.map((href, i) => ({text: `link ${i}`, href})))],
  })
}

const sentRecords = () => stack.client.fetch(`*[_type == "mentionSent"]{targetUrl, method, state, attempts}`)
const webmentionPosts = () => webmentionBlog.requests.filter((r) => r.method === 'POST' && r.path === '/endpoint')
const flakyPosts = () => webmentionBlog.requests.filter((r) => r.method === 'POST' && r.path === '/flaky-endpoint')

beforeAll(async () => {
  stack = await startMentionsStack({allowPrivateNetworks: true})
  webmentionBlog = await startOtherBlog({
    // Discovery through the HTTP Link header, relative to the page.
    '/wm-post': () => ({headers: {link: '</endpoint>; rel="webmention"'}, body: htmlPage('WM', '<p>hi</p>')}),
    '/endpoint': () => ({status: 202, body: 'accepted'}),
    // Discovery through a <link> element; the endpoint fails once (503) before accepting.
    '/flaky-post': () => ({body: htmlPage('Flaky', '<p>hi</p>', '<link rel="webmention" href="/flaky-endpoint">')}),
    '/flaky-endpoint': () => (flakyFailuresLeft-- > 0 ? {status: 503, body: 'busy'} : {status: 201, body: 'ok'}),
    '/plain': () => ({body: htmlPage('No endpoints', '<p>nothing advertised</p>')}),
  })
  pingbackServer = xmlrpc.createServer({host: '127.0.0.1', port: 0})
  await new Promise<void>((resolve) => pingbackServer.httpServer.on('listening', () => resolve()))
  pingbackPort = (pingbackServer.httpServer.address() as {port: number}).port
  pingbackServer.on('pingback.ping', (_error: unknown, params: unknown[], callback: (e: unknown, v?: unknown) => void) => {
    pingsReceived.push(params)
    callback(null, 'Pingback registered')
  })
  pingbackBlog = await startOtherBlog({
    '/pb-post': () => ({body: htmlPage('PB', '<p>hi</p>', `<link rel="pingback" href="http://127.0.0.1:${pingbackPort}/xmlrpc">`)}),
  })

  await stack.client.createOrReplace(
    linkerPost('Linking around', [
      '/posts/open',
      `${stack.siteUrl}/posts/closed`,
      `${webmentionBlog.url}/wm-post`,
      `${pingbackBlog.url}/pb-post`,
      `${webmentionBlog.url}/plain`,
      `${webmentionBlog.url}/flaky-post#section`,
      'mailto:someone@example.com',
    ]),
  )
})

afterAll(async () => {
  await webmentionBlog?.close()
  await pingbackBlog?.close()
  await new Promise<void>((resolve) => (pingbackServer ? pingbackServer.httpServer.close(() => resolve()) : resolve()))
  await stack?.close()
})

describe('sending mentions on publish', () => {
  it('refuses unsigned or wrongly signed webhooks', async () => {
    expect((await webhook({_id: 'post-linker', _type: 'post', operation: 'update'}, 'wrong-secret')).status).toBe(401)
    const unsigned = await fetch(`${stack.siteUrl}/api/webhooks/mentions`, {method: 'POST', body: '{}'})
    expect(unsigned.status).toBe(401)
  })

  it('creates the internal pingback and notifies both blogs (webmention and pingback)', async () => {
    const response = await webhook({_id: 'post-linker', _type: 'post', operation: 'create', slug: 'linker'})
    expect(response.status).toBe(202)
    const source = `${stack.siteUrl}/posts/linker`

    const internal = await eventually(() => stack.client.fetch(`*[_type == "pingback" && kind == "internal" && sourceUrl == $source]`, {source}).then((d) => (d.length ? d : null)))
    expect(internal).toHaveLength(1) // /posts/closed has pings closed: no pingback there
    expect(internal[0]).toMatchObject({
      status: 'approved',
      sourceTitle: 'Linking around',
      sourceSite: 'Dispatch Test',
      target: {_ref: 'post-open'},
      targetUrl: `${stack.siteUrl}/posts/open`,
    })

    await eventually(async () => webmentionPosts().length === 1)
    const form = new URLSearchParams(webmentionPosts()[0].body)
    expect(form.get('source')).toBe(source)
    expect(form.get('target')).toBe(`${webmentionBlog.url}/wm-post`)
    expect(webmentionPosts()[0].headers['content-type']).toBe('application/x-www-form-urlencoded')

    await eventually(async () => pingsReceived.length === 1)
    expect(pingsReceived[0]).toEqual([source, `${pingbackBlog.url}/pb-post`])

    // The flaky endpoint answered 503 once; the retry (after ~1 s backoff) succeeded.
    await eventually(async () => flakyPosts().length === 2, 15_000)
    expect(new URLSearchParams(flakyPosts()[1].body).get('target')).toBe(`${webmentionBlog.url}/flaky-post`)

    const records = await eventually(async () => {
      const r = await sentRecords()
      return r.length === 4 ? r : null
    }, 15_000)
    const byTarget = Object.fromEntries(records.map((r: {targetUrl: string}) => [r.targetUrl, r]))
    expect(byTarget[`${webmentionBlog.url}/wm-post`]).toMatchObject({method: 'webmention', state: 'sent', attempts: 1})
    expect(byTarget[`${pingbackBlog.url}/pb-post`]).toMatchObject({method: 'pingback', state: 'sent'})
    expect(byTarget[`${webmentionBlog.url}/plain`]).toMatchObject({method: 'none', state: 'no-endpoint'})
    expect(byTarget[`${webmentionBlog.url}/flaky-post`]).toMatchObject({method: 'webmention', state: 'sent', attempts: 2})
  })

  it('does not notify again when the post has not changed', async () => {
    const {sendMentionsForPost} = await import('@/lib/mentions/outgoing')
    const report = await sendMentionsForPost('post-linker')
    expect(report?.external.every((e) => e.state === 'unchanged')).toBe(true)
    expect(webmentionPosts()).toHaveLength(1)
    expect(pingsReceived).toHaveLength(1)
  })

  it('re-sends webmentions (not pingbacks) after an edit, and withdraws removed links', async () => {
    await stack.client.createOrReplace(
      linkerPost('Linking around, updated', [`${webmentionBlog.url}/wm-post`, `${pingbackBlog.url}/pb-post`, `${webmentionBlog.url}/plain`]),
    )
    const {sendMentionsForPost} = await import('@/lib/mentions/outgoing')
    const report = await sendMentionsForPost('post-linker', {attempts: 2, baseDelayMs: 10})
    expect(webmentionPosts()).toHaveLength(2)
    expect(pingsReceived).toHaveLength(1)
    // The link to /posts/open is gone: its internal pingback goes too.
    expect(report?.withdrawnInternal).toHaveLength(1)
    expect(await stack.client.fetch(`count(*[_type == "pingback" && kind == "internal"])`)).toBe(0)
    // The flaky post's webmention is withdrawn: its receiver is told again (and will find no link).
    expect(flakyPosts()).toHaveLength(3)
    const flaky = (await sentRecords()).find((r: {targetUrl: string}) => r.targetUrl.endsWith('/flaky-post'))
    expect(flaky.state).toBe('withdrawn')
  })

  it('a deleted post withdraws its webmentions', async () => {
    const response = await webhook({_id: 'post-linker', _type: 'post', operation: 'delete', slug: 'linker'})
    expect(response.status).toBe(202)
    await eventually(async () => webmentionPosts().length === 3)
    const record = (await sentRecords()).find((r: {targetUrl: string}) => r.targetUrl.endsWith('/wm-post'))
    expect(record.state).toBe('withdrawn')
  })

  it('ignores other document types and rejects malformed payloads', async () => {
    expect((await webhook({_id: 'author-x', _type: 'author', operation: 'update'})).status).toBe(200)
    expect((await webhook({_id: 'post-linker', _type: 'post', operation: 'explode'})).status).toBe(400)
  })
})
