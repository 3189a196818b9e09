import type {MetadataRoute} from 'next'
import {studioPath} from '@/lib/env'
import {absoluteUrl} from '@/lib/site/urls'

export default function robots(): MetadataRoute.Robots {
  return {
    rules: {userAgent: '*', allow: '/', disallow: [studioPath, '/api/']},
    sitemap: absoluteUrl('/sitemap.xml'),
  }
}
