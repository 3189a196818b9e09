/**
 * Pingback moderation in the real Studio: a pending pingback stays off the post page until an
 * editor approves it in the Studio's "Pingbacks awaiting moderation" list.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {createClient} from '@sanity/client'
import {expect, test, type Page} from '@playwright/test'
import {lakeClient} from './lake-client'

const DATA_DIR = process.env.E2E_LAKE_DATA_DIR || path.resolve('.lake-e2e')
const STUDIO_LOAD_TIMEOUT = 300_000
const POST_ID = 'post-nyt-white-house-secret-meetings-venezuelan-officers-coup'
const POST_PATH = '/posts/nyt-white-house-secret-meetings-venezuelan-officers-coup'

test.describe.configure({timeout: 600_000})
test.use({actionTimeout: 60_000, ignoreHTTPSErrors: true, viewport: {width: 1440, height: 1000}})

const editorApi = () => lakeClient({perspective: 'raw'})

async function signIn(page: Page) {
  const text = fs.readFileSync(path.join(DATA_DIR, 'first-login.txt'), 'utf8')
  const email = /email:\s*(\S+)/.exec(text)?.[1] ?? ''
  const password = /password:\s*(\S+)/.exec(text)?.[1] ?? ''
  await page.goto('/studio', {timeout: STUDIO_LOAD_TIMEOUT})
  await page.getByRole('link', {name: 'Dispatch local account'}).click({timeout: STUDIO_LOAD_TIMEOUT})
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', {name: 'Sign in'}).click()
  await expect(page).toHaveURL(/\/studio/)
  // The Studio trades the session id for a token before it shows the desk; wait for that.
  await expect(page.getByText('Pingbacks awaiting moderation')).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})
}

test('a pending pingback shows under the post only after an editor approves it in the Studio', async ({page, request}, testInfo) => {
  const sourceUrl = `https://blog.example/moderation-${Date.now().toString(36)}`
  const sourceTitle = `Moderation check ${Date.now().toString(36)}`
  const id = `pingback.${crypto.createHash('sha1').update(`${sourceUrl} ${POST_PATH}`).digest('hex')}`
  const api = editorApi()
  await api.createOrReplace({
    _id: id,
    _type: 'pingback',
    kind: 'pingback',
    status: 'pending',
    sourceUrl,
    sourceTitle,
    sourceSite: 'Example Blog',
    excerpt: 'A pending pingback made by the moderation end-to-end test.',
    target: {_type: 'reference', _ref: POST_ID, _weak: true},
    targetUrl: POST_PATH,
    receivedAt: new Date().toISOString(),
  })
  try {
    // Pending: not on the post page, and not readable without a token.
    expect(await (await request.get(POST_PATH)).text()).not.toContain(sourceTitle)
    const anonymous = createClient({...api.config(), token: undefined, perspective: 'published'})
    expect(await anonymous.fetch('*[_id == $id][0]', {id})).toBeNull()

    await signIn(page)
    await page.goto(`/studio/intent/edit/id=${id};type=pingback/`, {timeout: STUDIO_LOAD_TIMEOUT})
    await expect(page.getByText(sourceTitle).first()).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})
    await testInfo.attach('pending-pingback', {body: await page.screenshot(), contentType: 'image/png'})

    const approve = page.getByTestId('pane-footer').getByRole('button', {name: 'Approve'})
    if (await approve.isVisible().catch(() => false)) {
      await approve.click()
    } else {
      await page.getByTestId('pane-footer').getByTestId('action-menu-button').click()
      await page.getByRole('menuitem', {name: 'Approve'}).click()
    }
    await expect.poll(async () => (await api.getDocument(id))?.status, {timeout: 30_000}).toBe('approved')
    await expect
      .poll(async () => (await (await request.get(POST_PATH)).text()).includes(sourceTitle), {timeout: 10_000, intervals: [200]})
      .toBe(true)
    await page.goto(POST_PATH)
    await expect(page.getByRole('link', {name: sourceTitle, exact: true})).toBeVisible()
    await testInfo.attach('approved-on-post', {body: await page.screenshot({fullPage: true}), contentType: 'image/png'})
  } finally {
    await api.delete(id).catch(() => {})
  }
})
