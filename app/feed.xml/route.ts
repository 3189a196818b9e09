// Site-wide feed (rss); all logic lives in lib/feeds.
import {siteFeedRoute} from '@/lib/feeds/route'

export const GET = siteFeedRoute('rss')
