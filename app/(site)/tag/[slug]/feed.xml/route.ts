// Per-tag feed (rss); all logic lives in lib/feeds.
import {topicFeedRoute} from '@/lib/feeds/route'

export const GET = topicFeedRoute('tag', 'rss')
