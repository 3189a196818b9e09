/**
 * Feed fixtures: query results as the lake returns them, including a post whose every string is
 * hostile to XML (forbidden control characters, lone surrogates, `]]>`, `&`, markup, emoji, RTL).
 */
import {createFeedImageUrlFor} from '@/lib/feeds/images'
import type {FeedPostResult, FeedSource} from '@/lib/feeds/source'

export const SITE = 'https://news.example'
export const imageUrlFor = createFeedImageUrlFor({projectId: 'dispatch', dataset: 'production', baseUrl: 'https://img.example'})

/** Characters XML 1.0 forbids, one of each class. */
export const FORBIDDEN = '\uDFFF\u0000\u0001\u0008\u000B\u000C\u001F\uFFFE\uFFFF\uD800'
export const EMOJI = '🎉👩🏽‍💻'
export const RTL = 'مرحبا بالعالم עברית'

const span = (text: string, marks: string[] = []) => ({_type: 'span', _key: Math.random().toString(36).slice(2), text, marks})
const block = (style: string, children: unknown[], markDefs: unknown[] = []) => ({
  _type: 'block',
  _key: Math.random().toString(36).slice(2),
  style,
  markDefs,
  children,
})

export const hostileBody = [
  block('normal', [span(`Opening ${FORBIDDEN}with ]]> twice ]]> and a literal &amp; plus & ${EMOJI} ${RTL}`)]),
  block('blockquote', [span('Quoted <b>not markup</b> words')]),
  block('h2', [span('A heading')]),
  block(
    'normal',
    [span('relative', ['l1']), span(' absolute ', []), span('evil', ['l2']), span(' mail', ['l3']), span(' bold', ['strong'])],
    [
      {_type: 'link', _key: 'l1', href: '/posts/other-post'},
      {_type: 'link', _key: 'l2', href: 'javascript:alert(1)'},
      {_type: 'link', _key: 'l3', href: 'mailto:desk@news.example'},
    ],
  ),
  {_type: 'image', _key: 'img1', alt: 'A "quoted" alt', caption: 'Caption & more', asset: {_ref: 'image-abc123-800x600-jpg'}},
  {_type: 'codeBlock', _key: 'code1', language: 'ts', filename: 'x.ts', code: 'if (a < b && c) { return "]]>" } // </code>'},
  {_type: 'embed', _key: 'emb1', url: 'https://video.example/watch?v=1&t=2', caption: 'Watch it'},
  {_type: 'unknownThing', _key: 'u1', foo: 'bar'},
]

export function post(overrides: Partial<FeedPostResult> = {}): FeedPostResult {
  return {
    _id: 'post-hostile',
    _updatedAt: '2024-05-02T10:00:00Z',
    title: `Fish & Chips <script>alert(1)</script> ]]> ${FORBIDDEN} ${EMOJI} ${RTL}`,
    slug: 'fish-and-chips',
    excerpt: `An excerpt with <tags> & ${FORBIDDEN}ampersands ${EMOJI}`,
    publishedAt: '2024-05-01T08:30:00Z',
    coverImage: {alt: 'Cover', asset: {_id: 'image-cover99-1200x800-png'}},
    body: hostileBody,
    author: {_updatedAt: '2024-01-01T00:00:00Z', name: 'Ana María', slug: 'ana', url: 'https://ana.example'},
    categories: [{_updatedAt: '2024-01-01T00:00:00Z', title: 'Politics & Power', slug: 'politics'}, null],
    tags: [{_updatedAt: '2024-06-01T00:00:00Z', title: 'Venezuela', slug: 'venezuela'}],
    ...overrides,
  }
}

export function source(overrides: Partial<FeedSource> = {}): FeedSource {
  return {
    settings: {
      _updatedAt: '2024-03-01T00:00:00Z',
      title: `In Venezuela & Beyond ${FORBIDDEN}`,
      description: 'News <and> notes',
      language: 'es',
      feedItemCount: 20,
      ogImage: {alt: 'Logo', asset: {_ref: 'image-logo1-1200x630-png'}},
    },
    topic: null,
    posts: [
      post(),
      post({_id: 'post-second', slug: 'second', title: 'Second', excerpt: null, publishedAt: '2024-04-01T00:00:00Z', _updatedAt: '2024-04-01T00:00:00Z', body: []}),
    ],
    ...overrides,
  }
}
