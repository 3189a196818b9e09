/**
 * Draft preview from the Studio: the Presentation tool shows the site in draft mode, and clicking
 * an element on the page (click-to-edit overlay) opens the field it shows.
 */
import fs from 'node:fs'
import path from 'node:path'
import {expect, test} from '@playwright/test'
import {lakeClient} from './lake-client'

const DATA_DIR = process.env.E2E_LAKE_DATA_DIR || path.resolve('.lake-e2e')
const STUDIO_LOAD_TIMEOUT = 300_000
const POST_SLUG = 'nyt-white-house-secret-meetings-venezuelan-officers-coup'

test.describe.configure({timeout: 600_000})
test.use({actionTimeout: 60_000, ignoreHTTPSErrors: true, viewport: {width: 1440, height: 1000}})

test('the Presentation tool previews a post and its overlays open the clicked field', async ({page}, testInfo) => {
  const text = fs.readFileSync(path.join(DATA_DIR, 'first-login.txt'), 'utf8')
  await page.goto('/studio', {timeout: STUDIO_LOAD_TIMEOUT})
  await page.getByRole('link', {name: 'Dispatch local account'}).click({timeout: STUDIO_LOAD_TIMEOUT})
  await page.getByLabel('Email').fill(/email:\s*(\S+)/.exec(text)?.[1] ?? '')
  await page.getByLabel('Password').fill(/password:\s*(\S+)/.exec(text)?.[1] ?? '')
  await page.getByRole('button', {name: 'Sign in'}).click()
  await expect(page.getByText('Pingbacks awaiting moderation')).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})

  await page.goto(`/studio/presentation?preview=${encodeURIComponent(`/posts/${POST_SLUG}`)}`, {timeout: STUDIO_LOAD_TIMEOUT})
  const preview = page.frameLocator('iframe').first()
  // The site inside is in draft mode (the Presentation tool entered it with a preview secret).
  await expect(preview.getByText('Preview mode')).toBeVisible({timeout: 60_000})
  const title = preview.getByRole('heading', {level: 1})
  await title.hover()
  await testInfo.attach('overlay', {body: await page.screenshot(), contentType: 'image/png'})
  await title.click()
  await expect(page).toHaveURL(/\/studio\/presentation\/post\/[^/]+\/title/, {timeout: 30_000})
  await expect(page.getByTestId('field-title').locator('input')).toBeVisible({timeout: 30_000})
  await testInfo.attach('field-opened', {body: await page.screenshot(), contentType: 'image/png'})
})

test('the Presentation preview lists the home page documents and shows a saved draft edit by itself (#16.3)', async ({page}, testInfo) => {
  const text = fs.readFileSync(path.join(DATA_DIR, 'first-login.txt'), 'utf8')
  await page.goto('/studio', {timeout: STUDIO_LOAD_TIMEOUT})
  await page.getByRole('link', {name: 'Dispatch local account'}).click({timeout: STUDIO_LOAD_TIMEOUT})
  await page.getByLabel('Email').fill(/email:\s*(\S+)/.exec(text)?.[1] ?? '')
  await page.getByLabel('Password').fill(/password:\s*(\S+)/.exec(text)?.[1] ?? '')
  await page.getByRole('button', {name: 'Sign in'}).click()
  await expect(page.getByText('Pingbacks awaiting moderation')).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})

  await page.goto(`/studio/presentation?preview=${encodeURIComponent('/')}`, {timeout: STUDIO_LOAD_TIMEOUT})
  const preview = page.frameLocator('iframe').first()
  await expect(preview.getByText('Preview mode')).toBeVisible({timeout: 60_000})
  // The overlays found the page's documents through stega (Content Source Maps from the lake).
  await expect(page.getByText('Documents on this page')).toBeVisible({timeout: 60_000})
  const listed = page.getByTestId('presentation-root').getByText('2018 in Review').first()
  await expect(listed).toBeVisible({timeout: 30_000})
  await testInfo.attach('documents-on-this-page', {body: await page.screenshot(), contentType: 'image/png'})
  // Open it beside the preview, as an editor does before editing.
  await listed.click()
  await expect(page.getByTestId('field-title').locator('input')).toBeVisible({timeout: 60_000})

  // A saved draft edit of the open document shows in the preview within 2 s, without a click.
  const client = lakeClient()
  const published = await client.getDocument('post-year-in-review-2018')
  if (!published) throw new Error('demo post post-year-in-review-2018 is missing')
  const edited = `2018 in Review, edited ${Date.now().toString(36)}`
  await client.createOrReplace({...published, _id: 'drafts.post-year-in-review-2018', title: edited})
  try {
    const started = Date.now()
    await expect(preview.getByText(edited).first()).toBeVisible({timeout: 2_000})
    testInfo.annotations.push({type: 'draft edit visible after', description: `${Date.now() - started} ms`})
  } finally {
    await client.delete('drafts.post-year-in-review-2018').catch(() => {})
  }
})
