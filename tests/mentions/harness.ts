/**
 * Test harness for the mentions feature: a REAL lake (startLake) for storage, our route handlers
 * served by a tiny node:http adapter (cheaper than booting Next.js; the handlers are plain
 * Request → Response functions), and real node:http servers playing the "other blogs".
 *
 * lib/env reads the environment once at import time, so `startMentionsStack` sets the environment
 * first and only then imports the handlers.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {Readable} from 'node:stream'
import {createClient, type SanityClient} from '@sanity/client'
import {vi} from 'vitest'
import {createToken, startLake} from '@/lib/lake/server'

export type RouteHandler = (request: Request) => Promise<Response> | Response

export interface HttpServer {
  url: string
  port: number
  close(): Promise<void>
}

/** Serves a Request → Response handler over real HTTP on 127.0.0.1. */
export async function serve(handler: RouteHandler, port = 0): Promise<HttpServer> {
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`)
      const headers = new Headers()
      for (const [name, value] of Object.entries(req.headers)) {
        if (Array.isArray(value)) value.forEach((v) => headers.append(name, v))
        else if (value !== undefined) headers.set(name, value)
      }
      // What Next.js does for route handlers: the connecting address ends X-Forwarded-For.
      headers.set('x-forwarded-for', req.socket.remoteAddress ?? 'unknown')
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
      const request = new Request(url, {
        method: req.method,
        headers,
        body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
        // @ts-expect-error Node's fetch needs this for streamed request bodies.
        duplex: 'half',
      })
      const response = await handler(request)
      // A handler may answer without reading the whole upload (413): never reuse such a connection.
      res.writeHead(response.status, {...Object.fromEntries(response.headers), connection: 'close'})
      res.end(Buffer.from(await response.arrayBuffer()))
    } catch (error) {
      res.writeHead(500, {'content-type': 'text/plain'})
      res.end(`adapter error: ${(error as Error).stack}`)
    }
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const address = server.address() as {port: number}
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export interface MentionsStack {
  site: HttpServer
  siteUrl: string
  client: SanityClient
  token: string
  secret: string
  close(): Promise<void>
}

export const TEST_SECRET = 'mentions-test-webhook-secret'

/**
 * Starts a lake in a temp dir and the site's mention routes on one origin (the site URL).
 * `allowPrivateNetworks` decides MENTIONS_ALLOW_PRIVATE_NETWORKS (the "other blogs" are on loopback).
 */
export async function startMentionsStack(options: {allowPrivateNetworks: boolean; seed?: Record<string, unknown>[]}): Promise<MentionsStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dispatch-mentions-'))
  const lake = await startLake({dataDir, port: 0, httpPort: 0, logger: () => {}})
  const token = createToken(dataDir, {role: 'editor', label: 'mentions-test'})

  // Routes are resolved lazily so the environment below is in place before lib/env is imported.
  let routes: Record<string, RouteHandler> | null = null
  const site = await serve(async (request) => {
    routes ??= await loadRoutes()
    const {pathname} = new URL(request.url)
    const route = routes[pathname]
    if (route) return route(request)
    return new Response('not found', {status: 404})
  })

  process.env.LAKE_HTTP_PORT = String(lake.httpPort)
  process.env.NEXT_PUBLIC_LAKE_PORT = String(lake.port)
  process.env.SANITY_API_READ_TOKEN = token
  process.env.SANITY_API_WRITE_TOKEN = token
  process.env.SANITY_REVALIDATE_SECRET = TEST_SECRET
  process.env.NEXT_PUBLIC_SITE_URL = site.url
  process.env.MENTIONS_ALLOW_PRIVATE_NETWORKS = options.allowPrivateNetworks ? '1' : ''
  // lib/env was already evaluated (the lake imports it) with the old environment: start afresh, so
  // the handlers and the test's own dynamic imports see the settings above.
  vi.resetModules()

  const client = createClient({
    projectId: 'dispatch',
    dataset: 'production',
    apiVersion: '2025-02-19',
    apiHost: lake.httpUrl,
    useProjectHostname: false,
    useCdn: false,
    token,
    perspective: 'raw',
  })
  const seed = options.seed ?? baseDocuments()
  const tx = client.transaction()
  for (const doc of seed) tx.createOrReplace(doc as {_id: string; _type: string})
  await tx.commit({visibility: 'sync'})

  return {
    site,
    siteUrl: site.url,
    client,
    token,
    secret: TEST_SECRET,
    close: async () => {
      const {settleBackgroundWork} = await import('@/lib/mentions/freshness')
      await settleBackgroundWork().catch(() => {})
      await site.close()
      await lake.close()
      fs.rmSync(dataDir, {recursive: true, force: true})
    },
  }
}

async function loadRoutes(): Promise<Record<string, RouteHandler>> {
  const xmlrpc = await import('@/app/xmlrpc/route')
  const xmlrpcPhp = await import('@/app/xmlrpc.php/route')
  const webmention = await import('@/app/webmention/route')
  const webhook = await import('@/app/api/webhooks/mentions/route')
  const moderated = await import('@/app/api/webhooks/mentions/moderated/route')
  const byMethod =
    (mod: {POST: RouteHandler; GET?: RouteHandler}): RouteHandler =>
    (request) =>
      request.method === 'POST' ? mod.POST(request) : mod.GET ? mod.GET(request) : new Response(null, {status: 405})
  return {
    '/xmlrpc': byMethod(xmlrpc),
    '/xmlrpc.php': byMethod(xmlrpcPhp),
    '/webmention': byMethod(webmention),
    '/api/webhooks/mentions': byMethod(webhook),
    '/api/webhooks/mentions/moderated': byMethod(moderated),
  }
}

export const PAST = '2024-05-01T10:00:00.000Z'
export const FUTURE = '2999-01-01T00:00:00.000Z'

export function block(key: string, text: string, links: {text: string; href: string}[] = []) {
  const markDefs = links.map((link, i) => ({_key: `${key}-l${i}`, _type: 'link', href: link.href}))
  const children = [
    {_key: `${key}-s`, _type: 'span', text, marks: []},
    ...links.flatMap((link, i) => [
      {_key: `${key}-s${i}a`, _type: 'span', text: ' ', marks: []},
      {_key: `${key}-s${i}b`, _type: 'span', text: link.text, marks: [`${key}-l${i}`]},
    ]),
  ]
  return {_key: key, _type: 'block', style: 'normal', markDefs, children}
}

export function post(slug: string, fields: Record<string, unknown> = {}) {
  return {
    _id: `post-${slug}`,
    _type: 'post',
    title: `Post ${slug}`,
    slug: {_type: 'slug', current: slug},
    publishedAt: PAST,
    pingsOpen: true,
    body: [block(`${slug}-b0`, `Body of ${slug}.`)],
    ...fields,
  }
}

export function baseDocuments(): Record<string, unknown>[] {
  return [
    {_id: 'siteSettings', _type: 'siteSettings', title: 'Dispatch Test', autoApprovePingbacks: false},
    post('open'),
    post('closed', {pingsOpen: false}),
    post('future', {publishedAt: FUTURE}),
    post('no-flag', {pingsOpen: undefined}),
    {...post('draft-only'), _id: 'drafts.post-draft-only'},
  ]
}

/** A fake "other blog": routes by path; every request is recorded. */
export interface OtherBlog extends HttpServer {
  requests: {method: string; path: string; headers: http.IncomingHttpHeaders; body: string}[]
}

export async function startOtherBlog(
  routes: Record<string, (body: string, req: http.IncomingMessage) => {status?: number; headers?: Record<string, string>; body?: string}>,
): Promise<OtherBlog> {
  const requests: OtherBlog['requests'] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const pathname = new URL(req.url ?? '/', 'http://x').pathname
      requests.push({method: req.method ?? 'GET', path: pathname, headers: req.headers, body})
      const route = routes[pathname]
      const answer = route ? route(body, req) : {status: 404, body: 'not found'}
      res.writeHead(answer.status ?? 200, {'content-type': 'text/html; charset=utf-8', ...answer.headers})
      res.end(answer.body ?? '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as {port: number}).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Polls until `check` returns a truthy value (or fails after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export function htmlPage(title: string, bodyHtml: string, head = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${bodyHtml}</body></html>`
}
