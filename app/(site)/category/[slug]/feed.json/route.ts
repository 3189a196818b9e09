// Per-category feed (json); all logic lives in lib/feeds.
import {topicFeedRoute} from '@/lib/feeds/route'

export const GET = topicFeedRoute('category', 'json')
