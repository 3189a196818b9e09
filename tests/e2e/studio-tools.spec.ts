/**
 * What the Studio's own tools need from the lake, driven in the real Studio (Chromium) against the
 * real lake: publish confirmation timing, presence, releases.
 */
import {expect, test} from '@playwright/test'
import {
  addSecondEditor,
  addVersionInStudio,
  createReleaseInStudio,
  editorApi,
  editorContext,
  openDocument,
  SECOND_EDITOR,
  lakeErrors,
  STUDIO_LOAD_TIMEOUT,
  takeLakeRequestLogs,
  scheduleReleaseInStudio,
} from './studio-session'

test.describe.configure({mode: 'serial', timeout: 600_000})
test.use({actionTimeout: 60_000})

const unique = Date.now().toString(36)

// Every lake request the Studio made in the test, and which were errors or repeated connections.
test.afterEach(async ({}, testInfo) => {
  const log = takeLakeRequestLogs()
  const sockets = log.filter((entry) => entry.method === 'WS').map((entry) => new URL(entry.url).pathname)
  const report = [...lakeErrors(log), `${sockets.length} socket connection(s): ${[...new Set(sockets)].join(', ')}`]
  console.log(`[lake requests] ${testInfo.title}\n  ${report.join('\n  ')}`)
})

/**
 * Publish confirmation: the lake sends the listener events of a publish within milliseconds of the
 * commit (tests/lake/server/listen.test.ts), so the Studio's footer must say "Last published" soon
 * after the action's response. What remains is the Studio's own work: validation before it sends
 * the action, refetching the document's events, and its relative-time ticker, which may first say
 * "Last published in N sec." until its next tick (the same on hosted Sanity).
 */
test('publish is confirmed in the Studio right after the lake commits it, as fast as the site updates', async ({browser, request}) => {
  const api = editorApi()
  const id = `post-publish-timing-${unique}`
  const base = {_type: 'post', title: `Timing ${unique}`, slug: {_type: 'slug', current: `timing-${unique}`}, publishedAt: new Date(Date.now() - 60_000).toISOString()}
  await api.createOrReplace({_id: id, ...base})
  await api.createOrReplace({_id: `drafts.${id}`, ...base, title: `Timing ${unique} (edited)`})
  // The reader's page exists before the publish (and is cached by the site).
  await expect.poll(async () => (await request.get(`/posts/timing-${unique}`)).status(), {timeout: 60_000}).toBe(200)
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
  // Meanwhile a reader reloads the post page every 50 ms until it shows the published edit.
  let siteUpdatedAt = NaN
  const reader = (async () => {
    const end = Date.now() + 30_000
    while (Date.now() < end) {
      if ((await (await request.get(`/posts/timing-${unique}`)).text()).includes(`Timing ${unique} (edited)`)) return (siteUpdatedAt = Date.now())
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })()
  await publish.click()
  await expect(page.getByTestId('pane-footer')).toContainText(/Last published/i, {timeout: 30_000})
  await reader
  // When the browser had the action's answer, on the page's own clock (resource timing).
  const [answeredAt, timeOrigin] = await page.evaluate(() => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[]
    return [entries.filter((entry) => entry.name.includes('/data/actions/')).at(-1)?.responseEnd ?? NaN, performance.timeOrigin]
  })
  const log = await page.evaluate(() => (window as unknown as {__footer: [number, string][]}).__footer)
  const confirmed = log.find(([, text]) => /Last published/i.test(text))![0]
  const studioMs = Math.round(confirmed - answeredAt)
  const siteMs = Math.round(siteUpdatedAt - (timeOrigin + answeredAt))
  console.log(
    `publish answered → footer says "Last published" in ${studioMs} ms; the reader's page showed it in ${siteMs} ms\n` +
      log.map(([t, text]) => `  ${Math.round(t - answeredAt)} ms: ${text}`).join('\n'),
  )
  expect((await api.getDocument(id))?.title).toBe(`Timing ${unique} (edited)`)
  // The site's own freshness bound is asserted elsewhere (tests/e2e/cache.spec.ts, editor-timing.spec.ts);
  // here it is the yardstick: the editor learns the publish happened no later than a reader sees it,
  // give or take one Studio render (the site is measured by polling, the Studio to the frame).
  expect(Number.isFinite(siteMs)).toBe(true)
  expect(studioMs).toBeLessThan(1500)
  expect(studioMs).toBeLessThanOrEqual(siteMs + 300)
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

/** Creates a release in the Releases tool as an editor does; returns its id (the `r…` name). */
/**
 * Content Releases in the real Studio: the editor creates a release in the Releases tool, adds a
 * post to it from the post's form, and "Run release" publishes it; the lake's version and the
 * release document end as hosted Sanity leaves them.
 */
test('an editor creates a release in the Releases tool, adds a post to it and runs it', async ({browser}) => {
  const api = editorApi()
  const id = `post-release-${unique}`
  await api.createOrReplace({_id: id, _type: 'post', title: `Before the release ${unique}`, slug: {_type: 'slug', current: `release-${unique}`}, publishedAt: new Date().toISOString()})
  const context = await editorContext(browser)
  const page = await context.newPage()
  const releaseId = await createReleaseInStudio(page, `Spring issue ${unique}`)
  await addVersionInStudio(page, releaseId, id, `After the release ${unique}`)
  expect((await api.getDocument(id))?.title).toBe(`Before the release ${unique}`)

  await page.goto(`/studio/releases/${releaseId}`, {timeout: STUDIO_LOAD_TIMEOUT})
  await expect(page.getByText(`After the release ${unique}`).first()).toBeVisible({timeout: 60_000})
  const run = page.getByTestId('publish-all-button')
  await expect(run).toBeEnabled({timeout: 60_000})
  await run.click()
  await page.getByTestId('confirm-publish-dialog').getByRole('button', {name: /Run release/i}).click()
  await expect.poll(async () => (await api.getDocument(id))?.title, {timeout: 30_000}).toBe(`After the release ${unique}`)
  expect(await api.getDocument(`versions.${releaseId}.${id}`)).toBeUndefined()
  expect((await api.getDocument(`_.releases.${releaseId}`))?.state).toBe('published')
  // The Studio shows the release as published.
  await expect(page.getByTestId('published-release-type-label').or(page.getByText(/Published/).first()).first()).toBeVisible({timeout: 30_000})
  await context.close()
})

/**
 * Scheduling a release in the Studio: "Schedule release..." with a time a minute or two ahead; the
 * lake's scheduler publishes it at that time (not before), with no browser open.
 */
test('an editor schedules a release in the Studio and the lake publishes it at its time', async ({browser}) => {
  const api = editorApi()
  const id = `post-scheduled-release-${unique}`
  await api.createOrReplace({_id: id, _type: 'post', title: `Before the scheduled release ${unique}`, slug: {_type: 'slug', current: `scheduled-release-${unique}`}, publishedAt: new Date().toISOString()})
  const context = await editorContext(browser)
  const page = await context.newPage()
  const releaseId = await createReleaseInStudio(page, `Night edition ${unique}`)
  await addVersionInStudio(page, releaseId, id, `After the scheduled release ${unique}`)

  await page.goto(`/studio/releases/${releaseId}`, {timeout: STUDIO_LOAD_TIMEOUT})
  await expect(page.getByText(`After the scheduled release ${unique}`).first()).toBeVisible({timeout: 60_000})
  // The Studio schedules to the minute: the next minute but one, at least 60 s away.
  const publishAt = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000 + 60_000)
  await scheduleReleaseInStudio(page, publishAt)
  await expect.poll(async () => (await api.getDocument(`_.releases.${releaseId}`))?.state, {timeout: 30_000}).toBe('scheduled')
  expect((await api.getDocument(`_.releases.${releaseId}`))?.publishAt).toBe(publishAt.toISOString())
  await context.close()

  // Not before its time...
  expect((await api.getDocument(id))?.title).toBe(`Before the scheduled release ${unique}`)
  await expect.poll(async () => (await api.getDocument(id))?.title, {timeout: publishAt.getTime() - Date.now() + 30_000, intervals: [500]}).toBe(`After the scheduled release ${unique}`)
  // ...and at it (the scheduler's timer, within a few seconds).
  const published = await api.getDocument(`_.releases.${releaseId}`)
  expect(published?.state).toBe('published')
  expect(Date.now()).toBeGreaterThanOrEqual(publishAt.getTime())
  expect(Date.now() - publishAt.getTime()).toBeLessThan(15_000)
})

/**
 * Comments: the first comment sets up the `production-comments` addon dataset through the lake
 * (`POST /comments/production/setup`) and is stored there; a second editor opening the post sees it
 * on the field and replies, and the first editor, who has the thread open, sees the reply arrive live
 * (the Studio listens to the addon dataset). As on hosted Sanity, a Studio that was already open
 * before the addon dataset existed finds it on its next load.
 */
test('an editor comments on a field, another replies, and each sees the other’s words', async ({browser}) => {
  const api = editorApi()
  const id = `post-comments-${unique}`
  await api.createOrReplace({_id: id, _type: 'post', title: `Comments ${unique}`, slug: {_type: 'slug', current: `comments-${unique}`}, publishedAt: new Date().toISOString()})
  addSecondEditor()
  const first = await editorContext(browser)
  const second = await editorContext(browser, SECOND_EDITOR)
  const pageA = await first.newPage()
  const pageB = await second.newPage()
  await openDocument(pageA, id)

  const text = `Is this headline final ${unique}`
  const titleA = pageA.getByTestId('field-title')
  await titleA.hover()
  await titleA.getByRole('button', {name: 'Add comment'}).click()
  await pageA.getByTestId('comment-input-editable').click()
  await pageA.keyboard.type(text, {delay: 40})
  // The comment editor applies keystrokes asynchronously (typed too fast on a busy machine it
  // reordered them): type at a person's pace, and send once it holds the whole text.
  await expect(pageA.getByTestId('comment-input-editable')).toContainText(text)
  // The DOM shows the text before the editor's own value has it all: a person's pause before Send.
  await pageA.waitForTimeout(1000)
  await pageA.getByTestId('comment-input-send-button').click()

  // Stored in the addon dataset, pointing at the post's title field.
  const comments = api.withConfig({dataset: 'production-comments'})
  await expect
    .poll(async () => comments.fetch('*[_type == "comment" && target.document._ref == $id][0]{status, "field": target.path.field, "text": pt::text(message)}', {id}), {timeout: 30_000})
    .toEqual({status: 'open', field: 'title', text})
  // The first editor keeps the thread open in the comments panel.
  await pageA.keyboard.press('Escape')
  await titleA.hover()
  await titleA.getByRole('button', {name: 'Open comments'}).click({timeout: 30_000})
  const threadA = pageA.getByTestId('comments-list-item').filter({hasText: text})
  await expect(threadA).toBeVisible({timeout: 30_000})

  // The second editor sees the comment on the field and replies in the panel.
  await openDocument(pageB, id)
  const titleB = pageB.getByTestId('field-title')
  await titleB.hover()
  await titleB.getByRole('button', {name: 'Open comments'}).click({timeout: 30_000})
  const threadB = pageB.getByTestId('comments-list-item').filter({hasText: text})
  await expect(threadB).toBeVisible({timeout: 30_000})
  const reply = `Yes it is final ${unique}`
  await threadB.getByTestId('comment-input-editable').click()
  await pageB.keyboard.type(reply, {delay: 40})
  await expect(threadB.getByTestId('comment-input-editable')).toContainText(reply)
  await pageB.waitForTimeout(1000)
  await threadB.getByTestId('comment-input-send-button').click()
  await expect.poll(async () => comments.fetch('count(*[_type == "comment" && target.document._ref == $id])', {id}), {timeout: 30_000}).toBe(2)

  // The reply reaches the first editor's open thread without a reload, with its author's name.
  await expect(threadA).toContainText(reply, {timeout: 30_000})
  await expect(threadA).toContainText(SECOND_EDITOR.name)
  await first.close()
  await second.close()
})

/**
 * "Schedule publish" on a document (Studio 5's scheduled drafts): the Studio makes a one-document
 * release of the draft and schedules it; the lake's release scheduler publishes it at that time.
 */
test('an editor schedules one post’s draft with "Schedule publish" and the lake publishes it at its time', async ({browser}) => {
  const api = editorApi()
  const id = `post-schedule-draft-${unique}`
  const base = {_type: 'post', slug: {_type: 'slug', current: `schedule-draft-${unique}`}, publishedAt: new Date(Date.now() - 60_000).toISOString()}
  await api.createOrReplace({_id: id, ...base, title: `Scheduled draft ${unique}`})
  await api.createOrReplace({_id: `drafts.${id}`, ...base, title: `Scheduled draft ${unique} (updated)`})
  const context = await editorContext(browser)
  const page = await context.newPage()
  await openDocument(page, id)
  await page.getByTestId('pane-footer').getByTestId('action-menu-button').click({timeout: 60_000})
  await page.getByRole('menuitem', {name: /Schedule publish/i}).click()
  const dialog = page.locator('#schedule-draft-dialog')
  await expect(dialog).toBeVisible()
  const publishAt = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000 + 60_000)
  const shown = await page.evaluate((iso) => {
    const d = new Date(iso)
    const pad = (n: number) => String(n).padStart(2, '0')
    return `${d.toLocaleString('en-US', {month: 'short'})} ${d.getDate()}, ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}`
  }, publishAt.toISOString())
  const dateInput = dialog.locator('input').first()
  await dateInput.fill(shown)
  await dateInput.press('Enter')
  await dialog.getByRole('button', {name: /^Schedule$/}).click()
  // A one-document release, scheduled for that minute, holding the draft's content.
  let releaseId = ''
  await expect
    .poll(async () => (releaseId = (await api.fetch('*[_type == "system.release" && metadata.cardinality == "one" && state == "scheduled" && defined(*[_id == "versions." + ^.name + "." + $id][0])][0].name', {id})) ?? ''), {timeout: 30_000})
    .not.toBe('')
  expect((await api.getDocument(`_.releases.${releaseId}`))?.publishAt).toBe(publishAt.toISOString())
  await context.close()
  expect((await api.getDocument(id))?.title).toBe(`Scheduled draft ${unique}`)
  await expect.poll(async () => (await api.getDocument(id))?.title, {timeout: publishAt.getTime() - Date.now() + 30_000, intervals: [500]}).toBe(`Scheduled draft ${unique} (updated)`)
  expect(Date.now()).toBeGreaterThanOrEqual(publishAt.getTime())
})
