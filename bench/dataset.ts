/**
 * A synthetic, deterministic blog for the benchmarks: authors, categories, tags and posts with
 * Portable Text bodies, shaped exactly like docs/data-model.md says (ids, fields, PT members), so
 * the site's real queries do real work on it. Same seed and size → byte-identical documents.
 * Generated on the fly (a generator), never written to the repository.
 *
 * Not included: images (a post's `coverImage` and body `image` blocks need uploaded assets; the
 * benchmark lake has none, so they would only be dangling references).
 */

export interface DatasetOptions {
  /** Number of published posts (drafts and scheduled posts come on top, see below). */
  posts: number
  seed?: number
  /** Emit the `siteSettings` singleton (off when the demo seed already provides one). */
  settings?: boolean
}

export interface DatasetShape {
  authors: number
  categories: number
  tags: number
  /** Published posts whose publishedAt is in the past. */
  visiblePosts: number
  /** Posts scheduled far in the future (readers must not see them). */
  scheduledPosts: number
  /** `drafts.` copies of existing posts (an editor's unpublished changes). */
  drafts: number
}

type Doc = Record<string, unknown> & {_id: string; _type: string}

/** The newest post's date; older posts follow one every three hours. Fixed so runs are comparable. */
export const NEWEST_POST_AT = Date.UTC(2025, 5, 1, 12, 0, 0)
/** Scheduled posts are published in a year no benchmark will reach. */
const SCHEDULED_YEAR = 2100
/** A word every post body contains at least once, for search benchmarks that must find something. */
export const COMMON_SEARCH_WORD = 'inflation'

const WORDS = (
  'government opposition election assembly minister president court council economy oil exports ' +
  'currency bolivar dollar prices market wages workers union strike protest march capital city ' +
  'province border migration refugees families hospital doctors medicine shortage water power ' +
  'blackout grid refinery tanker sanctions treasury bank debt bonds creditors default budget ' +
  'reform decree constitution mayor governor police military officers general army navy ' +
  'journalist newspaper report sources officials statement interview spokesperson analysts ' +
  'survey poll voters turnout ballot campaign candidate coalition party leader speech rally ' +
  'negotiation talks dialogue mediation agreement deadline crisis recovery growth decline ' +
  'harvest farmers food imports transport fuel queue station school teachers students ' +
  'university research data figures record month week morning evening yesterday today'
).split(' ')

const TITLE_WORDS = [
  'Assembly', 'Court', 'Ministry', 'Protesters', 'Refinery', 'Opposition', 'Governor', 'Central Bank',
  'Teachers', 'Border', 'Oil Output', 'Blackout', 'Talks', 'Sanctions', 'Election Board', 'Prices',
]
const TITLE_VERBS = ['Rejects', 'Announces', 'Delays', 'Approves', 'Questions', 'Extends', 'Suspends', 'Confirms']
const CATEGORY_NAMES = [
  'Politics', 'Economy', 'International', 'Oil', 'Human Rights', 'Migration', 'Health', 'Energy',
  'Justice', 'Culture', 'Opinion', 'Analysis',
]
const FIRST_NAMES = ['Ana', 'Luis', 'Carmen', 'Jorge', 'Elena', 'Pedro', 'Lucía', 'Miguel', 'Sofía', 'Andrés']
const LAST_NAMES = ['García', 'Pérez', 'Rodríguez', 'Hernández', 'Silva', 'Torres', 'Rojas', 'Mendoza', 'Castillo', 'Vargas']
const CODE_LANGUAGES = ['typescript', 'json', 'sh', 'python']

/** mulberry32: a tiny, fast, seedable PRNG; good enough for shaping test data. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function datasetShape(posts: number): DatasetShape {
  if (!Number.isInteger(posts) || posts < 1) throw new RangeError(`posts must be a positive integer, got ${posts}`)
  return {
    authors: Math.min(200, Math.max(4, Math.round(posts / 250))),
    categories: CATEGORY_NAMES.length,
    tags: Math.min(2000, Math.max(20, Math.round(posts / 50))),
    visiblePosts: posts,
    scheduledPosts: Math.max(1, Math.floor(posts / 200)),
    drafts: Math.max(1, Math.floor(posts / 50)),
  }
}

const slugify = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

const pad = (n: number) => String(n).padStart(6, '0')
export const postId = (index: number) => `post-bench-${pad(index)}`
export const authorId = (index: number) => `author-bench-${index}`
export const tagId = (index: number) => `tag-bench-${index}`
export const categoryId = (index: number) => `category-${slugify(CATEGORY_NAMES[index])}`

/** The slug of the index-th post (0 = newest); lets benchmarks address posts without a query. */
export function postSlug(index: number): string {
  return `bench-${pad(index)}`
}

/** The title of the index-th post, deterministic for a given seed. */
function postTitle(random: () => number, index: number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]
  return `${pick(TITLE_WORDS)} ${pick(TITLE_VERBS)} ${pick(WORDS)} ${pick(WORDS)} Plan (${index})`
}

class Writer {
  private keyCounter = 0
  constructor(
    readonly random: () => number,
    private readonly keyPrefix: string,
  ) {}

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1))
  }
  key(): string {
    return `${this.keyPrefix}${(this.keyCounter++).toString(36)}`
  }
  sentence(words: number): string {
    const list = Array.from({length: words}, () => this.pick(WORDS))
    list[0] = list[0][0].toUpperCase() + list[0].slice(1)
    return list.join(' ') + '.'
  }
  paragraph(words: number): string {
    const sentences: string[] = []
    let left = words
    while (left > 0) {
      const length = Math.min(left, this.int(6, 18))
      sentences.push(this.sentence(length))
      left -= length
    }
    return sentences.join(' ')
  }
}

/** A text block: spans with decorators and, sometimes, a link annotation. */
function textBlock(w: Writer, options: {style?: string; listItem?: 'bullet' | 'number'; words: number}) {
  const text = w.paragraph(options.words)
  const markDefs: Record<string, unknown>[] = []
  const children: Record<string, unknown>[] = []
  const cut1 = Math.floor(text.length * 0.3)
  const cut2 = Math.floor(text.length * 0.45)
  const pieces = [text.slice(0, cut1), text.slice(cut1, cut2), text.slice(cut2)]
  pieces.forEach((piece, index) => {
    const marks: string[] = []
    if (index === 1) {
      const roll = w.random()
      if (roll < 0.3) {
        const key = w.key()
        markDefs.push({_type: 'link', _key: key, href: `https://example.com/news/${w.int(1, 99999)}`, blank: w.random() < 0.5})
        marks.push(key)
      } else if (roll < 0.5) marks.push('strong')
      else if (roll < 0.65) marks.push('em')
      else if (roll < 0.7) marks.push('code')
    }
    children.push({_type: 'span', _key: w.key(), text: piece, marks})
  })
  return {
    _type: 'block',
    _key: w.key(),
    style: options.style ?? 'normal',
    markDefs,
    children,
    ...(options.listItem ? {listItem: options.listItem, level: 1} : {}),
  }
}

/** A news-post body: paragraphs, a heading, sometimes a quote, a list, code or an embed. */
function postBody(w: Writer): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = []
  const paragraphs = w.int(4, 10)
  for (let i = 0; i < paragraphs; i++) {
    if (i === 2) blocks.push(textBlock(w, {style: w.pick(['h2', 'h3']), words: w.int(3, 8)}))
    blocks.push(textBlock(w, {words: w.int(25, 70)}))
    const roll = w.random()
    if (roll < 0.08) blocks.push(textBlock(w, {style: 'blockquote', words: w.int(12, 30)}))
    else if (roll < 0.14) {
      const listItem = w.pick(['bullet', 'number'] as const)
      for (let item = w.int(2, 4); item > 0; item--) blocks.push(textBlock(w, {listItem, words: w.int(5, 14)}))
    } else if (roll < 0.16) {
      blocks.push({_type: 'codeBlock', _key: w.key(), language: w.pick(CODE_LANGUAGES), filename: 'example.txt', code: w.paragraph(12)})
    } else if (roll < 0.19) {
      blocks.push({_type: 'embed', _key: w.key(), url: `https://example.com/video/${w.int(1, 9999)}`, caption: w.sentence(6)})
    }
  }
  // Guarantees the search benchmark a hit in every post's body.
  blocks.push(textBlock(w, {words: 8}))
  const last = blocks[blocks.length - 1] as {children: {text: string}[]}
  last.children[0].text = `On ${COMMON_SEARCH_WORD}: ${last.children[0].text}`
  return blocks
}

const slugField = (current: string) => ({_type: 'slug', current})
const reference = (id: string) => ({_type: 'reference', _ref: id})

/** All documents of the dataset, in dependency order (authors and taxonomies before posts). */
export function* generateDataset(options: DatasetOptions): Generator<Doc> {
  const shape = datasetShape(options.posts)
  const random = createRandom(options.seed ?? 1)
  const w = new Writer(random, 'k')

  if (options.settings) {
    yield {
      _id: 'siteSettings',
      _type: 'siteSettings',
      title: 'Dispatch Bench',
      description: 'A synthetic news blog for benchmarks.',
      language: 'en',
      contactEmail: 'editor@example.com',
      contactBlurb: 'Questions/Comments? E-mail me:',
      postsPerPage: 10,
      feedItemCount: 20,
      autoApprovePingbacks: false,
    }
  }
  for (let i = 0; i < shape.authors; i++) {
    const name = `${FIRST_NAMES[i % FIRST_NAMES.length]} ${LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length]}`
    const aw = new Writer(random, `a${i}k`)
    yield {
      _id: authorId(i),
      _type: 'author',
      name,
      slug: slugField(`bench-${slugify(name)}-${i}`),
      bio: [textBlock(aw, {words: 30})],
      url: `https://example.com/authors/${i}`,
      email: `author${i}@example.com`,
    }
  }
  for (let i = 0; i < shape.categories; i++) {
    yield {
      _id: categoryId(i),
      _type: 'category',
      title: CATEGORY_NAMES[i],
      slug: slugField(slugify(CATEGORY_NAMES[i])),
      description: w.sentence(12),
    }
  }
  for (let i = 0; i < shape.tags; i++) {
    const title = `${w.pick(WORDS)} ${i}`
    yield {_id: tagId(i), _type: 'tag', title, slug: slugField(`bench-${slugify(title)}`)}
  }

  const totalPosts = shape.visiblePosts + shape.scheduledPosts
  const draftEvery = Math.floor(shape.visiblePosts / shape.drafts)
  for (let i = 0; i < totalPosts; i++) {
    const scheduled = i >= shape.visiblePosts
    const id = postId(i)
    const pw = new Writer(random, `p${i}k`)
    const categoryCount = pw.int(1, 2)
    const tagCount = pw.int(1, 4)
    const categories = new Set(Array.from({length: categoryCount}, () => pw.int(0, shape.categories - 1)))
    const tags = new Set(Array.from({length: tagCount}, () => pw.int(0, shape.tags - 1)))
    const title = postTitle(random, i)
    const publishedAt = scheduled
      ? new Date(Date.UTC(SCHEDULED_YEAR, 0, 1) + i * 60_000).toISOString()
      : new Date(NEWEST_POST_AT - i * 3 * 3_600_000).toISOString()
    const post: Doc = {
      _id: id,
      _type: 'post',
      title,
      slug: slugField(postSlug(i)),
      excerpt: pw.paragraph(pw.int(20, 40)).slice(0, 300),
      body: postBody(pw),
      author: reference(authorId(pw.int(0, shape.authors - 1))),
      categories: [...categories].map((c) => ({...reference(categoryId(c)), _key: pw.key()})),
      tags: [...tags].map((t) => ({...reference(tagId(t)), _key: pw.key()})),
      publishedAt,
      pingsOpen: pw.random() < 0.9,
    }
    yield post
    if (!scheduled && draftEvery > 0 && i % draftEvery === draftEvery - 1) {
      yield {...post, _id: `drafts.${id}`, title: `${title} (updated)`}
    }
  }
}
