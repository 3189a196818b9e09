/**
 * Reads a feed's content from the lake (or hosted Sanity). Only published documents (the reader
 * client's `published` perspective) and only visible posts (`publishedAt <= now()`, in the query).
 * Fetches go through Next's Data Cache with the site's cache tags, so a feed is re-queried only
 * when `/api/revalidate` expires a tag (a publish, an edit) or the safety-net interval passes.
 * `draft: false`: feeds never show drafts, not even to an editor browsing in draft mode.
 */
import 'server-only'
import {TAGS} from '@/lib/site/tags'
import {sanityFetch} from '@/sanity/lib/fetch'
import {feedPostsQuery, feedSettingsQuery, feedTopicQuery} from '@/sanity/lib/queries'
import type {FeedScope} from './links'
import {feedItemLimit} from './limits'
import type {FeedPostResult, FeedSettingsResult, FeedSource, FeedTopicResult} from './source'

/** Everything any feed shows: posts, their authors/categories/tags, and the settings. */
const FEED_TAGS = [TAGS.post, TAGS.settings, TAGS.category, TAGS.tag, TAGS.author]

/** The feed's content, or null when a topic feed's topic does not exist. */
export async function fetchFeedSource(scope: FeedScope): Promise<FeedSource | null> {
  const [settings, topic] = await Promise.all([
    sanityFetch<FeedSettingsResult>({query: feedSettingsQuery, tags: FEED_TAGS, draft: false}),
    scope.kind === 'site'
      ? Promise.resolve(null)
      : sanityFetch<FeedTopicResult>({query: feedTopicQuery, params: {kind: scope.kind, slug: scope.slug}, tags: FEED_TAGS, draft: false}),
  ])
  if (scope.kind !== 'site' && !topic) return null
  const posts = await sanityFetch<FeedPostResult[] | null>({
    query: feedPostsQuery,
    params: {topicId: topic?._id ?? '', limit: feedItemLimit(settings?.feedItemCount)},
    tags: FEED_TAGS,
    draft: false,
  })
  return {settings, topic, posts: posts ?? []}
}
