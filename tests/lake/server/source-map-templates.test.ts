/**
 * Content Source Maps for the query shapes of Sanity's official Next.js templates
 * (scripts/check-templates.ts runs the templates themselves): `coalesce()` with a literal fallback,
 * `select()` returning literals, joins inside projections, Portable Text `markDefs[]{...}` with
 * conditional joins, and page-builder arrays with `_type == "x" => {...}` projections. Every string
 * the client stega-encodes must name a document and path that hold exactly that string; strings the
 * query makes up (literals) must not be encoded at all, or an app comparing them (`status === 'draft'`)
 * breaks in draft mode.
 */
import {vercelStegaDecodeAll, vercelStegaSplit} from '@vercel/stega'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {queryStringLiterals} from '@/lib/lake/csm'
import {startTestLake, type TestLake} from './helpers'

let t: TestLake
const block = (key: string, text: string, markDefs: unknown[] = [], marks: string[] = []) => ({
  _type: 'block',
  _key: key,
  style: 'normal',
  markDefs,
  children: [{_type: 'span', _key: `${key}s`, text, marks}],
})

beforeAll(async () => {
  t = await startTestLake()
  await t.editor
    .transaction()
    .createOrReplace({_id: 'person-1', _type: 'person', firstName: 'Ada', lastName: 'Lovelace'})
    .createOrReplace({_id: 'page-1', _type: 'page', name: 'About', slug: {_type: 'slug', current: 'about'}, heading: 'About us',
      pageBuilder: [
        {_type: 'callToAction', _key: 'cta', heading: 'Call to action', button: {_type: 'button', buttonText: 'Go', link: {_type: 'link', linkType: 'post', post: {_type: 'reference', _ref: 'post-1'}}}},
        {_type: 'infoSection', _key: 'info', heading: 'Info', content: [block('c1', 'Read the post', [{_key: 'm1', _type: 'link', linkType: 'post', post: {_type: 'reference', _ref: 'post-1'}}], ['m1'])]},
      ]})
    // A post without a title: the query shows its literal fallback.
    .createOrReplace({_id: 'post-1', _type: 'post', slug: {_type: 'slug', current: 'first'}, excerpt: 'The excerpt', author: {_type: 'reference', _ref: 'person-1'},
      content: [block('p1', 'Body text')]})
    // Documents holding the literals the queries make up: a source map must not point at them.
    .createOrReplace({_id: 'post-2', _type: 'post', title: 'Untitled', slug: {_type: 'slug', current: 'second'}, excerpt: 'published'})
    .commit()
})
afterAll(() => t?.close())

const POST = `*[_type == "post" && slug.current == $slug][0]{
  content[]{..., markDefs[]{..., _type == "link" => {"page": page->slug.current, "post": post->slug.current}}},
  _id,
  "status": select(_originalId in path("drafts.**") => "draft", "published"),
  "title": coalesce(title, "Untitled"),
  "slug": slug.current,
  excerpt,
  "author": author->{firstName, lastName}
}`

const PAGE = `*[_type == 'page' && slug.current == $slug][0]{
  _id, name, heading,
  "pageBuilder": pageBuilder[]{
    ...,
    _type == "callToAction" => {..., button {..., link {..., _type == "link" => {"page": page->slug.current, "post": post->slug.current}}}},
    _type == "infoSection" => {content[]{..., markDefs[]{..., _type == "link" => {"page": page->slug.current, "post": post->slug.current}}}},
  },
}`

/** Every stega payload in a result: [shown text, document id, Studio path]. */
function payloads(value: unknown, out: [string, string, string][] = []): [string, string, string][] {
  if (typeof value === 'string') {
    for (const {href} of (vercelStegaDecodeAll(value) ?? []) as {href: string}[]) {
      const match = /id=([^;]+);type=[^;]+;path=([^;?&]+)/.exec(decodeURIComponent(href))
      out.push([vercelStegaSplit(value).cleaned, match?.[1] ?? '?', match?.[2] ?? '?'])
    }
  } else if (Array.isArray(value)) value.forEach((item) => payloads(item, out))
  else if (value && typeof value === 'object') Object.values(value).forEach((item) => payloads(item, out))
  return out
}

/** A Studio path (`content[_key=="k"].children[0].text`) applied to a document. */
function valueAt(doc: unknown, studioPath: string): unknown {
  let value = doc
  for (const segment of studioPath.match(/[^.[\]]+|\[[^\]]*\]/g) ?? []) {
    if (value === null || typeof value !== 'object') return undefined
    const keyed = /^\[_key=="(.*)"\]$/.exec(segment)
    const index = /^\[(\d+)\]$/.exec(segment)
    if (keyed) value = (value as {_key?: string}[]).find((item) => item?._key === keyed[1])
    else if (index) value = (value as unknown[])[Number(index[1])]
    else value = (value as Record<string, unknown>)[segment]
  }
  return value
}

describe('Content Source Maps for the templates’ queries', () => {
  it('encodes only strings that come from documents, each pointing at a field holding exactly that string', async () => {
    const stega = t.client({token: t.viewerToken, perspective: 'drafts'}).withConfig({stega: {enabled: true, studioUrl: '/studio'}})
    const post = await stega.fetch<Record<string, unknown>>(POST, {slug: 'first'})
    const page = await stega.fetch<Record<string, unknown>>(PAGE, {slug: 'about'})
    const found = [...payloads(post), ...payloads(page)]
    expect(found.length).toBeGreaterThan(6)
    for (const [shown, id, path] of found) {
      const doc = await t.editor.getDocument(id)
      expect(valueAt(doc, path), `"${shown}" → ${id} ${path}`).toBe(shown)
    }
    const mapped = found.map(([shown]) => shown)
    expect(mapped).toEqual(expect.arrayContaining(['The excerpt', 'Ada', 'Lovelace', 'Body text', 'About us', 'Call to action', 'Go', 'Read the post']))
    // The literals the query made up stay plain strings, though post-2 holds equal values.
    expect(post.title).toBe('Untitled')
    expect(post.status).toBe('published')
  })

  it('does not attribute a literal to another document that the query read and that holds an equal string', async () => {
    const stega = t.client({token: t.viewerToken, perspective: 'drafts'}).withConfig({stega: {enabled: true, studioUrl: '/studio'}})
    const list = await stega.fetch<{_id: string; title: string; status: string; excerpt: string}[]>(
      `*[_type == "post" && defined(slug.current)] | order(_id asc){_id, "status": select(_originalId in path("drafts.**") => "draft", "published"), "title": coalesce(title, "Untitled"), excerpt}`,
    )
    const [first, second] = list
    expect(first._id).toBe('post-1')
    // post-1 has no title: its "Untitled" is the query's literal, not post-2's title.
    expect(first.title).toBe('Untitled')
    expect(first.status).toBe('published')
    expect(second.status).toBe('published')
    // post-2's real title and excerpt are encoded, pointing at post-2.
    expect(payloads(second.title)).toEqual([['Untitled', 'post-2', 'title']])
    expect(payloads(second.excerpt)).toEqual([['published', 'post-2', 'excerpt']])
  })

  it('reads the string literals of a query as GROQ does', () => {
    expect([...queryStringLiterals(`*[_type == 'page' && a == "x\\"y"]{"t": coalesce(t, 'It\\'s "new"'), "u": "\\u00e9"}`)]).toEqual([
      'page',
      'x"y',
      't',
      `It's "new"`,
      'u',
      'é',
    ])
  })
})
