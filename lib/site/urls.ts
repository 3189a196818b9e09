/**
 * Every public URL of the site is built here, so links, canonicals, sitemaps, feeds and
 * pingbacks agree. Slugs are percent-encoded so a stray character can never break out of a path.
 */
import {siteUrl} from '@/lib/env'

const seg = (value: string) => encodeURIComponent(value)

export const paths = {
  home: () => '/',
  page: (n: number) => (n <= 1 ? '/' : `/page/${n}`),
  post: (slug: string) => `/posts/${seg(slug)}`,
  category: (slug: string, page = 1) => withPage(`/category/${seg(slug)}`, page),
  tag: (slug: string, page = 1) => withPage(`/tag/${seg(slug)}`, page),
  author: (slug: string, page = 1) => withPage(`/author/${seg(slug)}`, page),
  archive: () => '/archive',
  archiveMonth: (year: number, month: number, page = 1) =>
    withPage(`/archive/${year}/${String(month).padStart(2, '0')}`, page),
  search: (q?: string) => (q ? `/search?q=${encodeURIComponent(q)}` : '/search'),
  rss: () => '/feed.xml',
  atom: () => '/atom.xml',
  jsonFeed: () => '/feed.json',
}

/** Topic and archive pages paginate with `?page=n`; page 1 has no parameter (one canonical URL). */
function withPage(path: string, page: number): string {
  return page > 1 ? `${path}?page=${page}` : path
}

/** Absolute URL on this site for a path (or an already absolute URL, returned unchanged). */
export function absoluteUrl(path: string, base: string = siteUrl): string {
  return new URL(path, `${base.replace(/\/+$/, '')}/`).toString()
}

/** True when an href leaves this site (it gets rel="noopener noreferrer" and, when asked, a new tab). */
export function isExternalHref(href: string, base: string = siteUrl): boolean {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('//')) return false
  try {
    const url = new URL(href, base)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false
    return url.origin !== new URL(base).origin
  } catch {
    return false
  }
}

/**
 * Hrefs from content are only rendered when their scheme is one editors may use
 * (docs/data-model.md: http, https, mailto, relative). Anything else (javascript:, data:) is dropped.
 */
export function safeHref(href: unknown): string | null {
  if (typeof href !== 'string') return null
  const trimmed = href.trim()
  if (trimmed === '' || trimmed.length > 2048) return null
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)
  if (!scheme) return trimmed // relative
  const name = scheme[1].toLowerCase()
  return name === 'http' || name === 'https' || name === 'mailto' ? trimmed : null
}
