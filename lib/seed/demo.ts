import crypto from 'node:crypto'
import {siteUrl as configuredSiteUrl} from '@/lib/env'
import {demoAuthors, demoCategories, demoPosts, demoTags, type DemoPost} from './demoPosts'
import {plainBlock, richBlock, stableKey, type Block} from './portableText'
import {referencePostParts} from './referencePost'

/**
 * The demo content a fresh lake starts with (`seedDocuments` of startLake, `npm run lake -- seed`):
 * the "In Venezuela" reference post rendered faithfully, the post that pinged it, its approved
 * pingback, the site settings taken from its footer, and a year of shorter news posts around it.
 * Everything is deterministic: same ids, same `_key`s, same values on every call.
 */

export const REFERENCE_POST_SLUG = 'nyt-white-house-secret-meetings-venezuelan-officers-coup'
export const REFERENCE_POST_ID = `post-${REFERENCE_POST_SLUG}`
export const PINGING_POST_SLUG = '09-09-18-confessed-and-convicted'
export const PINGING_POST_ID = `post-${PINGING_POST_SLUG}`

/** The id scheme of docs/data-model.md: `pingback.<sha1(source + ' ' + target) hex>`. */
export function pingbackId(sourceUrl: string, targetUrl: string): string {
  return `pingback.${crypto.createHash('sha1').update(`${sourceUrl} ${targetUrl}`).digest('hex')}`
}

const postUrl = (base: string, slug: string) => `${base}/posts/${slug}`
const ref = (id: string) => ({_type: 'reference', _ref: id})
const refList = (owner: string, ids: string[]) =>
  ids.map((id) => ({...ref(id), _key: stableKey(`${owner}/${id}`)}))

/** Turns the demo's light paragraph notation ("## ", "> ", "- ", [link](href)) into blocks. */
function demoBody(post: Pick<DemoPost, 'slug' | 'paragraphs'>): Block[] {
  return post.paragraphs.map((paragraph, index) => {
    const seed = `${post.slug}/body/${index}`
    if (paragraph.startsWith('## ')) return richBlock(seed, paragraph.slice(3), {style: 'h2'})
    if (paragraph.startsWith('> ')) return richBlock(seed, paragraph.slice(2), {style: 'blockquote'})
    if (paragraph.startsWith('- ')) return richBlock(seed, paragraph.slice(2), {listItem: 'bullet'})
    return richBlock(seed, paragraph)
  })
}

function postDocument(post: Omit<DemoPost, 'paragraphs'>, body: Block[]) {
  const id = `post-${post.slug}`
  return {
    _id: id,
    _type: 'post',
    title: post.title,
    slug: {_type: 'slug', current: post.slug},
    excerpt: post.excerpt,
    body,
    author: ref(`author-${post.author}`),
    categories: refList(id, post.categories.map((slug) => `category-${slug}`)),
    tags: refList(id, post.tags.map((slug) => `tag-${slug}`)),
    publishedAt: post.publishedAt,
    pingsOpen: true,
  }
}

const REFERENCE_POST: Omit<DemoPost, 'paragraphs'> = {
  slug: REFERENCE_POST_SLUG,
  title: 'NYT: White House Held Secret Meetings with Venezuelan Officers Plotting a Coup',
  publishedAt: '2018-09-08T22:15:00.000Z',
  author: 'daniel-rios',
  categories: ['politics', 'international'],
  tags: ['maduro', 'united-states', 'military'],
  excerpt:
    'The New York Times reports that over the past year the White House held secret meetings with Venezuelan army officers who were plotting to overthrow Maduro, and then declined to help them.',
}

/** The post that linked to the reference post the next day (the sample's "Pingback:" line). */
function pingingPost(title: string): DemoPost {
  return {
    slug: PINGING_POST_SLUG,
    title,
    publishedAt: '2018-09-09T21:40:00.000Z',
    author: 'daniel-rios',
    categories: ['politics'],
    tags: ['maduro', 'military', 'human-rights'],
    excerpt:
      'A televised confession, a verdict before the trial and a government eager to change the subject after the New York Times report.',
    paragraphs: [
      `Yesterday I wrote about [The New York Times’ report on the White House’s secret meetings with Venezuelan officers](/posts/${REFERENCE_POST_SLUG}) who were plotting a coup. Today the government answered the only way it knows: by showing a confession.`,
      'State television aired a new video of a detained officer admitting to taking part in a conspiracy against the president. His lawyers say they have not been allowed to see him since his arrest, and that the statement was recorded under pressure.',
      'Senior officials said the video proves that the plot described by the newspaper was directed from Washington. None of them explained how a confession recorded in custody could settle that, or why a court would still be needed once the verdict had been announced on television.',
      '## What comes next',
      'The officer is expected before a military court this week. Human rights groups have asked to attend the hearing; they do not expect an answer.',
    ],
  }
}

export interface DemoOptions {
  /** Public origin of the site, for the pingback's absolute URLs. Defaults to NEXT_PUBLIC_SITE_URL. */
  siteUrl?: string
}

export function demoDocuments(options: DemoOptions = {}): Record<string, unknown>[] {
  const base = (options.siteUrl ?? configuredSiteUrl).replace(/\/+$/, '')
  const reference = referencePostParts()

  const settings = {
    _id: 'siteSettings',
    _type: 'siteSettings',
    title: 'In Venezuela',
    description:
      'Daily news and analysis on Venezuelan politics, the economy and the crisis, for readers in English.',
    language: 'en',
    contactBlurb: reference.contactBlurb,
    contactEmail: reference.contactEmail,
    postsPerPage: 10,
    feedItemCount: 20,
    autoApprovePingbacks: false,
  }

  const authors = demoAuthors.map((author) => ({
    _id: `author-${author.slug}`,
    _type: 'author',
    name: author.name,
    slug: {_type: 'slug', current: author.slug},
    bio: author.bio.map((text, index) => plainBlock(`author-${author.slug}/bio/${index}`, text)),
    ...(author.url ? {url: author.url} : {}),
    ...(author.email ? {email: author.email} : {}),
  }))
  const categories = demoCategories.map((category) => ({
    _id: `category-${category.slug}`,
    _type: 'category',
    title: category.title,
    slug: {_type: 'slug', current: category.slug},
    ...(category.description ? {description: category.description} : {}),
  }))
  const tags = demoTags.map((tag) => ({
    _id: `tag-${tag.slug}`,
    _type: 'tag',
    title: tag.title,
    slug: {_type: 'slug', current: tag.slug},
  }))

  const referenceBody = reference.paragraphs.map((paragraph, index) =>
    plainBlock(`${REFERENCE_POST_SLUG}/body/${index}`, paragraph.text, paragraph.style),
  )
  const pinging = pingingPost(reference.pingbackSourceTitle)
  const posts = [
    postDocument(REFERENCE_POST, referenceBody),
    postDocument(pinging, demoBody(pinging)),
    ...demoPosts.map((post) => postDocument(post, demoBody(post))),
  ]

  const sourceUrl = postUrl(base, PINGING_POST_SLUG)
  const targetUrl = postUrl(base, REFERENCE_POST_SLUG)
  const pingback = {
    _id: pingbackId(sourceUrl, targetUrl),
    _type: 'pingback',
    kind: 'internal',
    status: 'approved',
    sourceUrl,
    sourceTitle: reference.pingbackSourceTitle,
    sourceSite: reference.pingbackSourceSite,
    excerpt:
      'Yesterday I wrote about The New York Times’ report on the White House’s secret meetings with Venezuelan officers who were plotting a coup.',
    target: {_type: 'reference', _ref: REFERENCE_POST_ID, _weak: true},
    targetUrl,
    receivedAt: pinging.publishedAt,
    verifiedAt: pinging.publishedAt,
  }

  return [settings, ...authors, ...categories, ...tags, ...posts, pingback, demoPendingPingback(targetUrl)]
}

/**
 * A pingback awaiting moderation, so a new editor can try approving (and un-approving) one in the
 * Studio without needing a second blog. Its source is on the reserved `.example` domain: clearly
 * a demo, and never fetched (it is stored as already received).
 */
export const DEMO_PENDING_SOURCE_URL = 'https://caracas-notes.example/2018/09/10/the-coup-that-never-was/'

function demoPendingPingback(targetUrl: string): Record<string, unknown> {
  return {
    _id: pingbackId(DEMO_PENDING_SOURCE_URL, targetUrl),
    _type: 'pingback',
    kind: 'pingback',
    status: 'pending',
    sourceUrl: DEMO_PENDING_SOURCE_URL,
    sourceTitle: 'The coup that never was',
    sourceSite: 'Caracas Notes (demo)',
    excerpt: 'In Venezuela summarises the New York Times report on the secret meetings between White House officials and the plotters.',
    target: {_type: 'reference', _ref: REFERENCE_POST_ID, _weak: true},
    targetUrl,
    receivedAt: '2018-09-10T08:12:00.000Z',
    verifiedAt: '2018-09-10T08:12:00.000Z',
  }
}
