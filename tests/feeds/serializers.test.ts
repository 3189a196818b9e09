/**
 * The three serialisers, checked by independent parsers: @rowanmanning/feed-parser (RSS/Atom),
 * fast-xml-parser's validator (strict well-formedness, which the lenient feed parser does not
 * enforce) and JSON.parse + a JSON Feed 1.1 schema.
 */
import {parseFeed} from '@rowanmanning/feed-parser'
import {XMLParser, XMLValidator} from 'fast-xml-parser'
import {describe, expect, it} from 'vitest'
import {z} from 'zod'
import {buildFeed} from '@/lib/feeds/build'
import type {FeedScope} from '@/lib/feeds/links'
import type {FeedDocument} from '@/lib/feeds/model'
import {serializeFeed} from '@/lib/feeds/serialize'
import {EMOJI, imageUrlFor, RTL, SITE, source} from './fixtures'

const siteScope: FeedScope = {kind: 'site'}

function build(scope: FeedScope = siteScope, src = source()): FeedDocument {
  const feed = buildFeed(src, {scope, siteUrl: SITE, imageUrlFor})
  if (!feed) throw new Error('feed not built')
  return feed
}

/** Every control character except tab/LF/CR, lone surrogates and U+FFFE/FFFF: none may remain. */
const FORBIDDEN_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

function wellFormed(xml: string) {
  expect(FORBIDDEN_RE.test(xml)).toBe(false)
  expect(XMLValidator.validate(xml)).toBe(true)
}

/**
 * The exact HTML an XML feed carries, decoded once by a strict parser. (feed-parser decodes HTML
 * entities a second time to cope with double-escaped feeds in the wild, so its `content` is not exact.)
 */
function exactHtml(xml: string, format: 'rss' | 'atom'): string[] {
  const raw = new XMLParser({ignoreAttributes: false, parseTagValue: false, trimValues: false, htmlEntities: false}).parse(xml)
  if (format === 'rss') return [raw.rss.channel.item].flat().map((item: Record<string, string>) => item['content:encoded'])
  return [raw.feed.entry].flat().map((entry: {content: {'#text': string; '@_type': string}}) => {
    expect(entry.content['@_type']).toBe('html')
    return entry.content['#text']
  })
}

/** What feed-parser (independent, lenient) sees of the hostile body. */
function expectParsedBodyReadable(html: string) {
  expect(html).toContain('with ]]> twice ]]> and a literal')
  expect(html).toContain(EMOJI)
  expect(html).toContain(RTL)
  expect(html).toContain('<blockquote>')
  expect(html).toContain(`<a href="${SITE}/posts/other-post">relative</a>`)
  expect(html).toContain('https://img.example/images/dispatch/production/abc123-800x600.jpg')
}

const expectedTitle = `Fish & Chips <script>alert(1)</script> ]]>  ${EMOJI} ${RTL}`

function expectHostileBodySurvived(html: string) {
  // `]]>` is plain text to HTML (its `>` escaped as usual); a literal `&amp;` stays literal.
  expect(html).toContain('with ]]&gt; twice ]]&gt; and a literal &amp;amp; plus &amp;')
  expect(html).toContain(EMOJI)
  expect(html).toContain(RTL)
  expect(html).toContain('<blockquote>Quoted &lt;b&gt;not markup&lt;/b&gt; words</blockquote>')
  expect(html).toContain('<h2>A heading</h2>')
  expect(html).toContain(`<a href="${SITE}/posts/other-post">relative</a>`)
  expect(html).toContain('<a href="mailto:desk@news.example"> mail</a>')
  expect(html).not.toContain('javascript:')
  expect(html).toContain('evil') // the text of a dropped link stays
  expect(html).toMatch(/<img src="https:\/\/img\.example\/images\/dispatch\/production\/abc123-800x600\.jpg\?[^"]*w=1200[^"]*" alt="A &quot;quoted&quot; alt" \/>/)
  expect(html).toContain('<figcaption>Caption &amp; more</figcaption>')
  expect(html).toContain('<code class="language-ts">if (a &lt; b &amp;&amp; c) { return &quot;]]&gt;&quot; } // &lt;/code&gt;</code>')
  expect(html).toContain('<a href="https://video.example/watch?v=1&amp;t=2">Watch it</a>')
  expect(html).not.toContain('unknownThing')
  expect(html).toMatch(/^<figure><img src="https:\/\/img\.example\/images\/dispatch\/production\/cover99-1200x800\.png/)
}

describe('RSS 2.0', () => {
  const xml = serializeFeed('rss', build())
  const parsed = parseFeed(xml)

  it('is well-formed despite hostile content', () => wellFormed(xml))

  it('has the channel elements', () => {
    expect(parsed.meta.type).toBe('rss')
    expect(parsed.title).toBe('In Venezuela & Beyond')
    expect(parsed.description).toBe('News <and> notes')
    expect(parsed.url).toBe(`${SITE}/`)
    expect(parsed.self).toBe(`${SITE}/feed.xml`)
    expect(parsed.language).toBe('es')
    expect(parsed.generator?.label).toBe('Dispatch')
    // Last build: the newest `_updatedAt` among settings, posts and referenced topics (tag: 2024-06-01).
    expect(parsed.updated?.toISOString()).toBe('2024-06-01T00:00:00.000Z')
    expect(parsed.image?.url).toMatch(/^https:\/\/img\.example\/images\/dispatch\/production\/logo1-1200x630\.png\?.*w=144/)
    expect(xml).toContain('<atom:link href="https://news.example/feed.xml" rel="self" type="application/rss+xml"/>')
  })

  it('has complete items', () => {
    expect(parsed.items).toHaveLength(2)
    const [item] = parsed.items
    expect(item.title).toBe(expectedTitle)
    expect(item.url).toBe(`${SITE}/posts/fish-and-chips`)
    expect(item.id).toBe('tag:news.example,2024:post:post-hostile')
    expect(xml).toContain('<guid isPermaLink="false">tag:news.example,2024:post:post-hostile</guid>')
    expect(item.published?.toISOString()).toBe('2024-05-01T08:30:00.000Z')
    expect(xml).toContain('<pubDate>Wed, 01 May 2024 08:30:00 GMT</pubDate>')
    expect(xml).toContain('<atom:updated>2024-05-02T10:00:00.000Z</atom:updated>')
    expect(item.authors.map((a) => a.name)).toEqual(['Ana María'])
    expect(item.categories.map((c) => c.label)).toEqual(['Politics & Power', 'Venezuela'])
    expect(item.description).toBe(`An excerpt with <tags> & ampersands ${EMOJI}`)
    expectParsedBodyReadable(item.content ?? '')
  })

  it('writes the full body as content:encoded, exactly the HTML the JSON feed carries', () => {
    const [html] = exactHtml(xml, 'rss')
    expectHostileBodySurvived(html)
    expect(html).toBe(JSON.parse(serializeFeed('json', build())).items[0].content_html)
  })
})

describe('Atom 1.0', () => {
  const xml = serializeFeed('atom', build())
  const parsed = parseFeed(xml)

  it('is well-formed despite hostile content', () => wellFormed(xml))

  it('has the feed elements RFC 4287 requires (id, title, updated, author) and the links', () => {
    expect(parsed.meta.type).toBe('atom')
    expect(parsed.title).toBe('In Venezuela & Beyond')
    expect(parsed.description).toBe('News <and> notes')
    expect(parsed.url).toBe(`${SITE}/`)
    expect(parsed.self).toBe(`${SITE}/atom.xml`)
    expect(parsed.language).toBe('es')
    expect(parsed.generator?.label).toBe('Dispatch')
    expect(parsed.updated?.toISOString()).toBe('2024-06-01T00:00:00.000Z')
    expect(parsed.image?.url).toMatch(/logo1-1200x630\.png\?.*w=1200.*h=600|logo1-1200x630\.png\?.*h=600.*w=1200/)
    expect(xml).toContain('<id>tag:news.example,2024:feed</id>')
    expect(parsed.authors[0]?.name).toBe('In Venezuela & Beyond')
  })

  it('has complete entries with plain-text titles and HTML content', () => {
    const [entry] = parsed.items
    expect(entry.title).toBe(expectedTitle)
    expect(xml).toContain('<title type="text">Fish &amp; Chips &lt;script&gt;')
    expect(entry.url).toBe(`${SITE}/posts/fish-and-chips`)
    expect(entry.id).toBe('tag:news.example,2024:post:post-hostile')
    expect(entry.published?.toISOString()).toBe('2024-05-01T08:30:00.000Z')
    expect(entry.updated?.toISOString()).toBe('2024-05-02T10:00:00.000Z')
    expect(entry.authors).toEqual([{name: 'Ana María', email: null, url: `${SITE}/author/ana`}])
    expect(entry.categories.map((c) => [c.term, c.label])).toEqual([
      ['politics', 'Politics & Power'],
      ['venezuela', 'Venezuela'],
    ])
    expect(entry.description).toBe(`An excerpt with <tags> & ampersands ${EMOJI}`)
    expectParsedBodyReadable(entry.content ?? '')
    expectHostileBodySurvived(exactHtml(xml, 'atom')[0])
  })

  it('an entry published after its last edit is "updated" when published', () => {
    const second = parsed.items[1]
    expect(second.updated?.toISOString()).toBe(second.published?.toISOString())
  })
})

const jsonFeedSchema = z.object({
  version: z.literal('https://jsonfeed.org/version/1.1'),
  title: z.string().min(1),
  home_page_url: z.url(),
  feed_url: z.url(),
  description: z.string().optional(),
  icon: z.url().optional(),
  language: z.string().min(2),
  authors: z.array(z.object({name: z.string(), url: z.url().optional()})).min(1),
  items: z.array(
    z
      .object({
        id: z.string().min(1),
        url: z.url(),
        title: z.string(),
        content_html: z.string(),
        summary: z.string().optional(),
        image: z.url().optional(),
        date_published: z.iso.datetime(),
        date_modified: z.iso.datetime(),
        authors: z.array(z.object({name: z.string(), url: z.url().optional()})).optional(),
        tags: z.array(z.string()).optional(),
      })
      .strict(),
  ),
})

describe('JSON Feed 1.1', () => {
  const text = serializeFeed('json', build())
  const parsed = jsonFeedSchema.parse(JSON.parse(text))

  it('matches the JSON Feed 1.1 schema and carries no forbidden characters', () => {
    expect(FORBIDDEN_RE.test(text)).toBe(false)
    expect(text).not.toMatch(/\\u000[0-8bc]|\\u001[0-9a-f]|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i)
    expect(parsed.feed_url).toBe(`${SITE}/feed.json`)
    expect(parsed.home_page_url).toBe(`${SITE}/`)
    expect(parsed.language).toBe('es')
    expect(parsed.icon).toMatch(/w=512/)
  })

  it('has complete items', () => {
    const [item] = parsed.items
    expect(item.title).toBe(expectedTitle)
    expect(item.id).toBe('tag:news.example,2024:post:post-hostile')
    expect(item.url).toBe(`${SITE}/posts/fish-and-chips`)
    expect(item.date_published).toBe('2024-05-01T08:30:00.000Z')
    expect(item.date_modified).toBe('2024-05-02T10:00:00.000Z')
    expect(item.authors).toEqual([{name: 'Ana María', url: `${SITE}/author/ana`}])
    expect(item.tags).toEqual(['Politics & Power', 'Venezuela'])
    expect(item.summary).toBe(`An excerpt with <tags> & ampersands ${EMOJI}`)
    expectHostileBodySurvived(item.content_html)
  })
})

describe('topic feeds', () => {
  const topic = {_id: 'category-politics', _updatedAt: '2024-07-01T00:00:00Z', title: 'Politics', description: null, slug: 'politics'}
  const scope: FeedScope = {kind: 'category', slug: 'politics'}

  it('link to the topic page and to themselves under it', () => {
    const feed = build(scope, source({topic}))
    expect(feed.channel.title).toBe('Politics — In Venezuela & Beyond')
    expect(feed.channel.description).toBe('Posts filed under Politics on In Venezuela & Beyond')
    expect(feed.channel.homePageUrl).toBe(`${SITE}/category/politics`)
    expect(feed.channel.updated.toISOString()).toBe('2024-07-01T00:00:00.000Z')
    const rss = parseFeed(serializeFeed('rss', feed))
    expect(rss.self).toBe(`${SITE}/category/politics/feed.xml`)
    const atom = parseFeed(serializeFeed('atom', feed))
    expect(atom.self).toBe(`${SITE}/category/politics/atom.xml`)
    expect(JSON.parse(serializeFeed('json', feed)).feed_url).toBe(`${SITE}/category/politics/feed.json`)
  })

  it('do not exist for an unknown topic', () => {
    expect(buildFeed(source({topic: null}), {scope, siteUrl: SITE, imageUrlFor})).toBeNull()
  })
})

describe('edge cases', () => {
  it('an empty site still produces valid feeds of all three formats', () => {
    const feed = build(siteScope, {settings: null, topic: null, posts: []})
    for (const format of ['rss', 'atom'] as const) {
      const xml = serializeFeed(format, feed)
      wellFormed(xml)
      expect(parseFeed(xml).title).toBe('Dispatch')
    }
    expect(jsonFeedSchema.parse(JSON.parse(serializeFeed('json', feed))).items).toEqual([])
  })

  it('the same content always serialises to the same bytes (stable ETags)', () => {
    expect(serializeFeed('rss', build())).toBe(serializeFeed('rss', build()))
    expect(serializeFeed('atom', build())).toBe(serializeFeed('atom', build()))
    expect(serializeFeed('json', build())).toBe(serializeFeed('json', build()))
  })

  it('entry ids do not change with the slug', () => {
    const a = build(siteScope, source()).entries[0]
    const renamed = source()
    renamed.posts[0] = {...renamed.posts[0], slug: 'renamed'}
    const b = build(siteScope, renamed).entries[0]
    expect(b.url).toBe(`${SITE}/posts/renamed`)
    expect(b.id).toBe(a.id)
  })
})
