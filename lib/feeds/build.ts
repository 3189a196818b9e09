/**
 * Content → format-neutral feed (model.ts). Pure: no I/O, no clock, no environment — the caller
 * passes the site URL and the image URL function, so tests can build feeds from fixtures.
 * Every string from content is cleaned of XML-forbidden characters first (xml-safe.ts).
 */
import {absoluteHref, portableTextToHtml} from '@/lib/portable-text/html'
import {absoluteUrl, paths} from '@/lib/site/urls'
import {escapeHtml} from './html-text'
import {entryId, feedId} from './ids'
import type {ImageUrlFor} from './images'
import {feedUrl, scopePagePath, type FeedScope} from './links'
import {MAX_SUMMARY_LENGTH} from './limits'
import type {FeedCategory, FeedChannel, FeedDocument, FeedEntry, FeedPerson, TopicKind} from './model'
import type {FeedPostResult, FeedSource} from './source'
import {sanitizeDeep} from './xml-safe'

export const GENERATOR = 'Dispatch'
const DEFAULT_TITLE = 'Dispatch'
const DEFAULT_LANGUAGE = 'en'

export interface BuildOptions {
  scope: FeedScope
  /** The site's public origin, e.g. `https://news.example` (lib/env.ts `siteUrl`). */
  siteUrl: string
  imageUrlFor: ImageUrlFor
}

/** Builds the feed, or returns null for a topic feed whose topic does not exist. */
export function buildFeed(rawSource: FeedSource, {scope, siteUrl, imageUrlFor}: BuildOptions): FeedDocument | null {
  const source = sanitizeDeep(rawSource)
  if (scope.kind !== 'site' && !source.topic) return null

  const entries = source.posts.map((post) => buildEntry(post, siteUrl, imageUrlFor)).filter((e): e is FeedEntry => e !== null)
  const channel = buildChannel(source, scope, siteUrl, imageUrlFor)
  return {channel, entries}
}

function buildChannel(source: FeedSource, scope: FeedScope, siteUrl: string, imageUrlFor: ImageUrlFor): FeedChannel {
  const {settings, topic} = source
  const siteTitle = text(settings?.title) || DEFAULT_TITLE
  const topicTitle = text(topic?.title) || (scope.kind !== 'site' ? scope.slug : '')
  const ogImage = settings?.ogImage
  const small = ogImage ? imageUrlFor(ogImage, {width: 144}) : null
  const wide = ogImage ? imageUrlFor(ogImage, {width: 1200, height: 600}) : null
  const square = ogImage ? imageUrlFor(ogImage, {width: 512, height: 512}) : null

  return {
    id: feedId(siteUrl, scope.kind === 'site' ? undefined : topic?._id),
    title: scope.kind === 'site' ? siteTitle : `${topicTitle} — ${siteTitle}`,
    description:
      scope.kind === 'site'
        ? text(settings?.description)
        : text(topic?.description) || topicDescription(scope.kind, topicTitle, siteTitle),
    language: language(settings?.language),
    homePageUrl: absoluteUrl(scopePagePath(scope), siteUrl),
    feedUrls: {rss: feedUrl('rss', scope, siteUrl), atom: feedUrl('atom', scope, siteUrl), json: feedUrl('json', scope, siteUrl)},
    updated: lastModified(source),
    image: small && wide && square ? {small, wide, square, alt: text(ogImage?.alt) || undefined} : undefined,
    generator: {name: GENERATOR},
  }
}

function topicDescription(kind: TopicKind, title: string, siteTitle: string): string {
  switch (kind) {
    case 'category':
      return `Posts filed under ${title} on ${siteTitle}`
    case 'tag':
      return `Posts tagged ${title} on ${siteTitle}`
    case 'author':
      return `Posts by ${title} on ${siteTitle}`
  }
}

function buildEntry(post: FeedPostResult, siteUrl: string, imageUrlFor: ImageUrlFor): FeedEntry | null {
  const published = date(post.publishedAt)
  const slug = text(post.slug)
  // The query guarantees both; a post without them has no page to link to, so it is skipped.
  if (!published || !slug) return null
  const updatedAt = date(post._updatedAt)
  const cover = post.coverImage ? imageUrlFor(post.coverImage, {width: 1200}) : null
  const body = portableTextToHtml(post.body, {baseUrl: siteUrl, imageUrlFor})
  const coverHtml = cover
    ? `<figure><img src="${escapeHtml(cover)}" alt="${escapeHtml(text(post.coverImage?.alt))}" /></figure>`
    : ''
  const summary = text(post.excerpt).slice(0, MAX_SUMMARY_LENGTH)

  return {
    id: entryId(siteUrl, post._id),
    url: absoluteUrl(paths.post(slug), siteUrl),
    title: text(post.title) || 'Untitled',
    summary: summary || undefined,
    contentHtml: coverHtml + body,
    published,
    // An entry is "updated" no earlier than it is published (a scheduled post's last edit precedes it).
    updated: updatedAt && updatedAt > published ? updatedAt : published,
    authors: authors(post, siteUrl),
    categories: categories(post, siteUrl),
    image: cover ?? undefined,
  }
}

function authors(post: FeedPostResult, siteUrl: string): FeedPerson[] {
  const name = text(post.author?.name)
  if (!name) return []
  const slug = text(post.author?.slug)
  const url = slug ? absoluteUrl(paths.author(slug), siteUrl) : absoluteHref(post.author?.url, siteUrl)
  return [{name, url: url ?? undefined}]
}

function categories(post: FeedPostResult, siteUrl: string): FeedCategory[] {
  const out: FeedCategory[] = []
  const add = (kind: 'category' | 'tag', refs: FeedPostResult['categories']) => {
    for (const ref of refs ?? []) {
      const slug = text(ref?.slug)
      if (!slug) continue // a dangling reference (deleted category) has nothing to show
      out.push({term: slug, label: text(ref?.title) || slug, scheme: absoluteUrl(`/${kind}/`, siteUrl)})
    }
  }
  add('category', post.categories)
  add('tag', post.tags)
  return out
}

/**
 * The feed's last change: the newest of the settings, the topic, every post (its edit or, for a
 * scheduled post, the moment it went live) and every author/category/tag shown in it.
 * A deleted or unpublished post cannot move this forward; the ETag (a hash of the body) catches that.
 */
export function lastModified({settings, topic, posts}: FeedSource): Date {
  let latest = 0
  const consider = (value: unknown) => {
    const time = date(value)?.getTime()
    if (time !== undefined && time > latest) latest = time
  }
  consider(settings?._updatedAt)
  consider(topic?._updatedAt)
  for (const post of posts) {
    consider(post._updatedAt)
    consider(post.publishedAt)
    consider(post.author?._updatedAt)
    for (const ref of [...(post.categories ?? []), ...(post.tags ?? [])]) consider(ref?._updatedAt)
  }
  return new Date(latest)
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : ''
}

function date(value: unknown): Date | null {
  if (typeof value !== 'string') return null
  const parsed = new Date(value)
  return Number.isNaN(parsed.getTime()) ? null : parsed
}

function language(value: unknown): string {
  const lang = text(value)
  return /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(lang) ? lang : DEFAULT_LANGUAGE
}
