/**
 * The post body's Portable Text toolbar in the real Studio (Chromium, the real lake): at a normal
 * desktop width every formatting button, the Link button included, is in the toolbar itself, not
 * in its "…" overflow menu (#16.5), and the Link button works from there. Narrower fields still
 * fold buttons into the menu, as Sanity does.
 */
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

function firstLogin(): {email: string; password: string} {
  const text = fs.readFileSync(path.join(DATA_DIR, 'first-login.txt'), 'utf8')
  return {email: /email:\s*(\S+)/.exec(text)![1], password: /password:\s*(\S+)/.exec(text)![1]}
}

let storageState: Awaited<ReturnType<BrowserContext['storageState']>> | undefined
async function editorContext(browser: Browser, width: number): Promise<BrowserContext> {
  if (!storageState) {
    const context = await browser.newContext({ignoreHTTPSErrors: true, viewport: {width: 1280, height: 900}})
    const page = await context.newPage()
    await page.goto('/studio', {timeout: STUDIO_LOAD_TIMEOUT})
    await page.getByRole('link', {name: 'Dispatch local account'}).click({timeout: STUDIO_LOAD_TIMEOUT})
    const account = firstLogin()
    await page.getByLabel('Email').fill(account.email)
    await page.getByLabel('Password').fill(account.password)
    await page.getByRole('button', {name: 'Sign in'}).click()
    await expect(page.getByText('Posts', {exact: true}).first()).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})
    storageState = await context.storageState()
    await context.close()
  }
  return browser.newContext({ignoreHTTPSErrors: true, viewport: {width, height: 900}, storageState})
}

/** Opens a post's form by intent URL. */
async function openPost(page: Page, id: string) {
  await page.goto(`/studio/intent/edit/id=${id};type=post/`, {timeout: STUDIO_LOAD_TIMEOUT})
  await expect(page.getByTestId('field-title').locator('input')).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})
}

const FORMATTING_BUTTONS = ['strong', 'em', 'code', 'underline', 'strike-through', 'bullet', 'number', 'link']

function editorApi() {
  const token = process.env.E2E_LAKE_TOKEN
  if (!token) throw new Error('E2E_LAKE_TOKEN is not set (tests/e2e/global-setup.ts sets it)')
  return createClient({projectId: 'dispatch', dataset: 'production', apiHost: LAKE_HTTP_URL, useProjectHostname: false, apiVersion: '2025-02-19', useCdn: false, token, perspective: 'raw'})
}

const unique = Date.now().toString(36)

test('at 1280 px the Link button is in the body toolbar, not in its overflow menu, and adds a link (#16.5)', async ({browser}) => {
  // A post of its own, so the link added below touches no other test's content.
  const id = `post-toolbar-${unique}`
  await editorApi().createOrReplace({
    _id: id,
    _type: 'post',
    title: `Toolbar ${unique}`,
    slug: {_type: 'slug', current: `toolbar-${unique}`},
    body: [{_type: 'block', _key: 'p1', style: 'normal', markDefs: [], children: [{_type: 'span', _key: 's1', text: 'Caracas', marks: []}]}],
  })
  const context = await editorContext(browser, 1280)
  const page = await context.newPage()
  await openPost(page, id)
  const body = page.getByTestId('field-body')
  const editor = body.locator('[contenteditable="true"]')
  await expect(editor).toContainText('Caracas', {timeout: STUDIO_LOAD_TIMEOUT})

  await editor.scrollIntoViewIfNeeded()
  const toolbar = body.getByTestId('action-menu-auto-collapse-menu')
  // Sanity renders the row three times: the one shown, and two hidden copies (aria-hidden) it
  // measures to decide what overflows. Only buttons of the shown row count.
  const shown = (key: string) => toolbar.locator(`[data-testid="action-button-${key}"]:not([aria-hidden="true"])`)
  for (const key of FORMATTING_BUTTONS) {
    await expect(shown(key), `${key} button in the toolbar`).toBeVisible()
    await expect(shown(key)).toBeInViewport()
  }
  // Nothing of the formatting group is left for an overflow menu.
  await expect(toolbar.getByTestId('action-menu-button')).toBeHidden()
  await body.locator('[data-testid="pt-input-with-portal"], [data-testid="pt-editor"]').first().screenshot({path: test.info().outputPath('toolbar-1280.png')}).catch(() => {})

  // The button does its job: select the word, click Link, give the URL; the draft has the link.
  await editor.getByText('Caracas').dblclick()
  const link = shown('link')
  await expect(link).toBeEnabled()
  await link.click()
  const url = page.locator('input[inputmode="url"], input[type="url"]').last()
  await expect(url).toBeVisible()
  await url.fill('https://example.org/caracas')
  await expect
    .poll(async () => {
      const draft = await editorApi().getDocument(`drafts.${id}`)
      const markDefs = (draft?.body as {markDefs?: {href?: string}[]}[] | undefined)?.[0]?.markDefs ?? []
      return markDefs.map((mark) => mark.href)
    }, {timeout: 30_000})
    .toContain('https://example.org/caracas')
  await context.close()
})

test('in a narrow window the formatting buttons fold into the overflow menu, the Link button with them', async ({browser}) => {
  // A 600 px window leaves a ~400 px toolbar: too narrow for every button, as on Sanity's default.
  const context = await editorContext(browser, 600)
  const page = await context.newPage()
  await openPost(page, `post-toolbar-${unique}`)
  const body = page.getByTestId('field-body')
  const editor = body.locator('[contenteditable="true"]')
  await expect(editor).toContainText('Caracas', {timeout: STUDIO_LOAD_TIMEOUT})
  await editor.scrollIntoViewIfNeeded()
  const toolbar = body.getByTestId('action-menu-auto-collapse-menu')
  await expect(toolbar.locator('[data-testid="action-button-strong"]:not([aria-hidden="true"])')).toBeVisible()
  await expect(toolbar.locator('[data-testid="action-button-link"]:not([aria-hidden="true"])')).toHaveCount(0)
  await editor.getByText('Caracas').click()
  await toolbar.getByTestId('action-menu-button').click()
  await expect(page.getByRole('menuitem', {name: 'Link'})).toBeVisible()
  await page.keyboard.press('Escape')
  await context.close()
})
