/**
 * The write stage end to end on a real engine in a temp data directory: what lands in the lake,
 * re-runs that update instead of duplicating, --drafts, --dry-run, images from --uploads, undo.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {importWordPress, undoWordPressImport, dryRunSink, type ImportSink} from '@/lib/import/wordpress'
import {engineSink} from '@/lib/import/wordpress/sink/engine'
import {siteKey} from '@/lib/import/wordpress/ids'

const fixture = path.join(import.meta.dirname, 'fixtures', 'blog.xml')
const SITE = 'https://new.example.org'
let dataDir: string
let sink: ImportSink

function open() {
  return engineSink({dataDir, dataset: 'production', projectId: 'dispatch', origin: 'http://127.0.0.1:1'})
}

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-import-'))
  sink = open()
})
afterEach(async () => {
  await sink.close()
  fs.rmSync(dataDir, {recursive: true, force: true})
})

async function all<T = Record<string, unknown>>(groq: string, params: Record<string, unknown> = {}) {
  return sink.query<T[]>(groq, params)
}

describe('WordPress import into the lake', () => {
  it('imports posts, pages, people, terms, pingbacks, comments and redirects with every field', async () => {
    const {summary} = await importWordPress({file: fixture, sink, siteUrl: SITE})
    const counts = summary.toJSON().counts
    expect(counts.posts).toMatchObject({imported: 4, skipped: {'in the WordPress trash': 1}})
    expect(counts.pages.imported).toBe(2)
    expect(counts.pingbacks).toMatchObject({imported: 1, skipped: {'marked as spam in WordPress': 1}})
    expect(counts.trackbacks.imported).toBe(1)
    expect(counts.comments.imported).toBe(2)
    expect(summary.totalFailed).toBe(0)

    const site = siteKey('https://blog.example.com')
    const [post] = await all(`*[_id == $id]{..., "author": author->name, "categories": categories[]->{title, "parent": parent->title}, "tags": tags[]->title}`, {id: `wp-${site}-post-101`})
    expect(post).toMatchObject({
      title: 'Hello Caracas',
      slug: {current: 'hello-caracas'},
      publishedAt: '2009-03-05T12:00:00.000Z',
      author: 'María Pérez',
      categories: [{title: 'World', parent: 'News'}],
      tags: ['Economy', 'Undeclared Tag'],
      sticky: true,
      pingsOpen: true,
      seoDescription: 'A first look at Caracas.',
      excerpt: 'The first paragraph, with bold and italic and a link to the about page. A line break here.',
    })
    // The internal link points to the page's new path.
    expect(JSON.stringify(post.body)).toContain('"href":"/about"')

    const drafts = await all<{_id: string; title: string}>(`*[_type == "post" && _id in path("drafts.**")]{_id, title}`)
    expect(drafts.map((d) => d.title)).toEqual(['Work in progress'])
    const [scheduled] = await all<{publishedAt: string}>(`*[_id == $id]`, {id: `wp-${site}-post-104`})
    expect(scheduled.publishedAt).toBe('2099-01-01T00:00:00.000Z')

    const pages = await all<{title: string; path: string}>(`*[_type == "page"] | order(path asc){title, path}`)
    expect(pages).toEqual([{title: 'About', path: '/about'}, {title: 'Team', path: '/about/team'}])

    const pingbacks = await all(`*[_type == "pingback"] | order(receivedAt asc){status, sourceUrl, sourceTitle, sourceSite, excerpt, "target": target->slug.current}`)
    expect(pingbacks).toEqual([
      {status: 'approved', sourceUrl: 'https://another.example.net/2009/03/on-caracas/', sourceTitle: 'On Caracas', sourceSite: 'Another Blog', excerpt: 'Maria writes about Caracas', target: 'hello-caracas'},
      {status: 'approved', sourceUrl: 'https://tb.example.org/post', sourceTitle: 'Trackback Site', sourceSite: null, excerpt: 'Trackback title excerpt of the trackback', target: 'hello-caracas'},
    ])

    const comments = await all<{_id: string; content: string; wordpressParentId?: string}>(`*[_type == "wpComment"] | order(wordpressId asc)`)
    expect(comments.map((c) => c._id.startsWith('wpComment.'))).toEqual([true, true])
    expect(comments[1]).toMatchObject({content: 'Thanks, glad you liked it.', wordpressParentId: '1'})

    const redirects = Object.fromEntries((await all<{from: string[]; to: string}>(`*[_type == "redirect"]{from, to}`)).flatMap((r) => r.from.map((from) => [from, r.to])))
    expect(redirects).toMatchObject({
      '/2009/03/hello-caracas': '/posts/hello-caracas',
      '/?p=101': '/posts/hello-caracas',
      '/2009/03/hello-old': '/posts/hello-caracas',
      '/category/news/world': '/category/world',
      '/feed': '/feed.xml',
      '/?page_id=3': '/about/team',
    })
    // Drafts get no redirects (their old URLs never were public).
    expect(Object.values(redirects)).not.toContain('/posts/work-in-progress')
  })

  it('re-running updates instead of duplicating; undo removes exactly what was imported', async () => {
    await sink.commit([{create: {_id: 'author-mine', _type: 'author', name: 'Mine', slug: {_type: 'slug', current: 'maria'}}}])
    await importWordPress({file: fixture, sink, siteUrl: SITE})
    const count = async () => (await sink.query<number>('count(*[!(_id in path("_.**")) && !(_id in path("wordpressImport.**"))])'))
    const first = await count()
    const second = await importWordPress({file: fixture, sink, siteUrl: SITE})
    expect(await count()).toBe(first)
    expect(second.summary.toJSON().counts.posts.imported).toBe(4)
    // The existing author with the same slug is reused, not overwritten or duplicated.
    expect(await sink.query('*[_type == "author" && slug.current == "maria"]._id')).toEqual(['author-mine'])
    const [post] = await all<{author: {_ref: string}}>('*[_type == "post" && slug.current == "hello-caracas"]')
    expect(post.author._ref).toBe('author-mine')

    const undo = await undoWordPressImport(sink, siteKey('https://blog.example.com'))
    expect(undo.found).toBe(true)
    expect(await count()).toBe(1)
    expect(await sink.query('*[]._id')).toEqual(['author-mine'])
  })

  it('undo is exact, by import run or by transaction id: created documents deleted, replaced ones restored to their earlier version', async () => {
    const site = siteKey('https://blog.example.com')
    // Documents as readers and editors see them (system fields and the import's own records aside).
    const snapshot = async () =>
      Object.fromEntries(
        (await all<Record<string, unknown>>('*[!(_id in path("wordpressImport.**"))] | order(_id)')).map((doc) => [
          doc._id,
          Object.fromEntries(Object.entries(doc).filter(([key]) => !['_rev', '_updatedAt', '_createdAt'].includes(key))),
        ]),
      )
    await sink.commit([{create: {_id: 'note-by-hand', _type: 'tag', title: 'Mine', slug: {_type: 'slug', current: 'by-hand'}}}])
    const before = await snapshot()

    const first = await importWordPress({file: fixture, sink, siteUrl: SITE})
    const postId = (await sink.query<string>('*[_type == "post" && slug.current == "hello-caracas"][0]._id'))!
    // An editor changes an imported post after the first import…
    const [post] = await sink.getDocuments([postId])
    await sink.commit([{createOrReplace: {...post!, title: 'Edited by hand'}}])
    const edited = await snapshot()
    expect(edited[postId]).toMatchObject({title: 'Edited by hand'})

    // …then the blog is imported again: the post is replaced by WordPress's version.
    const second = await importWordPress({file: fixture, sink, siteUrl: SITE})
    expect(second.summary.runId).toBe(second.summary.transactionIds.at(-1))
    expect((await sink.getDocuments([postId]))[0]).toMatchObject({title: 'Hello Caracas'})

    // Undoing the second run restores every document it replaced to its earlier version, the edit included.
    const undoSecond = await undoWordPressImport(sink, site, second.summary.runId)
    expect(undoSecond).toMatchObject({found: true, scope: 'run', deletedDocuments: 0, missingHistory: []})
    expect(undoSecond.restoredDocuments).toBeGreaterThan(30)
    expect(await snapshot()).toEqual(edited)

    // One transaction of a run: only what it changed. The fixture's run is one batch plus its record.
    const third = await importWordPress({file: fixture, sink, siteUrl: SITE})
    expect(third.summary.transactionIds).toHaveLength(2)
    const undoOne = await undoWordPressImport(sink, site, third.summary.transactionIds[0])
    expect(undoOne).toMatchObject({found: true, scope: 'transaction'})
    expect(await snapshot()).toEqual(edited)
    expect(await undoWordPressImport(sink, site, 'no-such-transaction')).toMatchObject({found: false})

    // An editor starts a draft of an imported post: undoing everything takes it too.
    await sink.commit([{createOrReplace: {...(await sink.getDocuments([postId]))[0]!, _id: `drafts.${postId}`, title: 'Draft by hand'}}])

    // Everything: as before the first import; the hand-made document never touched.
    const undoAll = await undoWordPressImport(sink, site)
    // Edited since the import: the post (the editor's version, which undoing run 2 restored) and the draft.
    expect(undoAll).toMatchObject({found: true, scope: 'all', restoredDocuments: 0, editedSince: 2})
    expect(undoAll.deletedDocuments).toBeGreaterThan(30)
    expect(await snapshot()).toEqual(before)
    expect(await sink.query('count(*[_id in path("wordpressImport.**")])')).toBe(0)
    void first
  })

  it('--drafts imports everything as drafts; --dry-run writes nothing', async () => {
    const dry = dryRunSink(sink)
    const {summary} = await importWordPress({file: fixture, sink: dry, siteUrl: SITE})
    expect(summary.toJSON().counts.posts.imported).toBe(4)
    expect(dry.mutationCount).toBeGreaterThan(25)
    expect(await sink.query('count(*)')).toBe(0)

    await importWordPress({file: fixture, sink, siteUrl: SITE, drafts: true})
    expect(await sink.query('count(*[_type in ["post", "page"] && !(_id in path("drafts.**"))])')).toBe(0)
    expect(await sink.query('count(*[_type in ["post", "page"] && _id in path("drafts.**")])')).toBe(6)
  })

  it('stores images from --uploads as assets (originals preferred over resized copies) and rewrites references', async () => {
    const uploads = path.join(dataDir, 'uploads')
    fs.mkdirSync(path.join(uploads, '2009', '03'), {recursive: true})
    const jpeg = await sharp({create: {width: 40, height: 30, channels: 3, background: '#c33'}}).jpeg().toBuffer()
    fs.writeFileSync(path.join(uploads, '2009', '03', 'square.jpg'), jpeg)
    const {summary} = await importWordPress({file: fixture, sink, siteUrl: SITE, uploadsDir: uploads})
    expect(summary.toJSON().counts.images.imported).toBe(1)
    const [post] = await all<{coverImage: {asset: {_ref: string}; alt: string}; body: {_type: string; asset?: {_ref: string}; caption?: string; alt?: string}[]}>(
      '*[_type == "post" && slug.current == "hello-caracas"]',
    )
    expect(post.coverImage.alt).toBe('Plaza Bolívar at noon')
    const images = post.body.filter((b) => b._type === 'image')
    expect(images.length).toBe(2)
    expect(images[0]).toMatchObject({caption: 'The square at noon', alt: 'Plaza Bolívar at noon'})
    const assetId = post.coverImage.asset._ref
    expect(images.every((i) => i.asset?._ref === assetId)).toBe(true)
    expect(await sink.query('*[_id == $id][0].metadata.dimensions.width', {id: assetId})).toBe(40)
    // Undo removes the now unused asset as well.
    const undo = await undoWordPressImport(sink, siteKey('https://blog.example.com'))
    expect(undo.deletedAssets).toBe(1)
  })
})
