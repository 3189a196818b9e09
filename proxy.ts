import {NextResponse, type NextRequest} from 'next/server'
import {siteUrl} from '@/lib/env'
import {findRedirect} from '@/lib/redirects/lookup'

/**
 * Runs before routing (Next 16's `proxy.ts`, formerly middleware), for two jobs:
 *
 * - Pingback and Webmention discovery headers on post pages. Headers rather than next.config.ts
 *   `headers()` because the absolute X-Pingback URL must follow the site URL at run time, not the
 *   one seen at build time. The page head carries `<link rel="pingback">` and `<link rel="webmention">`
 *   too (components/pingbacks/PingbackSection.tsx).
 * - Old addresses (WordPress permalinks, `?p=123`, old category/tag/feed paths) answer 301 with
 *   their new address, from the `redirect` documents (lib/redirects/lookup.ts: an in-memory table,
 *   one Map lookup per request). In the proxy rather than the catch-all route because a page
 *   cannot answer 301 (Next's permanentRedirect is a 308) and `/category/a/b/` or `/?p=1` are
 *   claimed by other routes.
 */
const POST_PAGE = /^\/posts\/[^/]+$/

export async function proxy(request: NextRequest) {
  const {pathname, search} = request.nextUrl
  if (POST_PAGE.test(pathname)) {
    const response = NextResponse.next()
    response.headers.set('X-Pingback', `${siteUrl}/xmlrpc`)
    response.headers.append('Link', `<${siteUrl}/webmention>; rel="webmention"`)
    return response
  }
  const target = await findRedirect(pathname, search)
  if (target) return NextResponse.redirect(new URL(target, request.nextUrl.origin), 301)
  return NextResponse.next()
}

export const config = {
  // Everything but framework files, the Studio, APIs and static assets.
  matcher: ['/((?!_next/|studio|api/|xmlrpc|webmention|.*\\.(?:js|css|map|png|jpe?g|gif|webp|avif|svg|ico|woff2?|txt)$).*)'],
}
