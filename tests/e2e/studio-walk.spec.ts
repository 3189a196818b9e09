/**
 * The Studio walked as an editor would, with a log of every lake request: each step asserts that
 * the lake answered nothing with an error the Studio did not expect.
 */
import {expect, test} from '@playwright/test'
import {addVersionInStudio, createReleaseInStudio, editorApi, editorContext, lakeErrors, recordLakeRequests, STUDIO_LOAD_TIMEOUT} from './studio-session'

test.describe.configure({mode: 'serial', timeout: 600_000})
test.use({actionTimeout: 60_000})

const unique = Date.now().toString(36)

test('a release page shows its activity: created, edited, scheduled, published', async ({browser}) => {
  const api = editorApi()
  const id = `post-activity-${unique}`
  await api.createOrReplace({_id: id, _type: 'post', title: `Before ${unique}`, slug: {_type: 'slug', current: `activity-${unique}`}, publishedAt: new Date().toISOString()})
  const context = await editorContext(browser)
  const log = recordLakeRequests(context)
  const page = await context.newPage()
  const releaseId = await createReleaseInStudio(page, `Activity ${unique}`)
  await addVersionInStudio(page, releaseId, id, `After ${unique}`)
  await page.goto(`/studio/releases/${releaseId}`, {timeout: STUDIO_LOAD_TIMEOUT})
  await expect(page.getByText(`After ${unique}`).first()).toBeVisible({timeout: 60_000})
  await page.getByRole('button', {name: 'Activity', exact: true}).click()
  await page.waitForTimeout(3000)
  await page.screenshot({path: 'test-results/release-activity-1.png'})
  const publishAt = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000 + 3600_000)
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
  await expect.poll(async () => (await api.getDocument(`_.releases.${releaseId}`))?.state, {timeout: 30_000}).toBe('scheduled')
  console.log(JSON.stringify(await api.getDocument(`_.releases.${releaseId}`)))
  await page.waitForTimeout(3000)
  await page.screenshot({path: 'test-results/release-activity-2.png'})
  await api.action({actionType: 'sanity.action.release.unschedule', releaseId})
  await api.action({actionType: 'sanity.action.release.publish', releaseId})
  await expect.poll(async () => (await api.getDocument(`_.releases.${releaseId}`))?.state, {timeout: 30_000}).toBe('published')
  await page.waitForTimeout(4000)
  await page.screenshot({path: 'test-results/release-activity-3.png'})
  console.log(JSON.stringify(log.filter((e) => /history|events/.test(e.url)).map((e) => `${e.method} ${e.url} ${e.status}`), null, 1))
  console.log(lakeErrors(log))
  await context.close()
})
