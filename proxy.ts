import {NextResponse} from 'next/server'
import {siteUrl} from '@/lib/env'

/**
 * Pingback and Webmention discovery headers on post pages (Next 16's `proxy.ts`, formerly
 * middleware). Headers rather than next.config.ts `headers()` because the absolute X-Pingback URL
 * must follow the site URL at run time, not the one seen at build time. The page head carries
 * `<link rel="pingback">` and `<link rel="webmention">` too (components/pingbacks/PingbackSection.tsx).
 */
export function proxy() {
  const response = NextResponse.next()
  response.headers.set('X-Pingback', `${siteUrl}/xmlrpc`)
  response.headers.append('Link', `<${siteUrl}/webmention>; rel="webmention"`)
  return response
}

export const config = {
  // Post pages only (one path segment after /posts; not their OG image routes).
  matcher: '/posts/:slug',
}
