/**
 * Acceptance for the Live Content API on a published (production) Next.js 16 site: a page built the
 * way Sanity's templates build it — next-sanity's `defineLive` (`sanityFetch` + `<SanityLive />`),
 * only the API host pointing at the lake — with no webhook anywhere.
 *
 * - `/` passes the `action` next-sanity documents for pages that must update at once (its v12 → v13
 *   migration guide, "Restore the previous default behavior": `updateTag` outside draft mode). The
 *   open page shows a mutation within a second.
 * - `/default` uses SanityLive's default action, as the templates do. The lake's event reaches the
 *   page and next-sanity's server action receives exactly the page's sync tags within a second, but
 *   that action expires them with `revalidateTag(tag, 'max')` (stale-while-revalidate), so the open
 *   page keeps the stale render; the next load shows the change. That is next-sanity's documented
 *   trade-off on Next 16, the same on hosted Sanity.
 *
 * Builds tests/fixtures/sanity-live with `next build` (the lake running, as a site's build reaches
 * its content), serves it with `next start`, drives it in headless Chromium.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {chromium, type Browser, type Page} from '@playwright/test'
import {afterAll, beforeAll, expect, it} from 'vitest'
import {sleep, startTestLake, type TestLake} from '../lake/server/helpers'

const FIXTURE = path.resolve('tests/fixtures/sanity-live')
const NEXT_BIN = path.resolve('node_modules/next/dist/bin/next')
let t: TestLake
let next: ChildProcess | undefined
let browser: Browser | undefined
let origin = ''
let distDir = ''

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

async function waitForHttp(url: string, timeoutMs: number) {
  const started = Date.now()
  for (;;) {
    try {
      const response = await fetch(url)
      if (response.status < 500) return
    } catch {
      // not up yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${url} did not come up`)
    await sleep(250)
  }
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const output: string[] = []
    const child = spawn(process.execPath, [NEXT_BIN, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
    child.stdout.on('data', (chunk) => output.push(String(chunk)))
    child.stderr.on('data', (chunk) => output.push(String(chunk)))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next ${args[0]} exited ${code}:\n${output.join('').slice(-4000)}`))))
  })
}

/** Opens a path, waits for its title (any, when not given) and SanityLive's "connected" log; returns the page's sync tags. */
async function open(page: Page, pathname: string, title?: string): Promise<string[]> {
  const connected = new Promise<void>((resolve) => page.on('console', (message) => message.text().includes('is connected') && resolve()))
  await page.goto(origin + pathname, {timeout: 60_000})
  await (title ? page.getByRole('heading', {name: title, exact: true}) : page.getByRole('heading')).waitFor({timeout: 30_000})
  await connected
  return ((await page.getByRole('heading').getAttribute('data-tags')) ?? '').split(' ').filter(Boolean)
}

const setTitle = (title: string) => t.editor.patch('live-fixture').set({title}).commit()

beforeAll(async () => {
  const port = await freePort()
  origin = `http://127.0.0.1:${port}`
  t = await startTestLake({allowedOrigins: [origin]})
  await t.editor.createOrReplace({_id: 'live-fixture', _type: 'note', title: 'Before'})
  distDir = `.next-test-${process.pid}`
  const env = {...process.env, FIXTURE_LAKE_URL: t.lake.httpUrl, FIXTURE_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' as const}
  await run(['build', FIXTURE], env)
  next = spawn(process.execPath, [NEXT_BIN, 'start', FIXTURE, '--port', String(port), '--hostname', '127.0.0.1'], {env, stdio: 'ignore'})
  await waitForHttp(origin, 60_000)
  let executablePath: string | undefined
  try {
    executablePath = fs.existsSync(chromium.executablePath()) ? undefined : '/usr/bin/chromium'
  } catch {
    executablePath = '/usr/bin/chromium'
  }
  browser = await chromium.launch({executablePath, args: ['--no-sandbox', '--disable-gpu']})
}, 420_000)

afterAll(async () => {
  await browser?.close()
  next?.kill('SIGTERM')
  await t?.close()
  if (distDir) fs.rmSync(path.join(FIXTURE, distDir), {recursive: true, force: true})
})

it('a published page with the documented updateTag action shows each mutation within a second, without any webhook', async () => {
  const page = await browser!.newPage()
  await open(page, '/', 'Before')
  const timings: number[] = []
  for (const title of ['First', 'Second', 'Third']) {
    const started = Date.now()
    await setTitle(title)
    await page.getByRole('heading', {name: title, exact: true}).waitFor({timeout: 10_000})
    timings.push(Date.now() - started)
  }
  console.log(`[sanity-live] next start, updateTag action: mutation → visible ${timings.join(', ')} ms (${os.loadavg()[0].toFixed(1)} load)`)
  // The first one may pay for the server action's first run; every later one is the steady state.
  for (const ms of timings.slice(1)) expect(ms, `updated after ${ms} ms`).toBeLessThan(1_000)
  await page.close()
}, 120_000)

it('with next-sanity’s default action the page’s exact sync tags reach the server within a second; the next load shows the change', async () => {
  const page = await browser!.newPage()
  // Whatever this page's cached render shows: nothing has expired its tags since the last test's edits.
  const tags = await open(page, '/default')
  expect(tags.length).toBeGreaterThan(0)
  const actionBodies: string[] = []
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.headers()['next-action']) actionBodies.push(request.postData() ?? '')
  })
  const started = Date.now()
  await setTitle('Default after')
  for (;;) {
    if (actionBodies.length > 0) break
    if (Date.now() - started > 1_000) throw new Error('next-sanity’s action was not called within a second of the mutation')
    await sleep(10)
  }
  const actionMs = Date.now() - started
  const sent = JSON.parse(actionBodies[0]) as string[][]
  expect(sent[0].some((tag) => tags.includes(tag)), `action tags ${sent[0].join(',')} vs page tags ${tags.join(',')}`).toBe(true)
  // What the open page shows a second later is Next's stale-while-revalidate, not the lake: logged, not asserted.
  await sleep(1_000)
  const openPageShows = await page.getByRole('heading').textContent()
  const reloadStarted = Date.now()
  for (;;) {
    await page.goto(origin + '/default')
    if ((await page.getByRole('heading').textContent()) === 'Default after') break
    if (Date.now() - reloadStarted > 10_000) throw new Error('the change never showed on a new load')
    await sleep(200)
  }
  console.log(`[sanity-live] next start, default action: action called ${actionMs} ms after the mutation; open page 1 s later shows "${openPageShows}"; a new load shows the change`)
  await page.close()
}, 120_000)
