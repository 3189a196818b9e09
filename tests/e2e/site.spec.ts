/**
 * The reader site end to end: the real site (scripts/test-server.ts) against a real local lake
 * seeded with the demo content. Content changes go through @sanity/client with the site's token,
 * like an editor's publish; the lake's signed webhook revalidates the site's cache tags.
 */
import AxeBuilder from '@axe-core/playwright'
import {stegaClean} from '@sanity/client/stega'
import {createPreviewSecret} from '@sanity/preview-url-secret/create-secret'
import {expect, test, type Page, type TestInfo} from '@playwright/test'
import {lakeClient} from './lake-client'
import {vercelStegaDecode} from '@vercel/stega'

const REFERENCE_SLUG = 'nyt-white-house-secret-meetings-venezuelan-officers-coup'
const REFERENCE_TITLE = 'NYT: White House Held Secret Meetings with Venezuelan Officers Plotting a Coup'
const PINGING_SLUG = '09-09-18-confessed-and-convicted'


/** A post document for tests, unique per run so reruns against a reused server never collide. */
function testPost(label: string, publishedAt: string) {
  const slug = `e2e-${label}-${Date.now().toString(36)}`
  return {
    _id: `post-${slug}`,
    _type: 'post',
    title: `E2E ${label} ${slug.slice(-6)}`,
    slug: {_type: 'slug', current: slug},
    excerpt: `A ${label} post made by the site end-to-end test.`,
    publishedAt,
    author: {_type: 'reference', _ref: 'author-daniel-rios'},
    body: [{_type: 'block', _key: 'b1', style: 'normal', markDefs: [], children: [{_type: 'span', _key: 's1', text: `Body of the ${label} post.`, marks: []}]}],
  }
}

async function screenshots(page: Page, testInfo: TestInfo, name: string) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({colorScheme: scheme})
    for (const width of [375, 1280]) {
      await page.setViewportSize({width, height: 900})
      await testInfo.attach(`${name}-${width}px-${scheme}`, {body: await page.screenshot({fullPage: true}), contentType: 'image/png'})
    }
  }
  await page.emulateMedia({colorScheme: 'light'})
}

test.describe('reader site', () => {
  test('the reference post is rendered faithfully', async ({page}, testInfo) => {
    const response = await page.goto(`/posts/${REFERENCE_SLUG}`)
    expect(response?.status()).toBe(200)
    await expect(page.getByRole('heading', {level: 1})).toHaveText(REFERENCE_TITLE)
    await expect(page).toHaveTitle(new RegExp(REFERENCE_TITLE.slice(0, 30)))

    const article = page.locator('article').first()
    await expect(article.locator('time').first()).toHaveAttribute('datetime', '2018-09-08T22:15:00.000Z')
    await expect(article.getByText('The New York Times published an article today', {exact: false})).toBeVisible()

    // Quoted passages of the original are real <blockquote>s, and narration is not.
    const quotes = article.locator('blockquote')
    await expect(quotes.filter({hasText: 'But as the humanitarian crisis in Venezuela worsened last year'})).toHaveCount(1)
    await expect(quotes.filter({hasText: 'After the first meeting, which took place in the fall of 2017'})).toHaveCount(1)
    await expect(quotes.filter({hasText: 'The American diplomat then met the coup plotters a third time'})).toHaveCount(1)
    await expect(quotes.filter({hasText: 'The Maduro regime has long maintained'})).toHaveCount(0)

    // Author, categories, tags, reading time.
    await expect(article.getByRole('link', {name: 'Daniel Ríos'}).first()).toHaveAttribute('href', '/author/daniel-rios')
    await expect(article.getByRole('link', {name: 'Politics'}).first()).toHaveAttribute('href', '/category/politics')
    await expect(article.getByRole('link', {name: '#Maduro'})).toHaveAttribute('href', '/tag/maduro')
    await expect(article.getByText(/\d+ min read/)).toBeVisible()

    // Contact section: the blurb and a mailto link.
    const contact = page.locator('section[aria-labelledby^="contact-heading"]')
    await expect(contact).toContainText('Questions/Comments? E-mail me:')
    await expect(contact.locator('a[href="mailto:invenezuelablog@gmail.com"]')).toHaveText('invenezuelablog@gmail.com')

    // Pingback section right after the text: the source's title as the link, then its site and date.
    const pingbacks = page.locator('section[aria-labelledby^="pingbacks-heading"]')
    await expect(pingbacks.getByRole('heading', {level: 2})).toHaveText('Pingbacks')
    const source = pingbacks.getByRole('link', {name: '09.09.18: Confessed and Convicted', exact: true})
    await expect(source).toHaveAttribute('href', new RegExp(`/posts/${PINGING_SLUG}$`))
    await expect(pingbacks.locator('li')).toHaveText(['09.09.18: Confessed and ConvictedIn Venezuela · September 9, 2018'])
    // Before "More posts" and the related posts, not after them.
    const order = await page.evaluate(() =>
      ['section[aria-labelledby="pingbacks-heading"]', 'nav[aria-label="More posts"]', '#related-heading'].map((selector) => {
        const element = document.querySelector(selector)
        return element ? element.getBoundingClientRect().top + window.scrollY : null
      }),
    )
    expect(order.filter((top): top is number => top !== null)).toEqual([...order.filter((top): top is number => top !== null)].sort((a, b) => a - b))

    // SEO: canonical, Open Graph, JSON-LD BlogPosting + BreadcrumbList, feed autodiscovery.
    await expect(page.locator('link[rel="canonical"]')).toHaveAttribute('href', new RegExp(`/posts/${REFERENCE_SLUG}$`))
    await expect(page.locator('meta[property="og:type"]')).toHaveAttribute('content', 'article')
    const ogImage = await page.locator('meta[property="og:image"]').getAttribute('content')
    const og = await page.request.get(ogImage!)
    expect(og.status()).toBe(200)
    expect(og.headers()['content-type']).toBe('image/png')
    const jsonLd = await page.locator('script[type="application/ld+json"]').allTextContents()
    const types = jsonLd.map((text) => JSON.parse(text)['@type'])
    expect(types).toEqual(expect.arrayContaining(['BlogPosting', 'BreadcrumbList']))
    await expect(page.locator('link[rel="alternate"][type="application/rss+xml"]').first()).toHaveAttribute('href', '/feed.xml')
    await expect(page.locator('html')).toHaveAttribute('lang', 'en')

    await screenshots(page, testInfo, 'reference-post')
  })

  test('navigation: home → page 2 → post → category → tag → author → archive → search', async ({page}, testInfo) => {
    await page.goto('/')
    await expect(page.locator('main article').first()).toBeVisible()
    await screenshots(page, testInfo, 'home')

    await page.getByRole('link', {name: 'Older posts'}).click()
    await expect(page).toHaveURL(/\/page\/2$/)
    await expect(page.getByText(/Page 2 of \d+/).first()).toBeVisible()

    const firstPost = page.locator('main article h2 a').first()
    const postTitle = (await firstPost.textContent())!.trim()
    await firstPost.click()
    await expect(page).toHaveURL(/\/posts\//)
    await expect(page.getByRole('heading', {level: 1})).toHaveText(postTitle)

    await page.goto(`/posts/${REFERENCE_SLUG}`)
    await page.locator('article').first().getByRole('link', {name: 'Politics'}).first().click()
    await expect(page).toHaveURL(/\/category\/politics$/)
    await expect(page.getByRole('heading', {level: 1})).toHaveText('Politics')
    await expect(page.locator('main article').first()).toBeVisible()

    await page.goto(`/posts/${REFERENCE_SLUG}`)
    await page.getByRole('link', {name: '#Maduro'}).click()
    await expect(page).toHaveURL(/\/tag\/maduro$/)
    await expect(page.getByRole('heading', {level: 1})).toHaveText('#Maduro')
    // Topic feed autodiscovery next to the site-wide feeds.
    await expect(page.locator('link[rel="alternate"][type="application/rss+xml"][href$="/tag/maduro/feed.xml"]')).toHaveCount(1)
    await expect(page.getByRole('link', {name: REFERENCE_TITLE})).toBeVisible()

    await page.getByRole('link', {name: 'Daniel Ríos'}).first().click()
    await expect(page).toHaveURL(/\/author\/daniel-rios$/)
    await expect(page.getByRole('heading', {level: 1})).toHaveText('Daniel Ríos')

    await page.getByRole('navigation', {name: 'Main'}).getByRole('link', {name: 'Archive'}).click()
    await expect(page).toHaveURL(/\/archive$/)
    await page.getByRole('link', {name: 'September'}).first().click()
    await expect(page).toHaveURL(/\/archive\/2018\/09$/)
    await expect(page.getByRole('heading', {level: 1})).toHaveText('September 2018')
    await expect(page.getByRole('link', {name: REFERENCE_TITLE})).toBeVisible()

    await page.getByRole('searchbox', {name: 'Search posts'}).first().fill('secret meetings')
    await page.getByRole('button', {name: 'Search'}).first().click()
    await expect(page).toHaveURL(/\/search\?q=secret\+meetings$/)
    await expect(page.getByRole('link', {name: REFERENCE_TITLE})).toBeVisible()
    await screenshots(page, testInfo, 'search')
  })

  test('search echoes the query safely and bounds the input', async ({page}) => {
    let dialog = false
    page.on('dialog', (d) => {
      dialog = true
      void d.dismiss()
    })
    await page.goto(`/search?q=${encodeURIComponent('<img src=x onerror=alert(1)>"venezuela')}`)
    await expect(page.getByTestId('search-summary')).toContainText('<img src=x onerror=alert(1)>"venezuela')
    expect(await page.locator('main img[src="x"]').count()).toBe(0)
    expect(dialog).toBe(false)
    const long = await page.request.get(`/search?q=${'a'.repeat(5000)}`)
    expect(long.status()).toBe(200)
  })

  test('a future-dated post is invisible to readers', async ({page, request}) => {
    const client = lakeClient()
    const post = testPost('future', new Date(Date.now() + 7 * 86_400_000).toISOString())
    await client.create(post)
    try {
      const postPage = await request.get(`/posts/${post.slug.current}`)
      expect(postPage.status()).toBe(404)
      await page.goto('/')
      await expect(page.locator('main')).not.toContainText(post.title)
      await page.goto(`/search?q=${encodeURIComponent(post.title)}`)
      await expect(page.getByTestId('search-summary')).toContainText('No posts match')
      await expect(page.getByRole('link', {name: post.title})).toHaveCount(0)
      const sitemap = await (await request.get('/sitemap.xml')).text()
      expect(sitemap).not.toContain(post.slug.current)
    } finally {
      await client.delete(post._id)
    }
  })

  test('a draft is visible only in draft mode, and a saved edit shows in its preview by itself (#16.3)', async ({page, browser, request}, testInfo) => {
    const client = lakeClient()
    const post = testPost('draft', new Date(Date.now() - 60_000).toISOString())
    const draftId = `drafts.${post._id}`
    await client.create({...post, _id: draftId})
    try {
      expect((await request.get(`/posts/${post.slug.current}`)).status()).toBe(404)

      // Entering draft mode needs a valid preview secret (what the Studio's Presentation tool creates).
      const invalid = await request.get(`/api/draft-mode/enable?sanity-preview-secret=nope&sanity-preview-pathname=/`, {maxRedirects: 0})
      expect(invalid.status()).toBe(401)
      const {secret} = await createPreviewSecret(client, 'e2e', 'http://localhost/studio')
      // Draft pages are uncached renders: their links do not prefetch (each would be another render
      // competing with the refresh the editor waits for). Readers' links do.
      const prefetches: string[] = []
      page.on('request', (request) => {
        if (request.headers()['next-router-prefetch']) prefetches.push(request.url())
      })
      await page.goto(`/api/draft-mode/enable?sanity-preview-secret=${secret}&sanity-preview-pathname=/posts/${post.slug.current}`)
      await expect(page).toHaveURL(new RegExp(`/posts/${post.slug.current}`))
      await expect(page.getByRole('heading', {level: 1})).toContainText(post.title)
      await expect(page.getByText('Preview mode')).toBeVisible()
      // Click-to-edit: in draft mode text carries stega edit links (from the lake's Content Source
      // Maps) naming its document and field, which the Presentation overlays read.
      const heading = (await page.getByRole('heading', {level: 1}).textContent()) ?? ''
      expect(stegaClean(heading)).toBe(post.title)
      const titleLink = (vercelStegaDecode(heading) as {href?: string} | undefined)?.href ?? ''
      expect(titleLink).toContain(`id=${post._id}`)
      expect(titleLink).toContain('path=title')
      const paragraph = (await page.getByText('Body of the draft post.').textContent()) ?? ''
      expect((vercelStegaDecode(paragraph) as {href?: string} | undefined)?.href ?? '').toContain('path=body')

      // The preview follows the lake's draft events by itself (no Studio here, no click): a saved
      // edit shows within 2 s, through the site's relay, so the page holds no token.
      await page.evaluate(() => ((window as unknown as {__sameDocument: boolean}).__sameDocument = true))
      const editedTitle = `${post.title} (edited)`
      await client.patch(draftId).set({title: editedTitle}).commit()
      const editedAt = Date.now()
      await expect(page.getByRole('heading', {level: 1})).toContainText(editedTitle, {timeout: 2_000})
      testInfo.annotations.push({type: 'draft edit visible after', description: `${Date.now() - editedAt} ms`})
      expect(await page.evaluate(() => (window as unknown as {__sameDocument?: boolean}).__sameDocument)).toBe(true)
      const token = process.env.E2E_LAKE_TOKEN ?? ''
      expect(token).not.toBe('')
      expect(await page.content()).not.toContain(token)
      // Without the draft-mode cookie the relay refuses (the lake's draft events are not public).
      const anonymous = await request.get('/api/draft-mode/live')
      expect(anonymous.status()).toBe(401)
      expect(prefetches).toEqual([])

      // Another reader (no draft-mode cookie) still gets a 404, and the draft did not leak into the cache.
      const reader = await browser.newContext()
      const readerPage = await reader.newPage()
      const readerResponse = await readerPage.goto(`/posts/${post.slug.current}`)
      expect(readerResponse?.status()).toBe(404)
      let readerPrefetches = 0
      readerPage.on('request', (request) => {
        if (request.headers()['next-router-prefetch']) readerPrefetches++
      })
      await readerPage.goto('/')
      await expect(readerPage.locator('main')).not.toContainText(post.title)
      await expect.poll(() => readerPrefetches).toBeGreaterThan(0)
      await reader.close()

      // Readers never get edit attributes or stega.
      const publishedPage = await browser.newContext()
      const plain = await publishedPage.newPage()
      await plain.goto(`/posts/${REFERENCE_SLUG}`)
      await expect(plain.getByRole('heading', {level: 1})).toHaveText(REFERENCE_TITLE)
      await expect(plain.locator('[data-sanity]')).toHaveCount(0)
      expect(vercelStegaDecode((await plain.getByRole('heading', {level: 1}).textContent()) ?? '')).toBeUndefined()
      await publishedPage.close()

      await page.getByTestId('exit-preview').click()
      await expect(page).toHaveURL(/\/$/)
      await expect(page.getByText('Preview mode')).toHaveCount(0)
      expect((await page.goto(`/posts/${post.slug.current}`))?.status()).toBe(404)
    } finally {
      await client.delete(draftId)
    }
  })

  test('a publish shows on home and post page within 2 s, without a rebuild', async ({request}) => {
    const client = lakeClient()
    // Warm the caches first, so the test measures invalidation and not first compilation.
    expect((await request.get('/')).status()).toBe(200)
    const post = testPost('publish', new Date(Date.now() - 60_000).toISOString())
    expect((await request.get(`/posts/${post.slug.current}`)).status()).toBe(404)

    const started = Date.now()
    await client.create(post)
    try {
      await expect
        .poll(async () => (await (await request.get('/')).text()).includes(post.title), {timeout: 2_000, intervals: [100]})
        .toBe(true)
      await expect
        .poll(async () => (await request.get(`/posts/${post.slug.current}`)).status(), {timeout: Math.max(100, 2_000 - (Date.now() - started)), intervals: [100]})
        .toBe(200)
      expect(Date.now() - started).toBeLessThan(2_000)

      // Unpublishing (deleting) takes it away again just as fast.
      await client.delete(post._id)
      await expect
        .poll(async () => (await request.get(`/posts/${post.slug.current}`)).status(), {timeout: 2_000, intervals: [100]})
        .toBe(404)
    } finally {
      await client.delete(post._id).catch(() => {})
    }
  })

  test('unknown slugs answer 404 with the styled page', async ({page, request}) => {
    for (const path of ['/posts/does-not-exist', '/category/nope', '/tag/nope', '/author/nope', '/archive/1999/01', '/archive/2018/13', '/page/9999', '/page/abc', '/no/such/page']) {
      const response = await request.get(path)
      expect(response.status(), path).toBe(404)
    }
    await page.goto('/posts/does-not-exist')
    await expect(page.getByRole('heading', {level: 1})).toHaveText('Page not found')
    await expect(page.getByRole('navigation', {name: 'Main'})).toBeVisible()
  })

  test('revalidate webhook rejects unsigned or malformed calls', async ({request}) => {
    const unsigned = await request.post('/api/revalidate', {data: {_id: 'x', _type: 'post'}})
    expect(unsigned.status()).toBe(401)
    const badSignature = await request.post('/api/revalidate', {
      data: {_id: 'x', _type: 'post'},
      headers: {'sanity-webhook-signature': 't=1,v1=bogus'},
    })
    expect(badSignature.status()).toBe(401)
    // Unsigned: refused before its body is read at all.
    const hugeUnsigned = await request.post('/api/revalidate', {data: 'x'.repeat(100_000), headers: {'content-type': 'application/json'}})
    expect(hugeUnsigned.status()).toBe(401)
    // With a current-looking signature the body is read, up to the cap.
    const huge = await request.post('/api/revalidate', {
      data: 'x'.repeat(100_000),
      headers: {'content-type': 'application/json', 'sanity-webhook-signature': `t=${Date.now()},v1=${'A'.repeat(43)}`},
    })
    expect(huge.status()).toBe(413)
  })

  test('sitemap and robots', async ({request}) => {
    const sitemap = await request.get('/sitemap.xml')
    expect(sitemap.status()).toBe(200)
    const xml = await sitemap.text()
    expect(xml).toContain(`/posts/${REFERENCE_SLUG}</loc>`)
    expect(xml).toContain('/category/politics</loc>')
    const robots = await (await request.get('/robots.txt')).text()
    expect(robots).toMatch(/Disallow: \/studio/)
    expect(robots).toMatch(/Sitemap: .*\/sitemap\.xml/)
  })

  for (const [name, path] of [
    ['home', '/'],
    ['post', `/posts/${REFERENCE_SLUG}`],
    ['search', '/search?q=venezuela'],
  ] as const) {
    test(`accessibility: no serious or critical axe violations on ${name}`, async ({page}) => {
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({colorScheme: scheme})
        await page.goto(path)
        const results = await new AxeBuilder({page}).exclude('nextjs-portal').analyze()
        const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        expect(serious.map((v) => `${scheme}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
      }
    })
  }
})
