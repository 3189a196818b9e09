/**
 * The Studio as an editor uses it, for the specs that drive it (studio-tools, studio-walk): signed-in
 * browser contexts (through the lake's login page, once per account and run), a second editor
 * account, opening a post, creating a release and adding a post to it the way an editor does, and
 * a log of every lake request a page answered with an error or that failed.
 */
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {expect, type Browser, type BrowserContext, type Page} from '@playwright/test'
import {lakeClient} from './lake-client'

export const DATA_DIR = process.env.E2E_LAKE_DATA_DIR || path.resolve('.lake-e2e')
export const STUDIO_LOAD_TIMEOUT = 300_000


export const editorApi = () => lakeClient({perspective: 'raw'})

export function firstLogin(): {email: string; password: string} {
  const text = fs.readFileSync(path.join(DATA_DIR, 'first-login.txt'), 'utf8')
  return {email: /email:\s*(\S+)/.exec(text)![1], password: /password:\s*(\S+)/.exec(text)![1]}
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>
const storageStates = new Map<string, StorageState>()

/** A second editor account, added with the lake's CLI as an admin would. */
export const SECOND_EDITOR = {email: `beatriz-${Date.now().toString(36)}@localhost`, name: 'Beatriz Ortega', password: 'e2e-second-editor-pw-1'}
let secondEditorAdded = false
export function addSecondEditor() {
  if (secondEditorAdded) return
  execFileSync('node_modules/.bin/tsx', ['lib/lake/cli.ts', 'user', 'add', '--email', SECOND_EDITOR.email, '--name', SECOND_EDITOR.name, '--password', SECOND_EDITOR.password], {
    env: {...process.env, LAKE_DATA_DIR: DATA_DIR},
    stdio: 'pipe',
  })
  secondEditorAdded = true
}

/** A signed-in Studio context (signs in through the lake's login page once per account and run). */
export async function editorContext(browser: Browser, account: {email: string; password: string} = firstLogin()): Promise<BrowserContext> {
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
  const context = await browser.newContext({ignoreHTTPSErrors: true, viewport: {width: 1440, height: 1000}, storageState})
  contextLogs.push(recordLakeRequests(context))
  return context
}

/** The lake request log of every context `editorContext` made since the last `takeLakeRequestLogs()`. */
const contextLogs: LakeRequest[][] = []
export function takeLakeRequestLogs(): LakeRequest[] {
  return contextLogs.splice(0).flat()
}

export async function openDocument(page: Page, id: string) {
  await page.goto(`/studio/intent/edit/id=${id};type=post/`, {timeout: STUDIO_LOAD_TIMEOUT})
  await expect(page.getByTestId('field-title').locator('input')).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})
}


export async function createReleaseInStudio(page: Page, title: string): Promise<string> {
  const api = editorApi()
  await page.goto('/studio/releases', {timeout: STUDIO_LOAD_TIMEOUT})
  await page.getByRole('button', {name: /New release/i}).first().click({timeout: STUDIO_LOAD_TIMEOUT})
  const titleField = page.getByTestId('release-form-title')
  const titleInput = (await titleField.evaluate((el) => el.tagName === 'INPUT' || el.tagName === 'TEXTAREA')) ? titleField : titleField.locator('input, textarea').first()
  await titleInput.fill(title)
  const submit = page.getByTestId('submit-release-button')
  await expect(submit).toBeEnabled()
  await submit.click()
  // The release document exists in the lake, as the Releases tool created it.
  let releaseId = ''
  await expect
    .poll(async () => (releaseId = (await api.fetch('*[_type == "system.release" && metadata.title == $title][0].name', {title})) ?? ''), {timeout: 30_000})
    .not.toBe('')
  expect(await api.getDocument(`_.releases.${releaseId}`)).toMatchObject({state: 'active', metadata: {title, releaseType: 'asap'}})
  await expect(page.getByTestId('submit-release-button')).toBeHidden()
  return releaseId
}

/**
 * Adds a published post to a release the way an editor does: open it in the release's perspective,
 * "Add to release" on the banner, then edit its title in the form (the edit goes to the version).
 */
export async function addVersionInStudio(page: Page, releaseId: string, id: string, title: string) {
  const api = editorApi()
  await page.goto(`/studio/intent/edit/id=${id};type=post/?perspective=${releaseId}`, {timeout: STUDIO_LOAD_TIMEOUT})
  await page.getByRole('button', {name: /Add to release/i}).first().click({timeout: STUDIO_LOAD_TIMEOUT})
  const versionId = `versions.${releaseId}.${id}`
  await expect.poll(async () => (await api.getDocument(versionId))?._id, {timeout: 30_000}).toBe(versionId)
  const input = page.getByTestId('field-title').locator('input')
  await expect(input).toBeEditable({timeout: 60_000})
  await input.fill(title)
  await expect.poll(async () => (await api.getDocument(versionId))?.title, {timeout: 30_000}).toBe(title)
}


/** Runs a document action from the form's "…" menu, and confirms its dialog when `confirm` is given. */
export async function documentAction(page: Page, name: RegExp, confirm?: RegExp) {
  // Actions appear in the menu once the Studio knows the document's state (e.g. Unpublish only
  // after the published version has loaded): reopen the menu until the action is there.
  const item = page.getByRole('menuitem', {name})
  await expect(async () => {
    if (!(await item.isVisible())) {
      await page.keyboard.press('Escape')
      await page.getByTestId('pane-footer').getByTestId('action-menu-button').click()
    }
    await expect(item).toBeVisible({timeout: 3_000})
  }).toPass({timeout: 60_000})
  await item.click()
  if (confirm) await page.getByRole('dialog').getByRole('button', {name: confirm}).click()
}

/**
 * Clicks Publish and waits until `published()` holds. On this 2-core machine the Studio sometimes
 * swallows a click made while it is still validating (the button re-enables without sending the
 * publish action); one more click after a quiet period is what an editor would do too.
 */
export async function publishAndWait(page: Page, published: () => Promise<boolean>) {
  const publish = page.getByTestId('action-publish')
  for (const wait of [20_000, 60_000]) {
    await expect(publish).toBeEnabled({timeout: 60_000})
    await publish.click()
    const done = await expect
      .poll(published, {timeout: wait})
      .toBe(true)
      .then(() => true)
      .catch(() => false)
    if (done) return
  }
  throw new Error('Publishing did not reach the lake after two clicks')
}

/**
 * Schedules the release whose page is open for `publishAt` (a whole minute: the Studio's picker
 * schedules to the minute) through its menu and confirm dialog, typing the date as the picker shows it.
 */
export async function scheduleReleaseInStudio(page: Page, publishAt: Date) {
  await page.getByTestId('release-dashboard-footer-actions').getByTestId('release-menu-button').click()
  await page.getByTestId('schedule-button-menu-item').click()
  const dialog = page.getByTestId('confirm-schedule-dialog')
  const dateInput = dialog.locator('input').first()
  const shown = await page.evaluate((iso) => {
    const d = new Date(iso)
    const month = d.toLocaleString('en-US', {month: 'short'})
    const pad = (n: number) => String(n).padStart(2, '0')
    return `${month} ${d.getDate()}, ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}`
  }, publishAt.toISOString())
  await dateInput.fill(shown)
  await dateInput.press('Enter')
  await dialog.getByRole('button', {name: /Yes, schedule/i}).click()
}

export interface LakeRequest {
  method: string
  url: string
  status: number | 'failed'
  /** The response body's start, for errors. */
  body?: string
  /** The request body's start, for errors. */
  sent?: string
}

/**
 * Every request a context's pages make to the lake (both ports), with its status; failed ones
 * (connection refused, aborted by the server) as `failed`. A request the Studio cancels itself
 * (net::ERR_ABORTED when it unsubscribes a listener or navigates) is not the lake's doing and is
 * left out.
 */
export function recordLakeRequests(context: BrowserContext): LakeRequest[] {
  const lakePort = Number(process.env.E2E_LAKE_PORT || 4544)
  const ports = new Set([String(lakePort), String(lakePort + 1)])
  const isLake = (url: string) => {
    try {
      return ports.has(new URL(url).port)
    } catch {
      return false
    }
  }
  const log: LakeRequest[] = []
  context.on('response', async (response) => {
    const url = response.url()
    if (!isLake(url)) return
    const entry: LakeRequest = {method: response.request().method(), url, status: response.status()}
    log.push(entry)
    if (response.status() >= 400) {
      entry.sent = response.request().postData()?.slice(0, 300) ?? undefined
      entry.body = (await response.text().catch(() => '')).slice(0, 300)
    }
  })
  // Presence and other sockets: each (re)connection is logged, so retries show.
  context.on('page', (page) => page.on('websocket', (socket) => {
    if (isLake(socket.url())) log.push({method: 'WS', url: socket.url(), status: 101})
  }))
  context.on('requestfailed', (request) => {
    if (!isLake(request.url())) return
    const failure = request.failure()?.errorText ?? ''
    if (/ERR_ABORTED/.test(failure)) return
    log.push({method: request.method(), url: request.url(), status: 'failed', body: failure})
  })
  return log
}

/** The lake requests answered 4xx/5xx or failed, as `METHOD path status`, for assertions and reports. */
export function lakeErrors(log: LakeRequest[]): string[] {
  return log.filter((entry) => entry.status === 'failed' || entry.status >= 400).map((entry) => `${entry.method} ${new URL(entry.url).pathname}${new URL(entry.url).search} ${entry.status} ${entry.body ?? ''}${entry.sent ? ` ← ${entry.sent}` : ''}`.trim())
}
