import {describe, expect, it} from 'vitest'
import {COMMON_SEARCH_WORD, createRandom, datasetShape, generateDataset, NEWEST_POST_AT, postSlug} from '@/bench/dataset'

type Doc = Record<string, unknown> & {_id: string; _type: string}
const docs = (posts: number, seed = 1, settings = false) => [...generateDataset({posts, seed, settings})] as Doc[]

const ALLOWED_STYLES = new Set(['normal', 'h2', 'h3', 'h4', 'blockquote'])
const ALLOWED_DECORATORS = new Set(['strong', 'em', 'code', 'underline', 'strike-through'])
const ALLOWED_BODY_TYPES = new Set(['block', 'image', 'codeBlock', 'embed'])

describe('bench dataset generator', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(JSON.stringify(docs(120, 7))).toBe(JSON.stringify(docs(120, 7)))
    expect(JSON.stringify(docs(120, 7))).not.toBe(JSON.stringify(docs(120, 8)))
    const a = createRandom(3)
    const b = createRandom(3)
    expect([a(), a(), a()]).toEqual([b(), b(), b()])
  })

  it('has the shape it announces, with unique ids and slugs', () => {
    const shape = datasetShape(500)
    const all = docs(500, 1, true)
    const count = (type: string, drafts = false) =>
      all.filter((d) => d._type === type && d._id.startsWith('drafts.') === drafts).length
    expect(count('siteSettings')).toBe(1)
    expect(count('author')).toBe(shape.authors)
    expect(count('category')).toBe(shape.categories)
    expect(count('tag')).toBe(shape.tags)
    expect(count('post')).toBe(shape.visiblePosts + shape.scheduledPosts)
    expect(count('post', true)).toBeGreaterThanOrEqual(shape.drafts)
    expect(new Set(all.map((d) => d._id)).size).toBe(all.length)
    const slugs = all.filter((d) => d._type === 'post' && !d._id.startsWith('drafts.')).map((d) => (d.slug as {current: string}).current)
    expect(new Set(slugs).size).toBe(slugs.length)
    expect(slugs[0]).toBe(postSlug(0))
  })

  it('writes documents as docs/data-model.md defines them', () => {
    const all = docs(300, 2, true)
    const ids = new Set(all.map((d) => d._id))
    for (const doc of all) {
      expect(doc._id).not.toMatch(/^(?!drafts\.)[^.]*\./) // no private ids: readers may see them all
      if (doc._type === 'author') expect(doc._id).toMatch(/^author-/)
      if (doc._type === 'tag') expect(doc._id).toMatch(/^tag-/)
      if (doc._type === 'category') expect(doc._id).toBe(`category-${(doc.slug as {current: string}).current}`)
      if (doc._type !== 'post') continue

      expect(typeof doc.title).toBe('string')
      expect(doc.slug).toMatchObject({_type: 'slug', current: expect.any(String)})
      expect((doc.excerpt as string).length).toBeLessThanOrEqual(300)
      expect(Number.isNaN(Date.parse(doc.publishedAt as string))).toBe(false)
      expect(typeof doc.pingsOpen).toBe('boolean')
      const author = doc.author as {_type: string; _ref: string}
      expect(author._type).toBe('reference')
      expect(ids.has(author._ref)).toBe(true)
      for (const field of ['categories', 'tags'] as const) {
        const refs = doc[field] as {_type: string; _ref: string; _key: string}[]
        expect(refs.length).toBeGreaterThan(0)
        for (const r of refs) {
          expect(r).toMatchObject({_type: 'reference', _key: expect.any(String)})
          expect(ids.has(r._ref)).toBe(true)
          expect(r._ref.startsWith(field === 'tags' ? 'tag-' : 'category-')).toBe(true)
        }
      }
      const body = doc.body as Record<string, unknown>[]
      const keys = body.map((b) => b._key)
      expect(new Set(keys).size).toBe(keys.length)
      for (const block of body) {
        expect(ALLOWED_BODY_TYPES.has(block._type as string)).toBe(true)
        if (block._type !== 'block') continue
        expect(ALLOWED_STYLES.has(block.style as string)).toBe(true)
        if (block.listItem) expect(['bullet', 'number']).toContain(block.listItem)
        const markDefs = block.markDefs as {_key: string; _type: string; href: string}[]
        for (const def of markDefs) {
          expect(def._type).toBe('link')
          expect(def.href).toMatch(/^https:\/\//)
        }
        const defKeys = new Set(markDefs.map((d) => d._key))
        for (const span of block.children as {_type: string; text: string; marks: string[]}[]) {
          expect(span._type).toBe('span')
          for (const mark of span.marks) expect(ALLOWED_DECORATORS.has(mark) || defKeys.has(mark)).toBe(true)
        }
      }
      expect(JSON.stringify(body)).toContain(COMMON_SEARCH_WORD)
    }
  })

  it('dates visible posts in the past, newest first, and schedules the rest far ahead', () => {
    const posts = docs(400).filter((d) => d._type === 'post' && !d._id.startsWith('drafts.'))
    const shape = datasetShape(400)
    const times = posts.map((p) => Date.parse(p.publishedAt as string))
    expect(times[0]).toBe(NEWEST_POST_AT)
    for (let i = 1; i < shape.visiblePosts; i++) expect(times[i]).toBeLessThan(times[i - 1])
    for (const time of times.slice(shape.visiblePosts)) expect(new Date(time).getUTCFullYear()).toBeGreaterThanOrEqual(2100)
    expect(times.slice(0, shape.visiblePosts).every((t) => t < Date.now())).toBe(true)
  })

  it('refuses sizes that make no sense', () => {
    expect(() => datasetShape(0)).toThrow(RangeError)
    expect(() => datasetShape(1.5)).toThrow(RangeError)
  })
})
