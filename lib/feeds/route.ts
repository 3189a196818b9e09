/**
 * Route handlers for every feed URL. The app/ route files are one-liners calling these.
 */
import 'server-only'
import {siteUrl} from '@/lib/env'
import {decodeSlug} from '@/lib/site/slugs'
import {buildFeed} from './build'
import {fetchFeedSource} from './data'
import {feedError, feedResponse} from './http'
import {feedImageUrlFor} from './images'
import {FEED_CONTENT_TYPE, type FeedScope} from './links'
import type {FeedFormat, TopicKind} from './model'
import {serializeFeed} from './serialize'

type TopicContext = {params: Promise<{slug: string}>}

async function respond(request: Request, format: FeedFormat, scope: FeedScope): Promise<Response> {
  let source
  try {
    source = await fetchFeedSource(scope)
  } catch (error) {
    // The content backend is down or misconfigured: tell readers to come back, log the cause here.
    console.error(`[feeds] could not load ${format} feed:`, error instanceof Error ? error.message : error)
    return feedError(503, 'The feed is temporarily unavailable.', {'Retry-After': '60'})
  }
  const feed = source ? buildFeed(source, {scope, siteUrl, imageUrlFor: feedImageUrlFor}) : null
  if (!feed) return feedError(404, `No such ${scope.kind}.`)
  return feedResponse(request, {
    body: serializeFeed(format, feed),
    contentType: FEED_CONTENT_TYPE[format],
    lastModified: feed.channel.updated,
  })
}

/** `GET /feed.xml`, `/atom.xml`, `/feed.json`. */
export function siteFeedRoute(format: FeedFormat) {
  return async function GET(request: Request): Promise<Response> {
    return respond(request, format, {kind: 'site'})
  }
}

/** `GET /<kind>/<slug>/feed.xml` etc. */
export function topicFeedRoute(kind: TopicKind, format: FeedFormat) {
  return async function GET(request: Request, context: TopicContext): Promise<Response> {
    const {slug: rawSlug} = await context.params
    const slug = decodeSlug(rawSlug)
    if (!slug) return feedError(404, `No such ${kind}.`)
    return respond(request, format, {kind, slug})
  }
}
