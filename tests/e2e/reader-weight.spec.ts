/**
 * What readers download (#16.15), against the real site and lake in Chromium: images are plain
 * server-rendered `<img>` elements (responsive srcset through the site's image pipeline, the
 * post's cover preloaded at high priority as its likely LCP element) with no image component
 * JavaScript; outside draft mode nothing is loaded on demand (no Visual Editing overlay); pages
 * the response cache never stores are still compressed. Draft-mode code (Visual Editing, the
 * live refresh) is not even in the chunks readers load.
 */
import {expect, test, type Page} from '@playwright/test'
import {lakeClient} from './lake-client'
import sharp from 'sharp'


const editorApi = () => lakeClient()

const unique = Date.now().toString(36)
const SLUG = `cover-image-${unique}`

/** Every script the page loaded, with its text (production chunks are minified but keep string literals). */
async function loadedScripts(page: Page): Promise<string[]> {
  const sources = await page.locator('script[src]').evaluateAll((scripts) => scripts.map((script) => (script as HTMLScriptElement).src))
  return Promise.all(sources.map(async (src) => (await page.request.get(src)).text()))
}

test('a post cover is a server-rendered <img>, preloaded at high priority, with no image component script', async ({page}) => {
  const api = editorApi()
  const png = await sharp({create: {width: 1200, height: 675, channels: 3, background: {r: 30, g: 90, b: 160}}}).png().toBuffer()
  const asset = await api.assets.upload('image', png, {filename: `cover-${unique}.png`})
  await api.createOrReplace({
    _id: `post-${SLUG}`,
    _type: 'post',
    title: `Cover image ${unique}`,
    slug: {_type: 'slug', current: SLUG},
    publishedAt: new Date(Date.now() - 60_000).toISOString(),
    coverImage: {_type: 'image', alt: 'A blue rectangle', asset: {_type: 'reference', _ref: asset._id}},
    body: [{_type: 'block', _key: 'p1', style: 'normal', markDefs: [], children: [{_type: 'span', _key: 's1', text: 'A post with a cover.', marks: []}]}],
  })
  await expect
    .poll(async () => (await page.request.get(`/posts/${SLUG}`)).status(), {timeout: 30_000})
    .toBe(200)

  await page.goto(`/posts/${SLUG}`)
  const cover = page.getByRole('img', {name: 'A blue rectangle'})
  await expect(cover).toBeVisible()
  await expect(cover).toHaveAttribute('fetchpriority', 'high')
  await expect(cover).toHaveAttribute('loading', 'eager')
  await expect(cover).toHaveAttribute('srcset', /\/images\/.+ \d+w/)
  await expect(cover).toHaveAttribute('width', /\d+/)
  await expect.poll(() => cover.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)
  // Preloaded from the head with the same srcset, so the browser fetches it before layout.
  const preload = page.locator('head link[rel="preload"][as="image"]')
  await expect(preload).toHaveCount(1)
  expect(await preload.getAttribute('imagesrcset')).toBe(await cover.getAttribute('srcset'))

  // The home page lists it with a lazy, non-preloaded card image.
  await page.goto('/')
  const card = page.locator(`a[href="/posts/${SLUG}"] img, article:has(a[href="/posts/${SLUG}"]) img`).first()
  await expect(card).toHaveAttribute('loading', 'lazy')
  // No image preload in the page the server sends. (The live DOM can gain one later: when the
  // router prefetches the post's page for its card link, React applies that page's preload hint.)
  const imagePreload = /<link[^>]*rel="preload"[^>]*as="image"|<link[^>]*as="image"[^>]*rel="preload"/
  expect(await (await page.request.get(`/posts/${SLUG}`)).text()).toMatch(imagePreload)
  const home = await (await page.request.get('/')).text()
  expect(home).toContain(`/posts/${SLUG}`)
  expect(home).not.toMatch(imagePreload)

  // next/image's client component ships as a chunk with its `data-nimg` handling; none of it here.
  for (const text of await loadedScripts(page)) expect(text).not.toContain('data-loaded-src')
})

test('outside draft mode a reader page loads only the scripts its HTML names: no Visual Editing overlay', async ({page}) => {
  for (const url of ['/', `/posts/${SLUG}`, '/search?q=maduro', '/contact', '/no-such-page']) {
    const requested = new Set<string>()
    const record = (request: {url(): string; resourceType(): string}) => {
      if (request.resourceType() === 'script') requested.add(new URL(request.url()).pathname)
    }
    page.on('request', record)
    await page.goto(url)
    await page.waitForLoadState('networkidle')
    page.off('request', record)
    const named = await page.locator('script[src]').evaluateAll((scripts) => scripts.map((script) => new URL((script as HTMLScriptElement).src).pathname))
    // Visual Editing's overlay (and anything else loaded on demand) would be an extra request.
    expect([...requested].filter((path) => !named.includes(path)), url).toEqual([])
    // Nor does the code that would load it ride along: the draft tools (Visual Editing, the draft
    // event relay) are a chunk of their own, loaded only where draft mode renders them.
    for (const text of await loadedScripts(page)) {
      expect(text, url).not.toContain('/api/draft-mode/live')
      expect(text, url).not.toContain('perspectiveChangeAction')
    }
  }
})

test('a standalone page is served compressed and describes itself (Lighthouse: text compression, meta description)', async ({page, request}) => {
  const path = `/about-${unique}`
  await editorApi().createOrReplace({
    _id: `page-about-${unique}`,
    _type: 'page',
    title: 'About this blog',
    path,
    body: [{_type: 'block', _key: 'p1', style: 'normal', markDefs: [], children: [{_type: 'span', _key: 's1', text: 'News from Venezuela, written from Caracas.', marks: []}]}],
  })
  await expect.poll(async () => (await request.get(path)).status(), {timeout: 30_000}).toBe(200)
  const response = await request.get(path, {headers: {'accept-encoding': 'gzip'}})
  expect(response.headers()['content-encoding']).toBe('gzip')
  await page.goto(path)
  await expect(page.locator('meta[name="description"]')).toHaveAttribute('content', 'News from Venezuela, written from Caracas.')
})
