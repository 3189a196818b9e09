// Per-author feed (json); all logic lives in lib/feeds.
import {topicFeedRoute} from '@/lib/feeds/route'

export const GET = topicFeedRoute('author', 'json')
