// Site-wide feed (json); all logic lives in lib/feeds.
import {siteFeedRoute} from '@/lib/feeds/route'

export const GET = siteFeedRoute('json')
