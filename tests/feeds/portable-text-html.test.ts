import {describe, expect, it} from 'vitest'
import {createFeedImageUrlFor} from '@/lib/feeds/images'
import {absoluteHref, portableTextToHtml} from '@/lib/portable-text/html'
import {imageUrlFor, SITE} from './fixtures'

const opts = {baseUrl: SITE, imageUrlFor}
const span = (text: string, marks: string[] = []) => ({_type: 'span', _key: text, text, marks})
const block = (children: unknown[], extra: Record<string, unknown> = {}) => ({_type: 'block', _key: 'k', style: 'normal', markDefs: [], children, ...extra})

describe('portableTextToHtml', () => {
  it('renders lists, decorators and line breaks', () => {
    const html = portableTextToHtml(
      [
        block([span('one')], {listItem: 'bullet', level: 1}),
        block([span('two')], {listItem: 'bullet', level: 1}),
        block([span('first')], {listItem: 'number', level: 1}),
        block([span('b', ['strong']), span('i', ['em']), span('c', ['code']), span('u', ['underline']), span('s', ['strike-through']), span('x\ny')]),
      ],
      opts,
    )
    expect(html).toContain('<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>')
    expect(html).toContain('<strong>b</strong><em>i</em><code>c</code>')
    expect(html).toContain('<del>s</del>')
    expect(html).toContain('x<br/>y')
  })

  it('keeps blockquotes and headings', () => {
    const html = portableTextToHtml([block([span('q')], {style: 'blockquote'}), block([span('h')], {style: 'h3'})], opts)
    expect(html).toBe('<blockquote>q</blockquote><h3>h</h3>')
  })

  it('leaves out images without a usable asset and anything that is not a node', () => {
    const html = portableTextToHtml([{_type: 'image', _key: 'i', alt: 'x'}, {_type: 'image', _key: 'j', asset: {_ref: 'image-broken'}}, null, 'text', 42], opts)
    expect(html).toBe('')
    expect(portableTextToHtml(undefined, opts)).toBe('')
    expect(portableTextToHtml({not: 'an array'}, opts)).toBe('')
  })

  it('drops embeds that are not web URLs', () => {
    expect(portableTextToHtml([{_type: 'embed', _key: 'e', url: 'javascript:alert(1)'}], opts)).toBe('')
  })
})

describe('absoluteHref', () => {
  it('resolves relative links against the site and keeps allowed schemes only', () => {
    expect(absoluteHref('/posts/a?b=1#c', SITE)).toBe(`${SITE}/posts/a?b=1#c`)
    expect(absoluteHref('posts/a', SITE)).toBe(`${SITE}/posts/a`)
    expect(absoluteHref('https://other.example/x', SITE)).toBe('https://other.example/x')
    expect(absoluteHref('mailto:a@b.example', SITE)).toBe('mailto:a@b.example')
    expect(absoluteHref('JavaScript:alert(1)', SITE)).toBeNull()
    expect(absoluteHref('data:text/html,x', SITE)).toBeNull()
    expect(absoluteHref(42, SITE)).toBeNull()
  })
})

describe('feed image URLs', () => {
  it('point at Sanity CDN when no base URL is given (hosted), sized and cropped as asked', () => {
    const hosted = createFeedImageUrlFor({projectId: 'abc123', dataset: 'production'})
    expect(hosted({asset: {_ref: 'image-Tb9Ew8CXIwaY6R1kjMvI0uRR-2000x3000-jpg'}}, {width: 512, height: 512})).toBe(
      'https://cdn.sanity.io/images/abc123/production/Tb9Ew8CXIwaY6R1kjMvI0uRR-2000x3000.jpg?rect=0,500,2000,2000&w=512&h=512&fit=crop',
    )
  })
  it('return null for missing or malformed assets instead of throwing', () => {
    expect(imageUrlFor({asset: null}, {width: 10})).toBeNull()
    expect(imageUrlFor({asset: {_ref: 'file-abc-pdf'}}, {width: 10})).toBeNull()
    expect(imageUrlFor({asset: {_ref: 'image-nodimensions'}}, {width: 10})).toBeNull()
  })
})
