// Per-tag feed (atom); all logic lives in lib/feeds.
import {topicFeedRoute} from '@/lib/feeds/route'

export const GET = topicFeedRoute('tag', 'atom')
