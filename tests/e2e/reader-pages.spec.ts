/**
 * What readers hit in their first week (#16, items 9–14): complete 404 pages without JavaScript,
 * valid HTML (Nu HTML Checker), a favicon, quiet blockquotes, the Pingback section's place, a
 * compact phone header, self-hosted typefaces. Against the real site and lake in Chromium.
 */
import {execFile} from 'node:child_process'
import {createRequire} from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {expect, test} from '@playwright/test'

const REFERENCE_PATH = '/posts/nyt-white-house-secret-meetings-venezuelan-officers-coup'
const run = promisify(execFile)

test.describe('404 pages without JavaScript (#16.9)', () => {
  test.use({javaScriptEnabled: false})
  for (const missing of ['/no-such-page', '/posts/no-such-post', '/category/no-such-category']) {
    test(`${missing} answers 404 with text, lang and the site's navigation`, async ({page}) => {
      const response = await page.goto(missing)
      expect(response?.status()).toBe(404)
      await expect(page.locator('html')).toHaveAttribute('lang', 'en')
      await expect(page.getByRole('heading', {level: 1})).toHaveText('Page not found')
      await expect(page.getByRole('navigation', {name: 'Main'})).toBeVisible()
      await expect(page.getByRole('link', {name: 'Latest posts'})).toHaveAttribute('href', '/')
    })
  }
})

test('a favicon is served and every page declares an icon (#16.10)', async ({page, request}) => {
  const favicon = await request.get('/favicon.ico')
  expect(favicon.status()).toBe(200)
  expect(favicon.headers()['content-type']).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/)
  for (const url of ['/', REFERENCE_PATH, '/no-such-page']) {
    await page.goto(url)
    const href = await page.locator('link[rel="icon"]').first().getAttribute('href')
    expect(href).toBeTruthy()
    expect((await request.get(href!)).status()).toBe(200)
  }
})

/** The Nu HTML Checker (vnu-jar, offline) needs Java: CI installs default-jre-headless (.ci/run). */
async function javaAvailable(): Promise<boolean> {
  try {
    await run('java', ['-version'])
    return true
  } catch {
    return false
  }
}

test('home, the reference post, search, contact and 404 pass the Nu HTML Checker (#16.10)', async ({request}) => {
  test.skip(!(await javaAvailable()), 'no Java on this machine: the Nu HTML Checker (vnu.jar) cannot run')
  test.setTimeout(180_000)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nu-'))
  const pages = {home: '/', post: REFERENCE_PATH, search: '/search?q=maduro', contact: '/contact', missing: '/posts/no-such-post'}
  for (const [name, url] of Object.entries(pages)) {
    fs.writeFileSync(path.join(dir, `${name}.html`), await (await request.get(url)).text())
  }
  const vnu = path.join(path.dirname(createRequire(import.meta.url).resolve('vnu-jar')), 'build', 'dist', 'vnu.jar')
  const result = await run('java', ['-jar', vnu, '--format', 'json', '--exit-zero-always', '--errors-only', dir], {maxBuffer: 16 * 1024 * 1024})
  const messages = (JSON.parse(result.stderr || '{"messages":[]}') as {messages: {url: string; message: string; extract?: string}[]}).messages
  expect(messages.map((m) => `${path.basename(m.url)}: ${m.message}`)).toEqual([])
})

test('blockquotes read like the text around them, and consecutive quotes form one passage (#16.11)', async ({page}) => {
  await page.goto(REFERENCE_PATH)
  const styles = await page.evaluate(() => {
    const quote = document.querySelector('article blockquote')!
    const paragraph = document.querySelector('article .prose > p')!
    const quotes = [...document.querySelectorAll('article blockquote')]
    const joined = quotes.filter((q) => q.nextElementSibling?.tagName === 'BLOCKQUOTE')
    return {
      quoteColor: getComputedStyle(quote).color,
      bodyColor: getComputedStyle(paragraph).color,
      border: getComputedStyle(quote).borderLeftWidth,
      gaps: joined.map((q) => q.nextElementSibling!.getBoundingClientRect().top - q.getBoundingClientRect().bottom),
    }
  })
  expect(styles.quoteColor).toBe(styles.bodyColor)
  expect(parseFloat(styles.border)).toBeGreaterThanOrEqual(3)
  expect(styles.gaps.length).toBeGreaterThan(0)
  for (const gap of styles.gaps) expect(Math.abs(gap)).toBeLessThan(1)
})

test('a post without pingbacks has no empty band above Contact (#16.12)', async ({page}) => {
  await page.goto('/')
  // The newest demo post has no pingbacks.
  const href = await page.locator('main article h2 a').first().getAttribute('href')
  await page.goto(href!)
  await expect(page.locator('section[aria-labelledby^="contact-heading"]')).toBeVisible()
  await expect(page.locator('section[aria-labelledby="pingbacks-heading"]')).toHaveCount(0)
  const gap = await page.evaluate(() => {
    const contact = document.querySelector('section[aria-labelledby^="contact-heading"]')!
    const above = [...document.querySelectorAll('main article, main aside')].at(-1)!
    return contact.getBoundingClientRect().top - above.getBoundingClientRect().bottom
  })
  expect(gap).toBeLessThanOrEqual(64)
})

test.describe('on a 375 px phone (#16.13)', () => {
  test.use({viewport: {width: 375, height: 740}})

  test('the header is compact, the navigation one line, the current section marked', async ({page}) => {
    await page.goto('/category/politics')
    const header = await page.locator('body > header, header').first().boundingBox()
    expect(header!.height).toBeLessThanOrEqual(130)
    const items = page.getByRole('navigation', {name: 'Main'}).getByRole('listitem')
    const tops = new Set((await items.evaluateAll((lis) => lis.map((li) => Math.round(li.getBoundingClientRect().top)))))
    expect(tops.size).toBe(1)
    await expect(page.getByRole('navigation', {name: 'Main'}).getByRole('link', {name: 'Politics'})).toHaveAttribute('aria-current', 'page')
    await expect(page.getByRole('navigation', {name: 'Main'}).locator('[aria-current="page"]')).toHaveCount(1)
  })

  test('the post meta never leaves a separator at the end of a line', async ({page}) => {
    await page.goto(REFERENCE_PATH)
    const lines = await page.locator('article header .eyebrow p').allInnerTexts()
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) expect(line.trim()).not.toMatch(/·$|^·/)
    const meta = await page.locator('article header .eyebrow p').evaluateAll((ps) => ps.map((p) => p.getClientRects().length))
    // Each line is one line box: nothing wraps at 375 px.
    expect(meta.every((rects) => rects === 1)).toBe(true)
  })
})

test('headlines use the self-hosted serif, loaded from the site itself (#16.14)', async ({page, baseURL}) => {
  const fonts: string[] = []
  page.on('request', (request) => {
    if (request.resourceType() === 'font') fonts.push(request.url())
  })
  await page.goto(REFERENCE_PATH)
  await page.evaluate(() => document.fonts.ready)
  const family = await page.locator('h1').evaluate((h1) => getComputedStyle(h1).fontFamily)
  expect(family).toMatch(/sourceSerif|Source Serif|source_serif/i)
  expect(await page.evaluate(() => [...document.fonts].some((font) => font.status === 'loaded' && /serif/i.test(font.family)))).toBe(true)
  expect(fonts.length).toBeGreaterThan(0)
  for (const url of fonts) expect(url.startsWith(baseURL!)).toBe(true)
})
