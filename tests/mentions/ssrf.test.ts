/**
 * SSRF protection with MENTIONS_ALLOW_PRIVATE_NETWORKS off (production settings): sources on
 * private addresses are refused before any connection, and safeFetch's limits hold.
 */
import http from 'node:http'
import xmlrpc from 'xmlrpc'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {htmlPage, startMentionsStack, startOtherBlog, type MentionsStack, type OtherBlog} from './harness'

let stack: MentionsStack
let blog: OtherBlog

beforeAll(async () => {
  stack = await startMentionsStack({allowPrivateNetworks: false})
  blog = await startOtherBlog({
    '/links': () => ({body: htmlPage('Links', `<a href="${stack.siteUrl}/posts/open">x</a>`)}),
    '/big': () => ({body: `<html><body>${'x'.repeat(3 * 1024 * 1024)}</body></html>`}),
  })
})

afterAll(async () => {
  await blog?.close()
  await stack?.close()
})

function ping(source: string, target: string): Promise<{faultCode?: number; faultString?: string} | null> {
  const url = new URL(stack.siteUrl)
  const client = xmlrpc.createClient({host: url.hostname, port: Number(url.port), path: '/xmlrpc'})
  return new Promise((resolve) => client.methodCall('pingback.ping', [source, target], (error) => resolve(error as never)))
}

describe('with private networks not allowed', () => {
  it('refuses a pingback whose source is on a loopback address, without connecting to it', async () => {
    for (const source of [`${blog.url}/links`, `http://localhost:${blog.port}/links`, `http://[::1]:${blog.port}/links`, `http://0x7f000001:${blog.port}/links`]) {
      const fault = await ping(source, `${stack.siteUrl}/posts/open`)
      expect(fault?.faultCode, source).toBe(16)
      expect(fault?.faultString, source).toMatch(/loopback address/)
    }
    expect(blog.requests).toHaveLength(0)
    expect(await stack.client.fetch(`count(*[_type == "pingback"])`)).toBe(0)
  })

  it('safeFetch refuses private, link-local, CGNAT and unspecified addresses', async () => {
    const {safeFetch} = await import('@/lib/mentions/safe-fetch')
    for (const url of ['http://10.0.0.1/', 'http://192.168.1.1/', 'http://169.254.169.254/latest/meta-data/', 'http://100.64.0.1/', 'http://0.0.0.0/', 'http://[fd00::1]/', 'http://[::ffff:127.0.0.1]/']) {
      await expect(safeFetch(url), url).rejects.toMatchObject({kind: 'refused'})
    }
  })

  it('safeFetch refuses non-http schemes and credentials', async () => {
    const {safeFetch} = await import('@/lib/mentions/safe-fetch')
    await expect(safeFetch('file:///etc/passwd')).rejects.toMatchObject({kind: 'invalid-url'})
    await expect(safeFetch('gopher://example.com/')).rejects.toMatchObject({kind: 'invalid-url'})
    await expect(safeFetch('http://user:pw@example.com/')).rejects.toMatchObject({kind: 'invalid-url'})
  })
})

describe('safeFetch limits (loopback explicitly allowed for the local test servers)', () => {
  it('stops reading after 1 MB', async () => {
    const {safeFetch, MAX_BODY_BYTES} = await import('@/lib/mentions/safe-fetch')
    const response = await safeFetch(`${blog.url}/big`, {allowPrivateNetworks: true})
    expect(response.truncated).toBe(true)
    expect(response.body.length).toBe(MAX_BODY_BYTES)
  })

  it('gives up on a server that never answers (timeout)', async () => {
    const {safeFetch} = await import('@/lib/mentions/safe-fetch')
    const silent = http.createServer(() => {})
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    try {
      const port = (silent.address() as {port: number}).port
      const started = Date.now()
      await expect(safeFetch(`http://127.0.0.1:${port}/`, {allowPrivateNetworks: true, timeoutMs: 300})).rejects.toMatchObject({kind: 'timeout'})
      expect(Date.now() - started).toBeLessThan(2_000)
    } finally {
      silent.closeAllConnections()
      silent.close()
    }
  })

  it('connects to the vetted address (pinned lookup), keeping the Host header', async () => {
    const {safeFetch} = await import('@/lib/mentions/safe-fetch')
    const seen: string[] = []
    const server = http.createServer((req, res) => {
      seen.push(String(req.headers.host))
      res.end('ok')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const port = (server.address() as {port: number}).port
      const response = await safeFetch(`http://localhost:${port}/`, {allowPrivateNetworks: true})
      expect(response.status).toBe(200)
      expect(seen).toEqual([`localhost:${port}`])
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })
})
