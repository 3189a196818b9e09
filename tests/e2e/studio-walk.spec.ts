/**
 * The Studio walked as an editor would, with a log of every lake request its pages make: each walk
 * asserts that the lake answered nothing with an error (4xx/5xx, or a dropped connection) except
 * the ones listed in EXPECTED, each of which the Studio handles and the README's compatibility
 * matrix explains.
 */
import {expect, test} from '@playwright/test'
import {
  addVersionInStudio,
  createReleaseInStudio,
  editorApi,
  editorContext,
  lakeErrors,
  openDocument,
  recordLakeRequests,
  STUDIO_LOAD_TIMEOUT,
  scheduleReleaseInStudio,
  publishAndWait,
  documentAction,
} from './studio-session'

test.describe.configure({mode: 'serial', timeout: 600_000})
test.use({actionTimeout: 60_000})

const unique = Date.now().toString(36)

/**
 * Lake errors the Studio asks for and handles:
 * - the plan's subscription (`/subscriptions/project/{id}`): a hosted-only billing API; on a 404
 *   the Studio shows no archive-retention date and no plan name.
 */
const EXPECTED = [/^GET \/v[\d-]+\/subscriptions\/project\/[^ ]+ 404/]
const unexpected = (errors: string[]) => errors.filter((line) => !EXPECTED.some((pattern) => pattern.test(line)))

test('a post: desk, edit, publish, history, "Revert to revision" then Publish, the delete dialog, Vision', async ({browser}) => {
  const api = editorApi()
  const id = `post-walk-${unique}`
  const first = `Walk, first title ${unique}`
  await api.createOrReplace({_id: id, _type: 'post', title: first, slug: {_type: 'slug', current: `walk-${unique}`}, publishedAt: new Date().toISOString()})
  // Something that refers to the post, for the delete dialog to list.
  await api.createOrReplace({_id: `post-walk-ref-${unique}`, _type: 'post', title: `Refers to the walk ${unique}`, related: [{_type: 'reference', _ref: id, _key: 'r1'}]})
  const context = await editorContext(browser)
  const log = recordLakeRequests(context)
  const page = await context.newPage()

  // The desk, then the post from it.
  await page.goto('/studio/structure', {timeout: STUDIO_LOAD_TIMEOUT})
  await expect(page.getByText('Posts', {exact: true}).first()).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})
  await openDocument(page, id)
  const title = page.getByTestId('field-title').locator('input')
  await title.fill(`Walk, second title ${unique}`)
  await expect.poll(async () => (await api.getDocument(`drafts.${id}`))?.title, {timeout: 30_000}).toBe(`Walk, second title ${unique}`)
  await publishAndWait(page, async () => (await api.getDocument(id))?.title === `Walk, second title ${unique}`)

  // History: the first revision, "Revert to revision", then Publish.
  await page.getByTestId('pane-footer').getByRole('button', {name: /published|edited|created/i}).first().click()
  await page.getByRole('tab', {name: 'History'}).click()
  const history = page.getByRole('tabpanel').last()
  const events = history.getByRole('button', {name: /Published|Created/})
  await expect(events.first()).toBeVisible({timeout: 30_000})
  await events.last().click()
  await expect(title).toHaveValue(first, {timeout: 30_000})
  await page.getByRole('button', {name: 'Revert to revision'}).click()
  await page.getByRole('button', {name: 'Confirm', exact: true}).click()
  await expect.poll(async () => (await api.getDocument(`drafts.${id}`))?.title, {timeout: 30_000}).toBe(first)
  await publishAndWait(page, async () => (await api.getDocument(id))?.title === first)

  // The delete dialog lists what refers to the post; cancelled, nothing is deleted.
  await documentAction(page, /^Delete/i)
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByText(/refer/i).first()).toBeVisible({timeout: 30_000})
  expect(log.some((entry) => /\/data\/references\/production\/documents\//.test(entry.url) && entry.status === 200)).toBe(true)
  await dialog.getByRole('button', {name: /Cancel/i}).first().click()
  expect((await api.getDocument(id))?.title).toBe(first)

  // Vision: its dataset list and a query.
  await page.goto('/studio/vision', {timeout: STUDIO_LOAD_TIMEOUT})
  const editor = page.locator('.cm-content').first()
  await expect(editor).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})
  await editor.click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.type(`*[_id == "${id}"][0].title`)
  await page.keyboard.press('ControlOrMeta+Enter')
  await expect(page.getByText(first).first()).toBeVisible({timeout: 30_000})

  await page.waitForTimeout(2000)
  expect(unexpected(lakeErrors(log))).toEqual([])
  await context.close()
})

test('a release page: its documents and its activity (created, release time set, published)', async ({browser}) => {
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
  const activity = page.getByText(/Created the/).first()
  await expect(activity).toBeVisible({timeout: 30_000})

  // Schedule it in the Studio (an hour ahead): the activity says when it is set to go out.
  const publishAt = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000 + 3600_000)
  await scheduleReleaseInStudio(page, publishAt)
  await expect.poll(async () => (await api.getDocument(`_.releases.${releaseId}`))?.state, {timeout: 30_000}).toBe('scheduled')
  await expect(page.getByText(/Set release time to/).first()).toBeVisible({timeout: 30_000})

  // Unscheduled and run (through the API, as another editor would): published, and its documents
  // are still listed, as they were (the versions are gone).
  await api.action({actionType: 'sanity.action.release.unschedule', releaseId})
  await api.action({actionType: 'sanity.action.release.publish', releaseId})
  await expect(page.getByText(/Published the/).first()).toBeVisible({timeout: 30_000})
  await expect(page.getByText(`After ${unique}`).first()).toBeVisible({timeout: 30_000})
  await expect(page.getByText('No documents')).toBeHidden()
  expect(await api.getDocument(`versions.${releaseId}.${id}`)).toBeUndefined()

  await page.waitForTimeout(2000)
  expect(unexpected(lakeErrors(log))).toEqual([])
  await context.close()
})
