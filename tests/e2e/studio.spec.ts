/**
 * The embedded Studio end to end: real Chromium, the real Studio at /studio, a real local lake
 * (scripts/test-server.ts). An editor signs in through the lake's login page and takes a post
 * through its whole life: create (quote, link, category, cover image), publish, edit, publish
 * again, unpublish, discard a draft, restore an old revision, delete. Results are checked with
 * @sanity/client, as any other app would see them. Every request the browser makes is recorded
 * and must stay on loopback.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {createClient, type SanityClient} from '@sanity/client'
import {expect, test, type Browser, type BrowserContext, type Page, type TestInfo} from '@playwright/test'
import sharp from 'sharp'
import {documentAction, publishAndWait} from './studio-session'

const LAKE_PORT = Number(process.env.E2E_LAKE_PORT || 4544)
const LAKE_HTTP_URL = process.env.E2E_LAKE_HTTP_URL || `http://127.0.0.1:${LAKE_PORT + 1}`
const DATA_DIR = process.env.E2E_LAKE_DATA_DIR || path.resolve('.lake-e2e')
/** The Studio compiles on first visit under `next dev`; later visits are fast. */
const STUDIO_LOAD_TIMEOUT = 300_000

test.describe.configure({mode: 'serial', timeout: 600_000})
test.use({actionTimeout: 60_000})

function lakeClient(token?: string): SanityClient {
  return createClient({
    projectId: 'dispatch',
    dataset: 'production',
    apiHost: LAKE_HTTP_URL,
    useProjectHostname: false,
    apiVersion: '2025-02-19',
    useCdn: false,
    token,
  })
}
const editorApi = () => {
  const token = process.env.E2E_LAKE_TOKEN
  if (!token) throw new Error('E2E_LAKE_TOKEN is not set (tests/e2e/global-setup.ts sets it)')
  return lakeClient(token).withConfig({perspective: 'raw'})
}

function firstLogin(): {email: string; password: string} {
  const text = fs.readFileSync(path.join(DATA_DIR, 'first-login.txt'), 'utf8')
  const email = /email:\s*(\S+)/.exec(text)?.[1]
  const password = /password:\s*(\S+)/.exec(text)?.[1]
  if (!email || !password) throw new Error(`Cannot read the first login from ${DATA_DIR}/first-login.txt`)
  return {email, password}
}

/** Every URL any page of any context asked for: asserted to stay on loopback at the end. */
const requested = new Set<string>()
function recordRequests(context: BrowserContext) {
  context.on('request', (request) => requested.add(request.url()))
  context.on('websocket' as never, () => {})
}
function isLoopback(url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return true
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol)) return true // data:, blob:
  const host = parsed.hostname
  return host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]'
}

let step = 0
async function shot(page: Page, testInfo: TestInfo, name: string) {
  step++
  await testInfo.attach(`${String(step).padStart(2, '0')}-${name}`, {
    body: await page.screenshot({fullPage: false}),
    contentType: 'image/png',
  })
}

/** Storage state of the signed-in editor (the Studio keeps its token in localStorage). */
const STATE_FILE = path.join(os.tmpdir(), `dispatch-studio-e2e-${process.pid}.json`)

async function newContext(browser: Browser, signedIn: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: {width: 1440, height: 1000},
    ...(signedIn ? {storageState: STATE_FILE} : {}),
  })
  recordRequests(context)
  return context
}

async function openStudio(page: Page, pathname = '/studio') {
  await page.goto(pathname, {timeout: STUDIO_LOAD_TIMEOUT})
}

/** The document form for a document id (published id), opened by intent. */
async function openDocument(page: Page, id: string) {
  await openStudio(page, `/studio/intent/edit/id=${id};type=post/`)
  await expect(page.getByTestId('field-title').locator('input')).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})
}

const unique = Date.now().toString(36)
const TITLE = `Studio e2e: Caracas power cuts ${unique}`
const SLUG = `studio-e2e-caracas-power-cuts-${unique}`
let postId = ''

test('signed-out /studio shows the login', async ({browser}, testInfo) => {
  const context = await newContext(browser, false)
  const page = await context.newPage()
  await openStudio(page)
  await expect(page.getByText('Choose login provider')).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})
  await expect(page.getByRole('link', {name: 'Dispatch local account'})).toBeVisible()
  await shot(page, testInfo, 'signed-out')
  await context.close()
})

test('an editor signs in through the lake’s login page', async ({browser}, testInfo) => {
  const context = await newContext(browser, false)
  const page = await context.newPage()
  await openStudio(page)
  await page.getByRole('link', {name: 'Dispatch local account'}).click({timeout: STUDIO_LOAD_TIMEOUT})
  await expect(page).toHaveURL(new RegExp(`^https://localhost:${LAKE_PORT}/`))
  await shot(page, testInfo, 'login-page')
  const {email, password} = firstLogin()
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', {name: 'Sign in'}).click()
  await expect(page).toHaveURL(/\/studio/)
  await expect(page.getByRole('link', {name: /^Posts/}).or(page.getByText('Posts', {exact: true})).first()).toBeVisible({
    timeout: STUDIO_LOAD_TIMEOUT,
  })
  await shot(page, testInfo, 'signed-in')
  await context.storageState({path: STATE_FILE})
  await context.close()
})

test('create a post with a quote, a link, a category and a cover image, and publish it', async ({browser}, testInfo) => {
  const context = await newContext(browser, true)
  const page = await context.newPage()
  await openStudio(page, '/studio/intent/create/template=post;type=post/')
  const title = page.getByTestId('field-title').locator('input')
  await expect(title).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})
  await title.fill(TITLE)
  await page.getByTestId('field-slug').getByRole('button', {name: 'Generate'}).click()
  await expect(page.getByTestId('field-slug').locator('input')).toHaveValue(SLUG)
  await page.getByTestId('field-excerpt').locator('textarea').fill('Rationing returns to the capital.')
  await shot(page, testInfo, 'title-and-slug')

  // Body: a paragraph, a blockquote and a link, pasted as HTML the way editors paste from the web.
  const editor = page.getByTestId('field-body').locator('[contenteditable="true"]')
  await editor.click()
  await editor.evaluate((element) => {
    const data = new DataTransfer()
    data.setData(
      'text/html',
      '<p>The power company announced new cuts.</p><blockquote>We have no choice, the reservoirs are empty.</blockquote><p>Read <a href="https://example.org/notice">the official notice</a>.</p>',
    )
    data.setData('text/plain', 'The power company announced new cuts.')
    element.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}))
  })
  await expect(editor).toContainText('the reservoirs are empty')
  await shot(page, testInfo, 'body')

  // Publishing group: category.
  await page.getByRole('tab', {name: 'Publishing'}).click()
  await page.getByTestId('field-categories').getByRole('button', {name: /Add item/}).click()
  const search = page.getByTestId('field-categories').locator('input').last()
  await search.fill('Soc')
  await page.getByRole('option', {name: /Society/}).or(page.getByRole('button', {name: /Society/})).first().click()
  await expect(page.getByTestId('field-categories')).toContainText('Society')
  await shot(page, testInfo, 'category')

  // Content group: cover image with alt text.
  await page.getByRole('tab', {name: 'Content'}).click()
  const png = await sharp({create: {width: 640, height: 360, channels: 3, background: '#336699'}}).png().toBuffer()
  // The cover image is the first image field of the form: its Upload button's file input.
  await page.getByTestId('file-button-input').first().setInputFiles({name: 'power-lines.png', mimeType: 'image/png', buffer: png})
  await expect(page.locator('img[src*="/images/dispatch/production/"]').first()).toBeVisible({timeout: 60_000})
  const alt = page.getByRole('textbox', {name: 'Alternative text'}).first()
  await alt.fill('Power lines over a Caracas street at dusk')
  await shot(page, testInfo, 'cover-image')

  const api = editorApi()
  await publishAndWait(page, async () =>
    Boolean(await api.fetch('*[_type == "post" && slug.current == $slug && !(_id in path("drafts.**"))][0]._id', {slug: SLUG})),
  )
  await shot(page, testInfo, 'published')
  const published = await api.fetch('*[_type == "post" && slug.current == $slug && !(_id in path("drafts.**"))][0]{..., "category": categories[0]->title, "asset": coverImage.asset->}', {slug: SLUG})
  postId = published._id
  expect(published.title).toBe(TITLE)
  expect(published.category).toBe('Society')
  expect(published.coverImage.alt).toBe('Power lines over a Caracas street at dusk')
  expect(published.asset).toMatchObject({_type: 'sanity.imageAsset', metadata: {dimensions: {width: 640, height: 360}}})
  const styles = published.body.map((block: {style: string}) => block.style)
  expect(styles).toContain('blockquote')
  const links = published.body.flatMap((block: {markDefs?: {href: string}[]}) => block.markDefs ?? [])
  expect(links.map((link: {href: string}) => link.href)).toContain('https://example.org/notice')
  // Readers see it on the site once the lake's webhook has revalidated the home page.
  const site = await context.newPage()
  await expect
    .poll(async () => {
      await site.goto('/')
      return site.getByText(TITLE).count()
    }, {timeout: 60_000})
    .toBeGreaterThan(0)
  await shot(site, testInfo, 'on-the-site')
  await context.close()
})

test('edit makes a draft; publishing again updates the post', async ({browser}, testInfo) => {
  test.skip(!postId, 'needs the post from the previous test')
  const context = await newContext(browser, true)
  const page = await context.newPage()
  await openDocument(page, postId)
  const title = page.getByTestId('field-title').locator('input')
  await title.fill(`${TITLE} (updated)`)
  const api = editorApi()
  await expect.poll(async () => (await api.getDocument(`drafts.${postId}`))?.title, {timeout: 30_000}).toBe(`${TITLE} (updated)`)
  expect((await api.getDocument(postId))?.title).toBe(TITLE)
  await shot(page, testInfo, 'draft')
  await publishAndWait(page, async () => (await api.getDocument(postId))?.title === `${TITLE} (updated)`)
  await expect.poll(async () => api.getDocument(`drafts.${postId}`), {timeout: 30_000}).toBeUndefined()
  await shot(page, testInfo, 'republished')
  await context.close()
})

test('discard a draft', async ({browser}, testInfo) => {
  test.skip(!postId, 'needs the post from the previous tests')
  const context = await newContext(browser, true)
  const page = await context.newPage()
  await openDocument(page, postId)
  await page.getByTestId('field-title').locator('input').fill(`${TITLE} (to be discarded)`)
  const api = editorApi()
  await expect.poll(async () => (await api.getDocument(`drafts.${postId}`))?.title, {timeout: 30_000}).toContain('discarded')
  await documentAction(page, /Discard changes/i, /Discard now|Discard/i)
  await expect.poll(async () => api.getDocument(`drafts.${postId}`), {timeout: 30_000}).toBeUndefined()
  expect((await api.getDocument(postId))?.title).toBe(`${TITLE} (updated)`)
  await expect(page.getByTestId('field-title').locator('input')).toHaveValue(`${TITLE} (updated)`)
  await shot(page, testInfo, 'discarded')
  await context.close()
})

test('two editors see each other’s changes live', async ({browser}, testInfo) => {
  test.skip(!postId, 'needs the post from the previous tests')
  const first = await newContext(browser, true)
  const second = await newContext(browser, true)
  const pageA = await first.newPage()
  const pageB = await second.newPage()
  await openDocument(pageA, postId)
  await openDocument(pageB, postId)
  await pageA.getByTestId('field-excerpt').locator('textarea').fill('Typed by editor A.')
  await expect(pageB.getByTestId('field-excerpt').locator('textarea')).toHaveValue('Typed by editor A.', {timeout: 30_000})
  await shot(pageB, testInfo, 'b-sees-a')
  await pageB.getByTestId('field-excerpt').locator('textarea').fill('Answered by editor B.')
  await expect(pageA.getByTestId('field-excerpt').locator('textarea')).toHaveValue('Answered by editor B.', {timeout: 30_000})
  await shot(pageA, testInfo, 'a-sees-b')
  await publishAndWait(pageA, async () => (await editorApi().getDocument(postId))?.excerpt === 'Answered by editor B.')
  await first.close()
  await second.close()
})

test('restore an earlier revision from history', async ({browser}, testInfo) => {
  test.skip(!postId, 'needs the post from the previous tests')
  const context = await newContext(browser, true)
  const page = await context.newPage()
  await openDocument(page, postId)
  // The footer's "Edited … ago" opens the inspector; its History tab lists the revisions.
  await page.getByTestId('pane-footer').getByRole('button', {name: /published|edited|created/i}).first().click()
  await page.getByRole('tab', {name: 'History'}).click()
  const history = page.getByRole('tabpanel').last()
  const publishedEvents = history.getByRole('button', {name: /Published/})
  await expect(publishedEvents.first()).toBeVisible({timeout: 30_000})
  await shot(page, testInfo, 'history')
  // Newest first: the last "Published" event is the first publish, with the original title.
  await publishedEvents.last().click()
  await expect(page.getByTestId('field-title').locator('input')).toHaveValue(TITLE, {timeout: 30_000})
  await shot(page, testInfo, 'old-revision')
  await page.getByRole('button', {name: 'Revert to revision'}).click()
  // The Studio asks in a small confirmation popover (not a dialog).
  await page.getByRole('button', {name: 'Confirm', exact: true}).click()
  const api = editorApi()
  await expect.poll(async () => (await api.getDocument(`drafts.${postId}`))?.title, {timeout: 30_000}).toBe(TITLE)
  await publishAndWait(page, async () => (await api.getDocument(postId))?.title === TITLE)
  await shot(page, testInfo, 'restored')
  await context.close()
})

test('unpublish, then delete', async ({browser}, testInfo) => {
  test.skip(!postId, 'needs the post from the previous tests')
  const context = await newContext(browser, true)
  const page = await context.newPage()
  await openDocument(page, postId)
  const api = editorApi()
  // Sanity 5 offers Unpublish on the published version (as its main action): switch to it first.
  await page.getByRole('button', {name: 'Published', exact: true}).click()
  await page.getByTestId('pane-footer').getByRole('button', {name: 'Unpublish'}).click()
  await page.getByRole('dialog').getByRole('button', {name: /Unpublish/}).click()
  await expect.poll(async () => api.getDocument(postId), {timeout: 30_000}).toBeUndefined()
  // Unpublishing keeps the content as a draft.
  expect((await api.getDocument(`drafts.${postId}`))?.title).toContain(TITLE)
  await shot(page, testInfo, 'unpublished')
  await openDocument(page, postId)
  await documentAction(page, /^Delete/i, /Delete now|Delete/i)
  await expect.poll(async () => api.getDocument(`drafts.${postId}`), {timeout: 30_000}).toBeUndefined()
  expect(await api.getDocument(postId)).toBeUndefined()
  await shot(page, testInfo, 'deleted')
  await context.close()
})

test('the anonymous API cannot read drafts', async () => {
  const api = editorApi()
  const draftId = `drafts.post-studio-e2e-secret-${unique}`
  await api.createOrReplace({_id: draftId, _type: 'post', title: 'Secret draft', slug: {_type: 'slug', current: `secret-${unique}`}, publishedAt: new Date().toISOString()})
  const anonymous = lakeClient()
  expect(await anonymous.getDocument(draftId)).toBeUndefined()
  expect(await anonymous.withConfig({perspective: 'raw'}).fetch('*[_id == $id]', {id: draftId})).toEqual([])
  expect(await anonymous.withConfig({perspective: 'drafts'}).fetch('*[title == "Secret draft"]')).toEqual([])
  await api.delete(draftId)
})

test('the browser never left loopback', async () => {
  expect(requested.size).toBeGreaterThan(50)
  const external = [...requested].filter((url) => !isLoopback(url))
  expect(external).toEqual([])
})
