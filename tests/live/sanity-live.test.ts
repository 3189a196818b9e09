/**
 * Acceptance for the Live Content API: a page built the way Sanity's templates build it —
 * next-sanity's `defineLive` (`sanityFetch` + `<SanityLive />`), only the API host pointing at the
 * lake — updates in the browser within a second of a mutation, with no webhook anywhere: the lake
 * answers sync tags, SanityLive hears the `message` naming them and revalidates them.
 * Runs `next dev` on tests/fixtures/sanity-live and a headless Chromium.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import {chromium, type Browser} from '@playwright/test'
import {afterAll, beforeAll, expect, it} from 'vitest'
import {sleep, startTestLake, type TestLake} from '../lake/server/helpers'

const FIXTURE = path.resolve('tests/fixtures/sanity-live')
let t: TestLake
let next: ChildProcess | undefined
let browser: Browser | undefined
let origin = ''

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
    await sleep(500)
  }
}

beforeAll(async () => {
  const port = await freePort()
  origin = `http://127.0.0.1:${port}`
  t = await startTestLake({allowedOrigins: [origin]})
  await t.editor.createOrReplace({_id: 'live-fixture', _type: 'note', title: 'Before'})
  next = spawn(process.execPath, [path.resolve('node_modules/next/dist/bin/next'), 'dev', FIXTURE, '--port', String(port), '--hostname', '127.0.0.1'], {
    env: {...process.env, FIXTURE_LAKE_URL: t.lake.httpUrl, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'development'},
    stdio: 'ignore',
  })
  await waitForHttp(origin, 180_000)
  let executablePath: string | undefined
  try {
    executablePath = fs.existsSync(chromium.executablePath()) ? undefined : '/usr/bin/chromium'
  } catch {
    executablePath = '/usr/bin/chromium'
  }
  browser = await chromium.launch({executablePath, args: ['--no-sandbox', '--disable-gpu']})
}, 240_000)

afterAll(async () => {
  await browser?.close()
  next?.kill('SIGTERM')
  await t?.close()
})

it('a defineLive page shows a mutation within a second, without any webhook', async () => {
  const page = await browser!.newPage()
  const connected = new Promise<void>((resolve) => page.on('console', (message) => message.text().includes('is connected') && resolve()))
  await page.goto(origin, {timeout: 180_000})
  await page.getByRole('heading', {name: 'Before'}).waitFor({timeout: 60_000})
  await connected
  // The first update compiles the revalidation server action under `next dev`; time the second.
  await t.editor.patch('live-fixture').set({title: 'Warm'}).commit()
  await page.getByRole('heading', {name: 'Warm'}).waitFor({timeout: 60_000})
  const started = Date.now()
  await t.editor.patch('live-fixture').set({title: 'After'}).commit()
  await page.getByRole('heading', {name: 'After'}).waitFor({timeout: 5_000})
  const ms = Date.now() - started
  expect(ms, `updated after ${ms} ms`).toBeLessThan(1_000)
}, 300_000)
