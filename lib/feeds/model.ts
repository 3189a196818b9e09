/**
 * The format-neutral feed: what the builder makes from content and the three serialisers
 * (RSS 2.0, Atom 1.0, JSON Feed 1.1) write out. All URLs in it are absolute, all HTML is complete.
 */

export type FeedFormat = 'rss' | 'atom' | 'json'
export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json']

/** Topics that have their own feeds, named like the site's topic routes (`/category/<slug>` …). */
export type TopicKind = 'category' | 'tag' | 'author'
export const TOPIC_KINDS: readonly TopicKind[] = ['category', 'tag', 'author']

export interface FeedPerson {
  name: string
  /** The person's page on this site or their own site. */
  url?: string
}

export interface FeedCategory {
  /** Machine value (the slug). */
  term: string
  /** Human label (the title). */
  label: string
  /** Taxonomy base URL, e.g. `https://site/category/`; term appended gives the topic page. */
  scheme: string
}

export interface FeedEntry {
  /** Stable, never-reused id (a `tag:` URI built from the document id; see ids.ts). */
  id: string
  /** Absolute permalink. */
  url: string
  title: string
  /** Plain-text summary (the excerpt). */
  summary?: string
  /** Full body as HTML with absolute URLs. */
  contentHtml: string
  published: Date
  updated: Date
  authors: FeedPerson[]
  categories: FeedCategory[]
  /** Absolute URL of the cover image. */
  image?: string
}

export interface FeedChannel {
  /** Stable id of the feed itself (Atom `feed/id`). */
  id: string
  title: string
  description: string
  /** BCP 47 language tag. */
  language?: string
  /** The HTML page this feed mirrors (home page or topic page). */
  homePageUrl: string
  /** This feed's own URL in each format (self links, and the alternates Atom/JSON announce). */
  feedUrls: Record<FeedFormat, string>
  /** Latest change of anything in the feed; also the HTTP Last-Modified. */
  updated: Date
  /**
   * The site image (settings.ogImage) in the shapes each format asks for: RSS wants ≤ 144 px wide,
   * Atom's logo 2:1, JSON Feed's icon square.
   */
  image?: {small: string; wide: string; square: string; alt?: string}
  generator: {name: string}
}

export interface FeedDocument {
  channel: FeedChannel
  entries: FeedEntry[]
}
