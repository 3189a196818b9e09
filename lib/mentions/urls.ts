/** URL helpers shared by receiving and sending: comparing links, recognising this site's posts. */
import {siteUrl} from '@/lib/env'

export const MAX_URL_LENGTH = 2048

/** Parses an absolute http(s) URL of sane length, or returns null. */
export function parseHttpUrl(raw: unknown, base?: string | URL): URL | null {
  if (typeof raw !== 'string') return null
  const trimmed = raw.trim()
  if (trimmed === '' || trimmed.length > MAX_URL_LENGTH) return null
  try {
    const url = base === undefined ? new URL(trimmed) : new URL(trimmed, base)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
    if (url.username || url.password) return null
    return url
  } catch {
    return null
  }
}

/**
 * A canonical form for comparing links: no fragment, lower-case host (URL does that), default port
 * dropped (URL does that), no trailing slash on a non-root path.
 */
export function normaliseUrl(url: URL): string {
  const copy = new URL(url.href)
  copy.hash = ''
  if (copy.pathname.length > 1 && copy.pathname.endsWith('/')) copy.pathname = copy.pathname.replace(/\/+$/, '')
  return copy.href
}

export function sameUrl(a: URL, b: URL): boolean {
  return normaliseUrl(a) === normaliseUrl(b)
}

/** The public URL of a post on this site. */
export function postUrl(slug: string): string {
  return `${siteUrl}/posts/${encodeURIComponent(slug)}`
}

/**
 * If `url` points at a post page of this site (`<siteUrl>/posts/<slug>`), its slug; else null.
 * Query strings and fragments are ignored (links to a post's anchor still mention the post).
 */
export function postSlugFromUrl(url: URL): string | null {
  const site = new URL(siteUrl)
  if (url.origin !== site.origin) return null
  const basePath = site.pathname.replace(/\/+$/, '')
  const match = new RegExp(`^${escapeRegExp(basePath)}/posts/([^/]+)/?$`).exec(url.pathname)
  if (!match) return null
  try {
    const slug = decodeURIComponent(match[1])
    return slug.length > 0 && slug.length <= 200 ? slug : null
  } catch {
    return null
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
