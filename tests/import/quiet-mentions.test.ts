/**
 * Importing through a running lake must not ping the web for old posts (issue #14): the lake fires
 * the site's mentions webhook for every published post the import writes, and the importer's
 * `mentionSent` records (lib/import/wordpress/mentions.ts) make the site's sender treat the post's
 * links as already notified. A post published by hand with the same kind of link is notified (the
 * pipeline works), and a link an editor adds to an imported post later is notified too.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'
import {createToken, startLake, type RunningLake} from '@/lib/lake/server'
import {importWordPress} from '@/lib/import/wordpress'
import {clientSink} from '@/lib/import/wordpress/sink/client'
import {block, htmlPage, post, serve, startOtherBlog, TEST_SECRET, type HttpServer, type OtherBlog} from '../mentions/harness'

let dataDir: string
let lake: RunningLake
let site: HttpServer
let other: OtherBlog
let token: string
let handler: ((request: Request) => Promise<Response>) | null = null

const exportXml = (otherUrl: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">
<channel><title>Old</title><link>https://old.example.com</link><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example.com</wp:base_site_url>
<item><title>Old post</title><link>https://old.example.com/2010/01/old-post/</link><dc:creator><![CDATA[ann]]></dc:creator>
<content:encoded><![CDATA[Read <a href="${otherUrl}/wm-post">this</a> and <a href="${otherUrl}/wm-other/#frag">that</a>.]]></content:encoded>
<wp:post_id>5</wp:post_id><wp:post_date_gmt>2010-01-02 10:00:00</wp:post_date_gmt><wp:post_name>old-post</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>`

const webmentionsTo = () => other.requests.filter((r) => r.method === 'POST' && r.path === '/endpoint').map((r) => new URLSearchParams(r.body).get('target'))

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-quiet-'))
  other = await startOtherBlog({
    '/wm-post': () => ({headers: {link: '</endpoint>; rel="webmention"'}, body: htmlPage('WM', '<p>hi</p>')}),
    '/wm-other/': () => ({headers: {link: '</endpoint>; rel="webmention"'}, body: htmlPage('WM2', '<p>hi</p>')}),
    '/wm-new': () => ({headers: {link: '</endpoint>; rel="webmention"'}, body: htmlPage('WM3', '<p>hi</p>')}),
    '/endpoint': () => ({status: 202, body: 'accepted'}),
  })
  site = await serve(async (request) => (handler ? handler(request) : new Response('starting', {status: 503})))
  lake = await startLake({dataDir, port: 0, httpPort: 0, logger: () => {}, webhooks: [{url: `${site.url}/api/webhooks/mentions`, secret: TEST_SECRET}]})
  token = createToken(dataDir, {role: 'editor', label: 'quiet-test'})
  Object.assign(process.env, {
    LAKE_HTTP_PORT: String(lake.httpPort),
    NEXT_PUBLIC_LAKE_PORT: String(lake.port),
    SANITY_API_READ_TOKEN: token,
    SANITY_API_WRITE_TOKEN: token,
    SANITY_REVALIDATE_SECRET: TEST_SECRET,
    NEXT_PUBLIC_SITE_URL: site.url,
    MENTIONS_ALLOW_PRIVATE_NETWORKS: '1',
  })
  vi.resetModules()
  const route = await import('@/app/api/webhooks/mentions/route')
  handler = (request) => (request.method === 'POST' ? route.POST(request) : Promise.resolve(new Response(null, {status: 405})))
})

afterAll(async () => {
  const {settleBackgroundWork} = await import('@/lib/mentions/freshness')
  await settleBackgroundWork().catch(() => {})
  await lake?.close()
  await site?.close()
  await other?.close()
  fs.rmSync(dataDir, {recursive: true, force: true})
})

async function settle() {
  await lake.webhooksIdle()
  const {settleBackgroundWork} = await import('@/lib/mentions/freshness')
  await settleBackgroundWork()
}

describe('an import through a running lake is quiet', () => {
  it('sends no pingback or Webmention for imported posts, but does for new posts and new links', async () => {
    const file = path.join(dataDir, 'export.xml')
    fs.writeFileSync(file, exportXml(other.url))
    const sink = clientSink({description: 'test lake', projectId: 'dispatch', dataset: 'production', apiVersion: '2025-02-19', token, apiHost: lake.httpUrl})
    const {summary} = await importWordPress({file, sink, siteUrl: site.url})
    expect(summary.toJSON()).toMatchObject({counts: {posts: {imported: 1}}})

    const {createClient} = await import('@sanity/client')
    const client = createClient({projectId: 'dispatch', dataset: 'production', apiVersion: '2025-02-19', apiHost: lake.httpUrl, useProjectHostname: false, useCdn: false, token, perspective: 'raw'})
    const postId = (await client.fetch<string>(`*[_type == "post" && slug.current == "old-post"][0]._id`))!
    const records = await client.fetch<{targetUrl: string; state: string; method: string}[]>(`*[_type == "mentionSent" && postId == $postId] | order(targetUrl){targetUrl, state, method}`, {postId})
    expect(records).toEqual([
      {targetUrl: `${other.url}/wm-other/`, state: 'sent', method: 'pingback'},
      {targetUrl: `${other.url}/wm-post`, state: 'sent', method: 'pingback'},
    ])

    // Control: a post published by hand with a link is notified through the same webhook.
    await client.createOrReplace(post('fresh', {body: [block('f0', 'New:', [{text: 'link', href: `${other.url}/wm-post`}])]}) as {_id: string; _type: string}, {visibility: 'sync'})
    await settle()
    expect(webmentionsTo()).toEqual([`${other.url}/wm-post`])

    // An editor adds a link to the imported post: only that new link is notified.
    const imported = (await client.getDocument(postId))!
    await client.createOrReplace({...imported, body: [...(imported.body as unknown[]), block('n0', 'Added:', [{text: 'new', href: `${other.url}/wm-new`}])]}, {visibility: 'sync'})
    await settle()
    expect(webmentionsTo()).toEqual([`${other.url}/wm-post`, `${other.url}/wm-new`])
    expect(other.requests.filter((r) => r.path.startsWith('/wm-other'))).toEqual([])

    // Undo through the running lake (history API): a re-import is reverted to the edited post.
    const {undoWordPressImport} = await import('@/lib/import/wordpress')
    const {siteKey} = await import('@/lib/import/wordpress/ids')
    const again = await importWordPress({file, sink, siteUrl: site.url})
    expect(((await client.getDocument(postId))!.body as unknown[]).length).toBe(1)
    const undo = await undoWordPressImport(sink, siteKey('https://old.example.com'), again.summary.runId)
    expect(undo).toMatchObject({found: true, scope: 'run', missingHistory: []})
    expect(((await client.getDocument(postId))!.body as unknown[]).length).toBe(2)
    expect(await undoWordPressImport(sink, siteKey('https://old.example.com'))).toMatchObject({found: true, scope: 'all'})
    expect(await client.getDocument(postId)).toBeUndefined()
    await settle()
  })
})
