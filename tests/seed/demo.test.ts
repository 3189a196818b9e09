import fs from 'node:fs'
import {describe, expect, it} from 'vitest'
import {
  demoDocuments,
  PINGING_POST_ID,
  pingbackId,
  REFERENCE_POST_ID,
  REFERENCE_POST_SLUG,
} from '@/lib/seed/demo'
import {blockText} from '@/lib/seed/portableText'
import {readSampleLines, referencePostParts, SAMPLE_POST_PATH} from '@/lib/seed/referencePost'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- seed documents are plain JSON; the test walks them freely
type Doc = Record<string, any>

const documents = demoDocuments({siteUrl: 'https://example.test'}) as Doc[]
const byId = new Map(documents.map((doc) => [doc._id as string, doc]))
const reference = byId.get(REFERENCE_POST_ID)!
const settings = byId.get('siteSettings')!
const pingback = documents.find((doc) => doc._type === 'pingback')!
const sampleLines = fs.readFileSync(SAMPLE_POST_PATH, 'utf8').replace(/\n$/, '').split('\n')

/** The exact NYT passages this seed renders as blockquotes (see BLOCKQUOTE_LINES). */
const NYT_PASSAGES = [
  'But as the humanitarian crisis in Venezuela worsened last year, American officials felt that having a clearer picture of the plans and the men who aspired to oust Mr. Maduro was worth the risk.',
  '“After a lot of discussion, we agreed we should listen to what they had to say,” said a senior administration official who was not authorized to speak about the secret talks.',
  'After the first meeting, which took place in the fall of 2017, the diplomat reported that the Venezuelans didn’t appear to have a detailed plan and had showed up at the encounter hoping the Americans would offer guidance or ideas, officials said.',
  'The former Venezuelan commander said that the rebellious officers never asked for an American military intervention. “I never agreed, nor did they propose, to do a joint operation,” he said.',
  'The American diplomat then met the coup plotters a third time early this year, but the discussions did not result in a promise of material aid or even a clear signal that Washington endorsed the rebels’ plans, according to the Venezuelan commander and several American officials.',
]

describe('the reference post is rendered faithfully', () => {
  it('has the 17-line sample it is built from', () => {
    expect(sampleLines).toHaveLength(17)
    expect(readSampleLines()).toEqual(sampleLines)
  })

  it('keeps every line of the sample verbatim, in order, across body + settings + pingback', () => {
    const body = (reference.body as Doc[]).map(blockText)
    const rebuilt = [
      ...body,
      `${settings.contactBlurb} ${settings.contactEmail}`,
      `Pingback: ${pingback.sourceTitle} | ${pingback.sourceSite}`,
    ]
    expect(rebuilt).toEqual(sampleLines)
  })

  it('has one plain paragraph per body line, with no marks, links or lists', () => {
    const body = reference.body as Doc[]
    expect(body).toHaveLength(15)
    for (const block of body) {
      expect(block._type).toBe('block')
      expect(block.markDefs).toEqual([])
      expect(block.listItem).toBeUndefined()
      expect(block.children).toHaveLength(1)
      expect(block.children[0].marks).toEqual([])
    }
  })

  it('keeps typographic quotes and the original "th" typo', () => {
    const text = (reference.body as Doc[]).map(blockText).join('\n')
    expect(text).toContain('“secret meetings”')
    expect(text).toContain('plotters’ meetings')
    expect(text).toContain('On th interaction between the two sides')
    expect(text).toContain('accused of him treason')
    expect(text).not.toMatch(/"/)
  })

  it('renders exactly the chosen NYT passages as blockquotes', () => {
    const quotes = (reference.body as Doc[]).filter((block) => block.style === 'blockquote').map(blockText)
    expect(quotes).toEqual(NYT_PASSAGES)
    const others = (reference.body as Doc[]).filter((block) => block.style !== 'blockquote')
    expect(others.every((block) => block.style === 'normal')).toBe(true)
  })

  it('puts a blockquote right after each line that introduces a quotation', () => {
    const body = reference.body as Doc[]
    body.forEach((block, index) => {
      if (/writes:$|to no effect:$/.test(blockText(block))) expect(body[index + 1].style).toBe('blockquote')
    })
  })

  it('turns the footer into site settings and an approved internal pingback', () => {
    expect(settings).toMatchObject({
      _type: 'siteSettings',
      title: 'In Venezuela',
      language: 'en',
      contactBlurb: 'Questions/Comments? E-mail me:',
      contactEmail: 'invenezuelablog@gmail.com',
    })
    expect(pingback).toMatchObject({
      kind: 'internal',
      status: 'approved',
      sourceTitle: '09.09.18: Confessed and Convicted',
      sourceSite: 'In Venezuela',
      target: {_type: 'reference', _ref: REFERENCE_POST_ID, _weak: true},
      sourceUrl: 'https://example.test/posts/09-09-18-confessed-and-convicted',
      targetUrl: `https://example.test/posts/${REFERENCE_POST_SLUG}`,
    })
    expect(pingback._id).toBe(pingbackId(pingback.sourceUrl, pingback.targetUrl))
    expect(pingback._id).toMatch(/^pingback\.[0-9a-f]{40}$/)
  })

  it('has a demo pingback awaiting moderation for the reference post, from a reserved .example domain (#16.7)', () => {
    const pending = documents.filter((doc) => doc._type === 'pingback' && doc.status === 'pending')
    expect(pending).toHaveLength(1)
    expect(pending[0]).toMatchObject({
      kind: 'pingback',
      target: {_type: 'reference', _ref: REFERENCE_POST_ID, _weak: true},
      targetUrl: `https://example.test/posts/${REFERENCE_POST_SLUG}`,
    })
    expect(new URL(pending[0].sourceUrl).hostname).toMatch(/\.example$/)
    expect(pending[0]._id).toBe(pingbackId(pending[0].sourceUrl, pending[0].targetUrl))
  })

  it('has a pinging post from the next day that links to the reference post', () => {
    const pinging = byId.get(PINGING_POST_ID)!
    expect(pinging.title).toBe('09.09.18: Confessed and Convicted')
    expect(pinging.publishedAt.slice(0, 10)).toBe('2018-09-09')
    const hrefs = (pinging.body as Doc[]).flatMap((block) => (block.markDefs ?? []).map((def: Doc) => def.href))
    expect(hrefs).toContain(`/posts/${REFERENCE_POST_SLUG}`)
  })

  it('dates, attributes and files the reference post', () => {
    expect(reference.publishedAt.slice(0, 10)).toBe('2018-09-08')
    expect(byId.get(reference.author._ref)?._type).toBe('author')
    expect(reference.categories.map((c: Doc) => byId.get(c._ref)?.title)).toEqual(['Politics', 'International'])
    expect(reference.tags.map((t: Doc) => byId.get(t._ref)?.title)).toEqual(['Maduro', 'United States', 'Military'])
  })

  it('refuses a sample whose footer has changed shape', () => {
    expect(() => referencePostParts(['a body line', 'another body line', 'a last line'])).toThrow(/last two lines/)
  })
})

describe('the demo content as a whole', () => {
  const posts = documents.filter((doc) => doc._type === 'post')

  it('is deterministic', () => {
    expect(demoDocuments({siteUrl: 'https://example.test'})).toEqual(documents)
  })

  it('follows the id scheme of docs/data-model.md', () => {
    for (const doc of documents) {
      const slug = doc.slug?.current
      if (doc._type === 'post') expect(doc._id).toBe(`post-${slug}`)
      if (doc._type === 'author') expect(doc._id).toBe(`author-${slug}`)
      if (doc._type === 'category') expect(doc._id).toBe(`category-${slug}`)
      if (doc._type === 'tag') expect(doc._id).toBe(`tag-${slug}`)
    }
    expect(new Set(documents.map((doc) => doc._id)).size).toBe(documents.length)
  })

  it('has enough posts for three pages of ten, over several months, none in the future', () => {
    expect(posts.length).toBeGreaterThanOrEqual(26)
    const months = new Set(posts.map((post) => post.publishedAt.slice(0, 7)))
    expect(months.size).toBeGreaterThanOrEqual(8)
    for (const post of posts) expect(new Date(post.publishedAt).getTime()).toBeLessThan(Date.now())
    expect(new Set(posts.map((post) => post.slug.current)).size).toBe(posts.length)
  })

  it('has only valid references and short excerpts', () => {
    for (const post of posts) {
      expect(post.excerpt.length).toBeLessThanOrEqual(300)
      expect(post.title.length).toBeGreaterThan(0)
      for (const target of [post.author, ...post.categories, ...post.tags]) expect(byId.has(target._ref)).toBe(true)
    }
  })

  it('uses unique _keys within each array, and unique authors across varied categories', () => {
    for (const post of posts) {
      for (const list of [post.body, post.categories, post.tags]) {
        const keys = list.map((item: Doc) => item._key)
        expect(new Set(keys).size).toBe(keys.length)
      }
      for (const block of post.body) {
        const markKeys = new Set(block.markDefs.map((def: Doc) => def._key))
        for (const child of block.children) {
          for (const mark of child.marks) if (!['em', 'strong'].includes(mark)) expect(markKeys.has(mark)).toBe(true)
        }
      }
    }
    expect(new Set(posts.map((post) => post.author._ref)).size).toBeGreaterThanOrEqual(3)
    expect(new Set(posts.flatMap((post) => post.categories.map((c: Doc) => c._ref))).size).toBeGreaterThanOrEqual(5)
  })

  it('links only to relative site paths, so seeding never causes outbound requests', () => {
    const hrefs = posts.flatMap((post) => post.body.flatMap((block: Doc) => block.markDefs.map((d: Doc) => d.href)))
    expect(hrefs.length).toBeGreaterThan(0)
    const slugs = new Set(posts.map((post) => post.slug.current))
    for (const href of hrefs) {
      expect(href).toMatch(/^\/posts\//)
      expect(slugs.has(href.slice('/posts/'.length))).toBe(true)
    }
  })
})
