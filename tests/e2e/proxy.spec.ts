/**
 * Issue #13's acceptance: production on one server behind a real TLS front. Caddy (Debian package,
 * deploy/Caddyfile unchanged) terminates TLS for https://blog.test:<port>, which Chromium resolves
 * to 127.0.0.1 by its host-resolver rules and trusts through a test CA in its own NSS database (no
 * ignoreHTTPSErrors). Behind it: the production build (PUBLIC_URL set) and the lake, both on
 * loopback. Through that one origin only, an editor signs in, publishes a post with an image, a
 * reader sees it within a second, and two editors see each other's edits live. The browser never
 * talks to localhost or a lake port, and the lake's ports answer on loopback only.
 */
import fs from 'node:fs'
import https from 'node:https'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {createClient, type SanityClient} from '@sanity/client'
import {chromium, expect, test, type Browser, type BrowserContext, type Page} from '@playwright/test'
import sharp from 'sharp'
import {ensureToken} from '@/lib/lake/server'
import {PUBLIC_HOST, startProxyStack, type ProxyStack} from './proxy/stack'

const STUDIO_TIMEOUT = 180_000
/**
 * Publish → visible to a reader: 1 s is the acceptance (the README's benchmark measures ~130 ms).
 * E2E_PROXY_FRESHNESS_MS raises it only for a machine too overloaded to measure (load ≫ cores).
 */
const FRESHNESS_MS = Number(process.env.E2E_PROXY_FRESHNESS_MS) || 1_000
test.describe.configure({mode: 'serial', timeout: 600_000})
test.use({actionTimeout: 60_000})

let stack: ProxyStack
let browser: Browser
let api: SanityClient
const requested = new Set<string>()
const stateFile = path.join(os.tmpdir(), `dispatch-proxy-e2e-${process.pid}.json`)

test.beforeAll(async () => {
  test.setTimeout(20 * 60_000)
  stack = await startProxyStack()
  const systemChromium = '/usr/bin/chromium'
  browser = await chromium.launch({
    executablePath: fs.existsSync(chromium.executablePath()) ? undefined : systemChromium,
    // HOME holds the NSS database that trusts the test CA.
    env: {...process.env, HOME: stack.browserHome},
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // blog.test is this machine; every other name fails, so nothing can leave it.
      `--host-resolver-rules=MAP ${PUBLIC_HOST} 127.0.0.1, MAP * ~NOTFOUND`,
    ],
  })
  const token = ensureToken(stack.dataDir, 'proxy e2e', 'editor')
  api = createClient({
    projectId: 'dispatch',
    dataset: 'production',
    apiHost: `http://127.0.0.1:${stack.lakeHttpPort}`,
    useProjectHostname: false,
    apiVersion: '2025-02-19',
    useCdn: false,
    token,
    perspective: 'raw',
  })
})

test.afterAll(async () => {
  await browser?.close()
  await stack?.close()
  fs.rmSync(stateFile, {force: true})
})

async function newContext(signedIn: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: stack.origin,
    viewport: {width: 1440, height: 1000},
    ...(signedIn ? {storageState: stateFile} : {}),
  })
  context.on('request', (request) => requested.add(request.url()))
  return context
}

function firstLogin() {
  const text = fs.readFileSync(path.join(stack.dataDir, 'first-login.txt'), 'utf8')
  return {email: /email:\s*(\S+)/.exec(text)![1], password: /password:\s*(\S+)/.exec(text)![1]}
}

async function openDocument(page: Page, id: string) {
  await page.goto(`/studio/intent/edit/id=${id};type=post/`, {timeout: STUDIO_TIMEOUT})
  await expect(page.getByTestId('field-title').locator('input')).toBeVisible({timeout: STUDIO_TIMEOUT})
}

/** See tests/e2e/studio.spec.ts: a click during validation is sometimes swallowed; click again. */
async function publishAndWait(page: Page, published: () => Promise<boolean>) {
  const publish = page.getByTestId('action-publish')
  for (const wait of [20_000, 60_000]) {
    await expect(publish).toBeEnabled({timeout: 60_000})
    await publish.click()
    const done = await expect.poll(published, {timeout: wait, intervals: [50]}).toBe(true).then(() => true, () => false)
    if (done) return
  }
  throw new Error('Publishing did not reach the lake after two clicks')
}

const unique = Date.now().toString(36)
const TITLE = `Behind the proxy ${unique}`
const SLUG = `behind-the-proxy-${unique}`
let postId = ''

test('the editor signs in through https://blog.test over HTTP/2 with a trusted certificate', async () => {
  const context = await newContext(false)
  const page = await context.newPage()
  await page.goto('/studio', {timeout: STUDIO_TIMEOUT})
  expect(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol)).toBe('h2')
  await page.getByRole('link', {name: 'Dispatch local account'}).click({timeout: STUDIO_TIMEOUT})
  await expect(page).toHaveURL(new RegExp(`^${stack.origin}/v1/auth/login/local`))
  const {email, password} = firstLogin()
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', {name: 'Sign in'}).click()
  await expect(page).toHaveURL(new RegExp(`^${stack.origin}/studio`))
  await expect(page.getByText('Posts', {exact: true}).first()).toBeVisible({timeout: STUDIO_TIMEOUT})
  await context.storageState({path: stateFile})
  await context.close()
})

test('the editor creates and publishes a post with an image; a reader sees it within a second', async () => {
  const context = await newContext(true)
  const page = await context.newPage()
  await page.goto('/studio/intent/create/template=post;type=post/', {timeout: STUDIO_TIMEOUT})
  const title = page.getByTestId('field-title').locator('input')
  await expect(title).toBeVisible({timeout: STUDIO_TIMEOUT})
  await title.fill(TITLE)
  await page.getByTestId('field-slug').getByRole('button', {name: 'Generate'}).click()
  await expect(page.getByTestId('field-slug').locator('input')).toHaveValue(SLUG)
  await page.getByTestId('field-excerpt').locator('textarea').fill('Published through Caddy.')
  const png = await sharp({create: {width: 320, height: 200, channels: 3, background: '#aa3355'}}).png().toBuffer()
  await page.getByTestId('file-button-input').first().setInputFiles({name: 'proxy.png', mimeType: 'image/png', buffer: png})
  // The Studio shows the upload from the public origin's image pipeline.
  await expect(page.locator(`img[src^="${stack.origin}/images/dispatch/production/"]`).first()).toBeVisible({timeout: 60_000})
  await page.getByRole('textbox', {name: 'Alternative text'}).first().fill('A red rectangle')

  // A reader (no session) has the site open through the proxy while the editor publishes.
  const reader = await (await newContext(false)).newPage()
  await reader.goto('/')
  const query = '*[_type == "post" && slug.current == $slug && !(_id in path("drafts.**"))][0]._id'
  await publishAndWait(page, async () => Boolean(await api.fetch(query, {slug: SLUG})))
  const publishedAt = Date.now()
  // The editor is done: its Studio tab would only compete with the site for this machine's CPU.
  void page.close()

  // From the reader's browser: the home page and the post page show it within a second.
  for (const pathname of ['/', `/posts/${SLUG}`]) {
    const shown = await reader.evaluate(
      async ({pathname, title}) => {
        const started = performance.now()
        while (performance.now() - started < 5_000) {
          const response = await fetch(pathname, {cache: 'no-store'})
          if (response.ok && (await response.text()).includes(title)) return true
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        return false
      },
      {pathname, title: TITLE},
    )
    expect(shown, `${pathname} shows the post`).toBe(true)
    test.info().annotations.push({type: 'freshness', description: `${pathname}: ${Date.now() - publishedAt} ms after publishing`})
    expect(Date.now() - publishedAt, `${pathname} within ${FRESHNESS_MS} ms of publishing`).toBeLessThanOrEqual(FRESHNESS_MS)
  }
  postId = await api.fetch(query, {slug: SLUG})
  const doc = await api.fetch('*[_id == $id][0]{coverImage{alt, asset->{_type, metadata{dimensions}}}}', {id: postId})
  expect(doc.coverImage).toMatchObject({alt: 'A red rectangle', asset: {_type: 'sanity.imageAsset', metadata: {dimensions: {width: 320, height: 200}}}})
  await reader.goto(`/posts/${SLUG}`)
  await expect(reader.getByRole('heading', {name: TITLE})).toBeVisible()
  // Its cover image comes through the public origin as well.
  await expect(reader.locator('img[alt="A red rectangle"]').first()).toBeVisible()
  await context.close()
})

test('two editors see each other’s edits live through the proxy', async () => {
  test.skip(!postId, 'needs the post from the previous test')
  const first = await newContext(true)
  const second = await newContext(true)
  const pageA = await first.newPage()
  const pageB = await second.newPage()
  await openDocument(pageA, postId)
  await openDocument(pageB, postId)
  await pageA.getByTestId('field-excerpt').locator('textarea').fill('Typed by editor A.')
  await expect(pageB.getByTestId('field-excerpt').locator('textarea')).toHaveValue('Typed by editor A.', {timeout: 30_000})
  await pageB.getByTestId('field-excerpt').locator('textarea').fill('Answered by editor B.')
  await expect(pageA.getByTestId('field-excerpt').locator('textarea')).toHaveValue('Answered by editor B.', {timeout: 30_000})
  await first.close()
  await second.close()
})

test('no browser request went anywhere but the public origin', async () => {
  expect(requested.size).toBeGreaterThan(50)
  const elsewhere = [...requested].filter((url) => {
    const {protocol, origin} = new URL(url)
    return !['data:', 'blob:', 'about:'].includes(protocol) && origin !== stack.origin
  })
  expect(elsewhere).toEqual([])
})

/** A request to the proxy from Node, trusting only the test CA (as the browser does). */
function viaProxy(pathname: string, init: {method?: string; headers?: Record<string, string>; body?: string} = {}) {
  return new Promise<{status: number; body: string; headers: Record<string, unknown>}>((resolve, reject) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port: stack.proxyPort,
        servername: PUBLIC_HOST,
        path: pathname,
        method: init.method ?? 'GET',
        headers: {host: `${PUBLIC_HOST}:${stack.proxyPort}`, ...init.headers},
        ca: fs.readFileSync(stack.caCertPath),
      },
      (response) => {
        let body = ''
        response.on('data', (chunk) => (body += chunk))
        response.on('end', () => resolve({status: response.statusCode ?? 0, body, headers: response.headers}))
      },
    )
    request.on('error', reject)
    request.end(init.body)
  })
}

test('the proxy refuses unauthenticated writes with the errors Sanity gives', async () => {
  const mutation = JSON.stringify({mutations: [{create: {_id: `anon-${unique}`, _type: 'post', title: 'nope'}}]})
  const json = {'content-type': 'application/json'}
  const anonymous = await viaProxy('/v2025-02-19/data/mutate/production', {method: 'POST', headers: json, body: mutation})
  expect(anonymous.status).toBe(401)
  expect(JSON.parse(anonymous.body)).toMatchObject({statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('Insufficient permissions')})
  // Exactly what the lake itself answers: the proxy adds nothing and hides nothing.
  const direct = await fetch(`http://127.0.0.1:${stack.lakeHttpPort}/v2025-02-19/data/mutate/production`, {method: 'POST', headers: json, body: mutation})
  expect(anonymous.body).toBe(await direct.text())

  const forged = await viaProxy('/v2025-02-19/data/mutate/production', {method: 'POST', headers: {...json, authorization: 'Bearer sk-forged'}, body: mutation})
  expect(forged.status).toBe(401)
  expect(JSON.parse(forged.body)).toEqual({statusCode: 401, error: 'Unauthorized', message: 'Unauthorized - Session not found'})

  const upload = await viaProxy('/v2025-02-19/assets/images/production', {method: 'POST', headers: {'content-type': 'image/png'}, body: 'x'})
  expect(upload.status).toBe(401)
  expect(await api.getDocument(`anon-${unique}`)).toBeUndefined()
  // The lake's own pages (local CA download, home page) are not published through the proxy.
  expect((await viaProxy('/ca.pem')).body).not.toContain('BEGIN CERTIFICATE')
  expect(anonymous.headers['strict-transport-security']).toBe('max-age=31536000')
})

test('event streams pass through the proxy unbuffered', async () => {
  const token = ensureToken(stack.dataDir, 'proxy e2e', 'editor')
  const id = `sse-${unique}`
  const received: string[] = []
  const request = https.request({
    host: '127.0.0.1',
    port: stack.proxyPort,
    servername: PUBLIC_HOST,
    path: `/v2025-02-19/data/listen/production?query=${encodeURIComponent(`*[_id == "${id}"]`)}`,
    headers: {host: `${PUBLIC_HOST}:${stack.proxyPort}`, authorization: `Bearer ${token}`, accept: 'text/event-stream'},
    ca: fs.readFileSync(stack.caCertPath),
  })
  const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    request.on('response', resolve)
    request.on('error', reject)
    request.end()
  })
  try {
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toContain('text/event-stream')
    response.on('data', (chunk: Buffer) => received.push(chunk.toString()))
    // The welcome event arrives at once, not when a buffer fills or the stream ends.
    await expect.poll(() => received.join(''), {timeout: 3_000, intervals: [20]}).toContain('event: welcome')
    const started = Date.now()
    await api.create({_id: id, _type: 'note', title: 'streamed'})
    await expect.poll(() => received.join(''), {timeout: 3_000, intervals: [20]}).toContain(`"documentId":"${id}"`)
    expect(Date.now() - started).toBeLessThan(FRESHNESS_MS)
  } finally {
    response.destroy()
    await api.delete(id).catch(() => {})
  }
})

test('the lake’s ports answer on loopback only', async () => {
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((address) => address && !address.internal && address.family === 'IPv4')
  test.skip(!external, 'this machine has no non-loopback IPv4 address to try')
  const connects = (host: string, port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = net.connect({host, port, timeout: 3000})
      socket.once('connect', () => (socket.destroy(), resolve(true)))
      socket.once('error', () => resolve(false))
      socket.once('timeout', () => (socket.destroy(), resolve(false)))
    })
  for (const port of [stack.lakePort, stack.lakeHttpPort, stack.sitePort]) {
    expect(await connects('127.0.0.1', port)).toBe(true)
    expect(await connects(external!.address, port)).toBe(false)
  }
  // The proxy is the one public door.
  expect(await connects(external!.address, stack.proxyPort)).toBe(true)
})
