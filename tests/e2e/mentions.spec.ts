/**
 * Pingbacks and Webmentions end to end, against the e2e server (real lake seeded with the demo,
 * real Next.js): the demo post shows its pingback; post pages advertise the receivers; a real
 * webmention from a local "other blog" is verified by the site, stays hidden while pending and
 * appears once approved. Approval goes through @sanity/client (the same patch the Studio's Approve
 * action makes) followed by the moderation revalidation call the Studio action makes.
 */
import http from 'node:http'
import {expect, test} from '@playwright/test'
import {lakeClient, lakeToken} from './lake-client'
import {PINGING_POST_SLUG, REFERENCE_POST_SLUG} from '@/lib/seed/demo'

const token = lakeToken

const referencePath = `/posts/${REFERENCE_POST_SLUG}`

test('the demo post shows its pingback: title as the link, then site and date', async ({page}) => {
  await page.goto(referencePath)
  const section = page.locator('section[aria-labelledby="pingbacks-heading"]')
  await expect(section).toBeVisible()
  const item = section.locator('li').filter({hasText: 'Confessed and Convicted'})
  await expect(item).toHaveText('09.09.18: Confessed and ConvictedIn Venezuela · September 9, 2018')
  await expect(item.locator('a')).toHaveAttribute('href', new RegExp(`/posts/${PINGING_POST_SLUG}$`))
})

test('post pages advertise the pingback and webmention endpoints', async ({page, request, baseURL}) => {
  const response = await request.get(referencePath)
  expect(response.status()).toBe(200)
  expect(response.headers()['x-pingback']).toMatch(/\/xmlrpc$/)
  expect(response.headers()['link']).toMatch(/<[^>]+\/webmention>; rel="webmention"/)
  await page.goto(referencePath)
  await expect(page.locator('head link[rel="pingback"]')).toHaveAttribute('href', /\/xmlrpc$/)
  await expect(page.locator('head link[rel="webmention"]')).toHaveAttribute('href', /\/webmention$/)
  expect(baseURL).toBeTruthy()
})

test('a webmention is verified, hidden while pending, shown once approved', async ({page, request, baseURL}) => {
  const target = `${baseURL}${referencePath}`
  const title = `A reply from the e2e blog ${Date.now()}`
  const blog = http.createServer((_req, res) => {
    res.writeHead(200, {'content-type': 'text/html; charset=utf-8'})
    res.end(`<!doctype html><html><head><title>${title}</title><meta property="og:site_name" content="E2E Blog"></head>
      <body><p>I agree with <a href="${target}">this post</a>.</p></body></html>`)
  })
  await new Promise<void>((resolve) => blog.listen(0, '127.0.0.1', resolve))
  const source = `http://127.0.0.1:${(blog.address() as {port: number}).port}/reply`
  const client = lakeClient()
  try {
    const accepted = await request.post('/webmention', {form: {source, target}})
    expect(accepted.status()).toBe(202)

    // The site fetched our blog and stored a pending mention.
    await expect
      .poll(() => client.fetch(`*[_type == "pingback" && sourceUrl == $source][0]{status, sourceTitle, sourceSite}`, {source}), {timeout: 20_000})
      .toEqual({status: 'pending', sourceTitle: title, sourceSite: 'E2E Blog'})

    await page.goto(referencePath)
    await expect(page.getByTestId('pingbacks').getByRole('link', {name: '09.09.18: Confessed and Convicted', exact: true})).toBeVisible()
    await expect(page.getByText(title)).toHaveCount(0)

    // Approve as the Studio does: patch the live-edit document, then ask the site to revalidate.
    const id = await client.fetch<string>(`*[_type == "pingback" && sourceUrl == $source][0]._id`, {source})
    await client.patch(id).set({status: 'approved'}).commit()
    const revalidated = await request.post('/api/webhooks/mentions/moderated', {
      headers: {authorization: `Bearer ${token()}`},
      data: {id},
    })
    expect(revalidated.status()).toBe(200)

    await expect(async () => {
      await page.goto(referencePath)
      await expect(page.getByRole('link', {name: title, exact: true})).toBeVisible({timeout: 1_000})
    }).toPass({timeout: 15_000})
    await expect(page.locator('section[aria-labelledby="pingbacks-heading"] li').filter({hasText: title})).toContainText(`${title}Webmention · E2E Blog · `)
  } finally {
    // Hide it again (and tell the site) before deleting, so other specs see the demo post as seeded.
    const ids = await client.fetch<string[]>(`*[_type == "pingback" && sourceUrl == $source]._id`, {source})
    for (const id of ids) {
      await client.patch(id).set({status: 'spam'}).commit()
      await request.post('/api/webhooks/mentions/moderated', {headers: {authorization: `Bearer ${token()}`}, data: {id}})
      await client.delete(id)
    }
    blog.closeAllConnections()
    blog.close()
  }
})
