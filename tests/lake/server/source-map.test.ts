/**
 * Content Source Maps through @sanity/client: `resultSourceMap` maps result values to document
 * paths, and the client's stega encoding (what the Presentation overlays read) then names the
 * right document and field for each string.
 */
import {vercelStegaDecode} from '@vercel/stega'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startTestLake, type TestLake} from './helpers'

let t: TestLake
beforeAll(async () => {
  t = await startTestLake()
  await t.editor
    .transaction()
    .createOrReplace({_id: 'a1', _type: 'author', name: 'Ana Ruiz'})
    .createOrReplace({
      _id: 'post-1',
      _type: 'post',
      title: 'The title',
      slug: {_type: 'slug', current: 'the-title'},
      author: {_type: 'reference', _ref: 'a1'},
      body: [{_type: 'block', _key: 'k1', style: 'normal', children: [{_type: 'span', _key: 's1', text: 'First paragraph.'}]}],
    })
    .createOrReplace({_id: 'drafts.post-1', _type: 'post', title: 'The draft title', slug: {_type: 'slug', current: 'the-title'}, author: {_type: 'reference', _ref: 'a1'}})
    .commit()
})
afterAll(() => t?.close())

const QUERY = '*[_type == "post"][0]{_id, title, "slug": slug.current, "author": author->{name}, body}'

describe('resultSourceMap', () => {
  it('maps fields, joined documents and keyed array items (withKeyArraySelector)', async () => {
    const {resultSourceMap: map, result} = await t.anonymous.fetch(QUERY, {}, {filterResponse: false, resultSourceMap: 'withKeyArraySelector'})
    expect(result.title).toBe('The title')
    const source = (resultPath: string) => {
      const mapping = map?.mappings[resultPath]
      if (!mapping || mapping.source.type !== 'documentValue') return undefined
      return {id: map!.documents[mapping.source.document]._id, path: map!.paths[mapping.source.path]}
    }
    expect(source("$['title']")).toEqual({id: 'post-1', path: "$['title']"})
    expect(source("$['author']['name']")).toEqual({id: 'a1', path: "$['name']"})
    expect(source("$['body']")).toEqual({id: 'post-1', path: "$['body']"})
    expect(source("$['slug']")).toEqual({id: 'post-1', path: "$['slug']['current']"})
    expect(source("$['_id']")).toBeUndefined()
  })

  it('names the draft under the drafts perspective, with index paths without withKeyArraySelector', async () => {
    const client = t.client({token: t.viewerToken, perspective: 'drafts'})
    const {resultSourceMap: map} = await client.fetch('*[_id == "post-1"][0]{title}', {}, {filterResponse: false, resultSourceMap: true})
    const mapping = map!.mappings["$['title']"]
    expect(mapping.source.type === 'documentValue' && map!.documents[mapping.source.document]._id).toBe('drafts.post-1')
    const keyed = await t.anonymous.fetch('*[_id == "post-1"][0].body[0].children', {}, {filterResponse: false, resultSourceMap: true})
    expect(keyed.resultSourceMap?.paths).toContain("$['body'][0]['children'][0]")
  })

  it('lets @sanity/client stega-encode the edit link of each string', async () => {
    const stega = t.anonymous.withConfig({stega: {enabled: true, studioUrl: '/studio'}})
    const result = await stega.fetch<{title: string; slug: string; author: {name: string}}>(QUERY)
    const decoded = vercelStegaDecode(result.title) as {href: string; origin: string}
    expect(decoded.origin).toBe('sanity.io')
    expect(decoded.href).toContain('/studio/intent/edit/mode=presentation;id=post-1;type=post;path=title')
    expect((vercelStegaDecode(result.author.name) as {href: string}).href).toContain('id=a1;type=author;path=name')
    // Slugs are never encoded (the client's own filter).
    expect(result.slug).toBe('the-title')
  })

  it('rejects an invalid value with a 400', async () => {
    const response = await fetch(t.api('/data/query/production?query=1&resultSourceMap=yes'))
    expect(response.status).toBe(400)
  })
})
