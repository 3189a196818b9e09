/**
 * What the feed queries (sanity/lib/queries.ts: feedSettingsQuery, feedTopicQuery, feedPostsQuery)
 * return, written to match their projections. Every field may be missing or null: content comes
 * from editors and older documents, and the builder copes with any gap.
 */
import type {FeedImageSource} from './images'

export type FeedSettingsResult = {
  _updatedAt?: string | null
  title?: string | null
  description?: string | null
  language?: string | null
  feedItemCount?: number | null
  ogImage?: FeedImageSource | null
} | null

export type FeedTopicResult = {
  _id: string
  _updatedAt?: string | null
  title?: string | null
  description?: string | null
  slug?: string | null
} | null

type TopicRef = {_updatedAt?: string | null; title?: string | null; slug?: string | null} | null

export type FeedPostResult = {
  _id: string
  _updatedAt?: string | null
  title?: string | null
  slug?: string | null
  excerpt?: string | null
  publishedAt?: string | null
  coverImage?: FeedImageSource | null
  body?: unknown
  author?: {_updatedAt?: string | null; name?: string | null; slug?: string | null; url?: string | null} | null
  categories?: TopicRef[] | null
  tags?: TopicRef[] | null
}

export interface FeedSource {
  settings: FeedSettingsResult
  /** The topic document for a per-topic feed; null for the site-wide feed. */
  topic: FeedTopicResult
  posts: FeedPostResult[]
}
