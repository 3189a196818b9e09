/**
 * Draft preview from the Studio: the Presentation tool shows the site in draft mode, and clicking
 * an element on the page (click-to-edit overlay) opens the field it shows.
 */
import fs from 'node:fs'
import path from 'node:path'
import {expect, test} from '@playwright/test'

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
