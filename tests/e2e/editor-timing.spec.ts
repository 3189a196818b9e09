/**
 * Editors' changes reach readers on time (#16.1, #16.2), with nothing else happening on the site:
 * - a scheduled post appears on home, its page and the feed within 2 s of its moment;
 * - moderating a pingback through the API (any script, the CLI's mutations) or the Studio's form
 *   shows on the post page within 1 s, with no call to the site besides the lake's own webhook.
 */
import fs from 'node:fs'
import path from 'node:path'
import {expect, test, type APIRequestContext, type Page} from '@playwright/test'
import {lakeClient} from './lake-client'
import {DEMO_PENDING_SOURCE_URL, REFERENCE_POST_SLUG} from '@/lib/seed/demo'

const DATA_DIR = process.env.E2E_LAKE_DATA_DIR || path.resolve('.lake-e2e')
const POST_PATH = `/posts/${REFERENCE_POST_SLUG}`
const STUDIO_LOAD_TIMEOUT = 300_000

const api = () => lakeClient({perspective: 'raw'})

/** Polls `url` every 100 ms until `seen(body)`; returns when (ms since epoch), or null after `limitMs`. */
async function firstSeen(request: APIRequestContext, url: string, seen: (body: string) => boolean, limitMs: number): Promise<number | null> {
  const end = Date.now() + limitMs
  while (Date.now() < end) {
    const body = await (await request.get(url)).text()
    if (seen(body)) return Date.now()
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return null
}

test('a scheduled post is on home, its page and the feed within 2 s of its moment (#16.1)', async ({request}) => {
  test.setTimeout(120_000)
  const client = api()
  const stamp = Date.now().toString(36)
  const slug = `scheduled-${stamp}`
  const title = `Scheduled post ${stamp}`
  // Long enough ahead that the site has certainly cached the pages without it.
  const moment = Date.now() + 8_000
  await client.create({
    _id: `post-${slug}`,
    _type: 'post',
    title,
    slug: {_type: 'slug', current: slug},
    publishedAt: new Date(moment).toISOString(),
    excerpt: 'Published by the scheduling end-to-end test.',
    body: [{_type: 'block', _key: 'b1', style: 'normal', markDefs: [], children: [{_type: 'span', _key: 's1', text: 'Right on time.', marks: []}]}],
  })
  try {
    // Before its moment the post is nowhere; these requests also fill the caches.
    expect((await request.get(`/posts/${slug}`)).status()).toBe(404)
    expect(await (await request.get('/')).text()).not.toContain(title)
    expect(await (await request.get('/feed.xml')).text()).not.toContain(title)

    const wait = moment - Date.now()
    expect(wait).toBeGreaterThan(1_000)
    await new Promise((resolve) => setTimeout(resolve, wait))
    const [home, page, feed] = await Promise.all([
      firstSeen(request, '/', (body) => body.includes(title), 6_000),
      firstSeen(request, `/posts/${slug}`, (body) => body.includes(title) && body.includes('Right on time.'), 6_000),
      firstSeen(request, '/feed.xml', (body) => body.includes(title), 6_000),
    ])
    for (const [where, at] of Object.entries({home, page, feed})) {
      expect(at, `${where} never showed the post`).not.toBeNull()
      expect(at! - moment, `${where} showed the post ${at! - moment} ms after its moment`).toBeLessThanOrEqual(2_000)
    }
  } finally {
    await client.delete(`post-${slug}`).catch(() => {})
  }
})

const PENDING_TITLE = 'The coup that never was'

/** The demo's pending pingback, whatever origin the seed used for its target URL. */
async function demoPendingId(): Promise<string> {
  const id = await api().fetch<string | null>(`*[_type == "pingback" && sourceUrl == $url][0]._id`, {url: DEMO_PENDING_SOURCE_URL})
  expect(id, `no demo pingback from ${DEMO_PENDING_SOURCE_URL} (seeded by lib/seed/demo.ts)`).toBeTruthy()
  return id!
}

const onPage = (body: string) => body.includes(PENDING_TITLE)

test('moderation through the API shows on the post page within 1 s, both ways (#16.2)', async ({request}) => {
  const client = api()
  const id = await demoPendingId()
  try {
    expect(onPage(await (await request.get(POST_PATH)).text())).toBe(false)
    await client.patch(id).set({status: 'approved'}).commit()
    const committed = Date.now()
    const shown = await firstSeen(request, POST_PATH, onPage, 5_000)
    expect(shown).not.toBeNull()
    expect(shown! - committed).toBeLessThanOrEqual(1_000)

    await client.patch(id).set({status: 'pending'}).commit()
    const reverted = Date.now()
    const hidden = await firstSeen(request, POST_PATH, (body) => !onPage(body), 5_000)
    expect(hidden).not.toBeNull()
    expect(hidden! - reverted).toBeLessThanOrEqual(1_000)
  } finally {
    await client.patch(id).set({status: 'pending'}).commit().catch(() => {})
  }
})

async function signIn(page: Page) {
  const text = fs.readFileSync(path.join(DATA_DIR, 'first-login.txt'), 'utf8')
  const email = /email:\s*(\S+)/.exec(text)?.[1] ?? ''
  const password = /password:\s*(\S+)/.exec(text)?.[1] ?? ''
  await page.goto('/studio', {timeout: STUDIO_LOAD_TIMEOUT})
  await page.getByRole('link', {name: 'Dispatch local account'}).click({timeout: STUDIO_LOAD_TIMEOUT})
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', {name: 'Sign in'}).click()
  await expect(page.getByText('Pingbacks awaiting moderation')).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})
}

test('moderation in the Studio form and "Back to moderation" show on the post page within 1 s (#16.2)', async ({page, request}) => {
  test.setTimeout(600_000)
  const client = api()
  const id = await demoPendingId()
  await page.setViewportSize({width: 1440, height: 1000})
  try {
    await signIn(page)
    await page.goto(`/studio/intent/edit/id=${id};type=pingback/`, {timeout: STUDIO_LOAD_TIMEOUT})
    await expect(page.getByText(PENDING_TITLE).first()).toBeVisible({timeout: STUDIO_LOAD_TIMEOUT})

    // The form's Status radio, not the "Approve" action: only the lake's webhook tells the site.
    await page.getByRole('radio', {name: 'Approved (shown under the post)'}).check()
    await expect.poll(async () => (await client.getDocument(id))?.status, {timeout: 30_000, intervals: [50]}).toBe('approved')
    const approved = Date.now()
    const shown = await firstSeen(request, POST_PATH, onPage, 5_000)
    expect(shown).not.toBeNull()
    expect(shown! - approved).toBeLessThanOrEqual(1_000)

    // The document action that takes a mention back into the queue.
    const footer = page.getByTestId('pane-footer')
    const back = footer.getByRole('button', {name: 'Back to moderation'})
    if (await back.isVisible().catch(() => false)) {
      await back.click()
    } else {
      await footer.getByTestId('action-menu-button').click()
      await page.getByRole('menuitem', {name: 'Back to moderation'}).click()
    }
    await expect.poll(async () => (await client.getDocument(id))?.status, {timeout: 30_000, intervals: [50]}).toBe('pending')
    const pending = Date.now()
    const hidden = await firstSeen(request, POST_PATH, (body) => !onPage(body), 5_000)
    expect(hidden).not.toBeNull()
    expect(hidden! - pending).toBeLessThanOrEqual(1_000)
  } finally {
    await client.patch(id).set({status: 'pending'}).commit().catch(() => {})
  }
})
