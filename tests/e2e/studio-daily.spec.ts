/**
 * What editors hit every day in the post form (#16.5), in the real Studio (Chromium, the real
 * lake): the body toolbar's Link button in view at a normal desktop width (narrower fields still
 * fold buttons into the "…" menu, as Sanity does), the slug filled in as the title is typed, the
 * word count under the body, "View on site" / "Preview" in the document's actions, and a draft
 * that was never published labelled "Draft", not "Live", in the post list.
 */
import fs from 'node:fs'
import path from 'node:path'
import {expect, test, type Browser, type BrowserContext, type Page} from '@playwright/test'
import {lakeClient} from './lake-client'

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

const editorApi = () => lakeClient({perspective: 'raw'})

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

test('a new post gets its slug from the title as it is typed, without clicking Generate', async ({browser}) => {
  const context = await editorContext(browser, 1280)
  const page = await context.newPage()
  await page.goto('/studio/intent/create/template=post;type=post/', {timeout: STUDIO_LOAD_TIMEOUT})
  const title = page.getByTestId('field-title').locator('input')
  await expect(title).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})
  await title.fill(`Ríos’ report — 09.09.18 ${unique}`)
  await expect(page.getByTestId('field-slug').locator('input')).toHaveValue(`rios-report-09-09-18-${unique}`)
  // A slug written by hand is kept when the title changes afterwards.
  await page.getByTestId('field-slug').locator('input').fill(`by-hand-${unique}`)
  await title.fill(`Another title ${unique}`)
  await page.waitForTimeout(1000)
  await expect(page.getByTestId('field-slug').locator('input')).toHaveValue(`by-hand-${unique}`)
  await context.close()
})

test('the body shows its word count and reading time', async ({browser}) => {
  const context = await editorContext(browser, 1280)
  const page = await context.newPage()
  await openPost(page, `post-toolbar-${unique}`)
  await expect(page.getByTestId('body-word-count')).toHaveText(/^1 word( · 1 min read)?$/, {timeout: STUDIO_LOAD_TIMEOUT})
  await context.close()
})

test('a live post offers "View on site" (its page), a draft offers "Preview" (Presentation)', async ({browser}) => {
  const api = editorApi()
  await api.createOrReplace({_id: `post-toolbar-${unique}`, _type: 'post', title: `Toolbar ${unique}`, slug: {_type: 'slug', current: `toolbar-${unique}`}, publishedAt: new Date(Date.now() - 60_000).toISOString()})
  await api.delete(`drafts.post-toolbar-${unique}`).catch(() => {})
  const context = await editorContext(browser, 1280)
  const page = await context.newPage()
  await openPost(page, `post-toolbar-${unique}`)
  const actions = page.getByTestId('pane-footer').getByTestId('action-menu-button')
  const viewOnSite = page.getByRole('menuitem', {name: 'View on site'})
  await expect(async () => {
    if (!(await viewOnSite.isVisible())) {
      await page.keyboard.press('Escape')
      await actions.click()
    }
    await expect(viewOnSite).toBeVisible({timeout: 3_000})
  }).toPass({timeout: 60_000})
  const [popup] = await Promise.all([page.waitForEvent('popup'), viewOnSite.click()])
  await expect.poll(() => popup.url()).toMatch(new RegExp(`/posts/toolbar-${unique}$`))
  await popup.close()

  // A draft of it: the action becomes Preview, into the Presentation tool.
  await api.createOrReplace({_id: `drafts.post-toolbar-${unique}`, _type: 'post', title: `Toolbar ${unique} (draft)`, slug: {_type: 'slug', current: `toolbar-${unique}`}})
  const preview = page.getByRole('menuitem', {name: 'Preview'})
  await expect(async () => {
    if (!(await preview.isVisible())) {
      await page.keyboard.press('Escape')
      await actions.click()
    }
    await expect(preview).toBeVisible({timeout: 3_000})
  }).toPass({timeout: 60_000})
  await preview.click()
  await expect(page).toHaveURL(/\/studio\/presentation/, {timeout: 30_000})
  await context.close()
})

test('a draft that was never published is labelled "Draft" in the post list, not "Live"', async ({browser}) => {
  const api = editorApi()
  const title = `Never published ${unique}`
  await api.createOrReplace({_id: `drafts.post-never-${unique}`, _type: 'post', title, slug: {_type: 'slug', current: `never-${unique}`}, publishedAt: '2018-01-01T10:00:00Z'})
  const context = await editorContext(browser, 1280)
  const page = await context.newPage()
  // Opening it shows the post list beside the form, as an editor sees it in Structure.
  await openPost(page, `post-never-${unique}`)
  await page.getByPlaceholder('Search list').first().fill(title)
  const item = page.locator('a').filter({hasText: title}).first()
  await expect(item).toContainText('2018-01-01 · Draft', {timeout: 60_000})
  await expect(item).not.toContainText('Live')
  await context.close()
})
