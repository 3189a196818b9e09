/**
 * Where the feeds live, and the `<link rel="alternate">` entries that let browsers and readers
 * discover them. Scheme (documented in docs/feeds.md):
 *   site-wide:  /feed.xml  /atom.xml  /feed.json
 *   per topic:  /category/<slug>/feed.xml|atom.xml|feed.json, likewise /tag/<slug>/… and /author/<slug>/…
 */
import type {Metadata} from 'next'
import {siteUrl} from '@/lib/env'
import {absoluteUrl, paths} from '@/lib/site/urls'
import type {FeedFormat, TopicKind} from './model'

export type FeedScope = {kind: 'site'} | {kind: TopicKind; slug: string}

export const FEED_FILE: Record<FeedFormat, string> = {rss: 'feed.xml', atom: 'atom.xml', json: 'feed.json'}

export const FEED_CONTENT_TYPE: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
}

const MIME: Record<FeedFormat, string> = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
}
const FORMAT_LABEL: Record<FeedFormat, string> = {rss: 'RSS', atom: 'Atom', json: 'JSON Feed'}

/** The HTML page a scope's feed mirrors, as a path. */
export function scopePagePath(scope: FeedScope): string {
  if (scope.kind === 'site') return paths.home()
  return paths[scope.kind](scope.slug)
}

/** Path of one feed, e.g. `/feed.xml` or `/category/politics/atom.xml`. */
export function feedPath(format: FeedFormat, scope: FeedScope): string {
  if (scope.kind === 'site') return `/${FEED_FILE[format]}`
  return `${scopePagePath(scope)}/${FEED_FILE[format]}`
}

export function feedUrl(format: FeedFormat, scope: FeedScope, base: string = siteUrl): string {
  return absoluteUrl(feedPath(format, scope), base)
}

type AlternateTypes = NonNullable<NonNullable<Metadata['alternates']>['types']>

function alternates(scope: FeedScope, title: string): AlternateTypes {
  const types: AlternateTypes = {}
  for (const format of ['rss', 'atom', 'json'] as const) {
    types[MIME[format]] = [{url: feedUrl(format, scope), title: `${title} (${FORMAT_LABEL[format]})`}]
  }
  return types
}

/**
 * For a topic page's `generateMetadata`: `alternates: {types: feedAlternates('category', slug, title)}`
 * adds RSS, Atom and JSON Feed autodiscovery links for that topic's feeds.
 */
export function feedAlternates(kind: TopicKind, slug: string, title: string): AlternateTypes {
  return alternates({kind, slug}, title)
}

/** The same for the root layout (site-wide feeds). */
export function siteFeedAlternates(siteTitle: string): AlternateTypes {
  return alternates({kind: 'site'}, siteTitle)
}
