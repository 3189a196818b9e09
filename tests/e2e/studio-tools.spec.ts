/**
 * What the Studio's own tools need from the lake, driven in the real Studio (Chromium) against the
 * real lake: publish confirmation timing, presence, releases.
 */
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {createClient} from '@sanity/client'
import {expect, test, type Browser, type BrowserContext, type Page} from '@playwright/test'

const LAKE_PORT = Number(process.env.E2E_LAKE_PORT || 4544)
const LAKE_HTTP_URL = `http://127.0.0.1:${LAKE_PORT + 1}`
const DATA_DIR = process.env.E2E_LAKE_DATA_DIR || path.resolve('.lake-e2e')
const STUDIO_LOAD_TIMEOUT = 300_000

test.describe.configure({mode: 'serial', timeout: 600_000})
test.use({actionTimeout: 60_000})

function editorApi() {
  const token = process.env.E2E_LAKE_TOKEN
  if (!token) throw new Error('E2E_LAKE_TOKEN is not set (tests/e2e/global-setup.ts sets it)')
  return createClient({projectId: 'dispatch', dataset: 'production', apiHost: LAKE_HTTP_URL, useProjectHostname: false, apiVersion: '2025-02-19', useCdn: false, token, perspective: 'raw'})
}

function firstLogin(): {email: string; password: string} {
  const text = fs.readFileSync(path.join(DATA_DIR, 'first-login.txt'), 'utf8')
  return {email: /email:\s*(\S+)/.exec(text)![1], password: /password:\s*(\S+)/.exec(text)![1]}
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>
const storageStates = new Map<string, StorageState>()

/** A second editor account, added with the lake's CLI as an admin would. */
const SECOND_EDITOR = {email: `beatriz-${Date.now().toString(36)}@localhost`, name: 'Beatriz Ortega', password: 'e2e-second-editor-pw-1'}
let secondEditorAdded = false
function addSecondEditor() {
  if (secondEditorAdded) return
  execFileSync('node_modules/.bin/tsx', ['lib/lake/cli.ts', 'user', 'add', '--email', SECOND_EDITOR.email, '--name', SECOND_EDITOR.name, '--password', SECOND_EDITOR.password], {
    env: {...process.env, LAKE_DATA_DIR: DATA_DIR},
    stdio: 'pipe',
  })
  secondEditorAdded = true
}

/** A signed-in Studio context (signs in through the lake's login page once per account and run). */
async function editorContext(browser: Browser, account: {email: string; password: string} = firstLogin()): Promise<BrowserContext> {
  let storageState = storageStates.get(account.email)
  if (!storageState) {
    const context = await browser.newContext({ignoreHTTPSErrors: true, viewport: {width: 1440, height: 1000}})
    const page = await context.newPage()
    await page.goto('/studio', {timeout: STUDIO_LOAD_TIMEOUT})
    await page.getByRole('link', {name: 'Dispatch local account'}).click({timeout: STUDIO_LOAD_TIMEOUT})
    await page.getByLabel('Email').fill(account.email)
    await page.getByLabel('Password').fill(account.password)
    await page.getByRole('button', {name: 'Sign in'}).click()
    await expect(page.getByText('Posts', {exact: true}).first()).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})
    storageState = await context.storageState()
    storageStates.set(account.email, storageState)
    await context.close()
  }
  return browser.newContext({ignoreHTTPSErrors: true, viewport: {width: 1440, height: 1000}, storageState})
}

async function openDocument(page: Page, id: string) {
  await page.goto(`/studio/intent/edit/id=${id};type=post/`, {timeout: STUDIO_LOAD_TIMEOUT})
  await expect(page.getByTestId('field-title').locator('input')).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})
}

const unique = Date.now().toString(36)

/**
 * Publish confirmation: the lake sends the listener events of a publish within milliseconds of the
 * commit (tests/lake/server/listen.test.ts), so the Studio's footer must say "Last published" soon
 * after the action's response. What remains is the Studio's own work: validation before it sends
 * the action, refetching the document's events, and its relative-time ticker, which may first say
 * "Last published in N sec." until its next tick (the same on hosted Sanity).
 */
test('publish is confirmed in the Studio right after the lake commits it', async ({browser}) => {
  const api = editorApi()
  const id = `post-publish-timing-${unique}`
  const base = {_type: 'post', title: `Timing ${unique}`, slug: {_type: 'slug', current: `timing-${unique}`}, publishedAt: new Date().toISOString()}
  await api.createOrReplace({_id: id, ...base})
  await api.createOrReplace({_id: `drafts.${id}`, ...base, title: `Timing ${unique} (edited)`})
  const context = await editorContext(browser)
  const page = await context.newPage()
  await openDocument(page, id)
  const publish = page.getByTestId('action-publish')
  await expect(publish).toBeEnabled({timeout: 60_000})
  // The footer's texts as the browser renders them, timestamped in the page (no polling gaps).
  await page.evaluate(() => {
    const footer = document.querySelector('[data-testid="pane-footer"]') as HTMLElement
    const log: [number, string][] = ((window as unknown as {__footer: [number, string][]}).__footer = [])
    const record = () => {
      const text = footer.innerText.replace(/\s+/g, ' ')
      if (log.at(-1)?.[1] !== text) log.push([performance.now(), text])
    }
    new MutationObserver(record).observe(footer, {subtree: true, childList: true, characterData: true})
    record()
  })
  await publish.click()
  await expect(page.getByTestId('pane-footer')).toContainText(/Last published/i, {timeout: 30_000})
  // When the browser had the action's answer, on the page's own clock (resource timing).
  const answeredAt = await page.evaluate(() => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[]
    return entries.filter((entry) => entry.name.includes('/data/actions/')).at(-1)?.responseEnd ?? NaN
  })
  const log = await page.evaluate(() => (window as unknown as {__footer: [number, string][]}).__footer)
  const confirmed = log.find(([, text]) => /Last published/i.test(text))![0]
  console.log(`publish answered → footer says "Last published" in ${Math.round(confirmed - answeredAt)} ms\n` + log.map(([t, text]) => `  ${Math.round(t - answeredAt)} ms: ${text}`).join('\n'))
  expect((await api.getDocument(id))?.title).toBe(`Timing ${unique} (edited)`)
  expect(confirmed - answeredAt).toBeLessThan(1500)
  await context.close()
})

/**
 * Presence over the Studio's socket: two editors in two browsers open the same post; each sees the
 * other's avatar on the document, and it goes away when the other closes the tab.
 */
test('two editors see each other’s avatars on the document they both have open', async ({browser}) => {
  const api = editorApi()
  const id = `post-presence-${unique}`
  await api.createOrReplace({_id: id, _type: 'post', title: `Presence ${unique}`, slug: {_type: 'slug', current: `presence-${unique}`}, publishedAt: new Date().toISOString()})
  addSecondEditor()
  const first = await editorContext(browser)
  const second = await editorContext(browser, SECOND_EDITOR)
  const pageA = await first.newPage()
  const pageB = await second.newPage()
  const sockets: string[] = []
  pageA.on('websocket', (ws) => sockets.push(ws.url()))
  await openDocument(pageA, id)
  await openDocument(pageB, id)
  // Editor B sees editor A (and vice versa) on the document's header.
  const presenceOnA = pageA.getByTestId('document-level-presence')
  const presenceOnB = pageB.getByTestId('document-level-presence')
  await expect(presenceOnA).toBeVisible({timeout: 30_000})
  await expect(presenceOnB).toBeVisible({timeout: 30_000})
  await expect(presenceOnA).toContainText('BO')
  expect(sockets.some((url) => /\/v2022-06-30\/socket\/production/.test(url))).toBe(true)
  // The global presence menu lists the other editor by name.
  await pageA.getByRole('button', {name: /Global presence|Who is here/i}).first().click()
  await expect(pageA.getByText(SECOND_EDITOR.name).first()).toBeVisible({timeout: 30_000})
  // B leaves: A no longer shows anyone on the document.
  await second.close()
  await expect(presenceOnA).toBeHidden({timeout: 30_000})
  await first.close()
})
