/**
 * Which old WordPress addresses should answer with a 301 to their new one: each post's and page's
 * permalink (`<link>`), `?p=<id>` / `?page_id=<id>`, its old slugs (`_wp_old_slug`), hierarchical
 * category paths, `?cat=`/`?tag=`, and the feeds (`/feed/`, `/feed/atom/`, `/category/x/feed/` …).
 * A redirect is only stored when the old path differs from the new one.
 */
import {normalizeRedirectPath} from '@/lib/redirects/path'
import {ids} from './ids'
import type {ExportIndex} from './scan'

export type RedirectDocument = {
  _id: string
  _type: 'redirect'
  /** Every old path (normalised) that leads to `to`. */
  from: string[]
  to: string
  source: 'wordpress'
}

/** The path (and WordPress query) of a URL on the old blog, or null when it points elsewhere. */
export function oldPath(url: string, index: Pick<ExportIndex, 'siteUrl'>): string | null {
  if (!url) return null
  try {
    const base = new URL(index.siteUrl || 'http://old.invalid')
    const parsed = new URL(url, base)
    if (parsed.host.replace(/^www\./, '') !== base.host.replace(/^www\./, '')) return null
    // A blog living in a sub-folder (example.com/blog) keeps the folder in its old paths.
    return normalizeRedirectPath(parsed.pathname, parsed.search)
  } catch {
    return null
  }
}

/**
 * Plans redirects: one document per new address listing all its old paths (a post's permalink,
 * `?p=`, old slugs together), so a 10,000-post blog needs about 10,000 redirect documents, not 30,000.
 * An old path is used once (first come), and never when it equals its target.
 */
export class RedirectPlanner {
  private readonly seen = new Set<string>()
  constructor(private readonly index: ExportIndex) {}

  /** One redirect document for `to` from the given old paths (already normalised), or null if none is left. */
  group(to: string, froms: (string | null)[]): RedirectDocument | null {
    const target = normalizeRedirectPath(to)
    if (!target) return null
    const kept: string[] = []
    for (const from of froms) {
      if (!from || from === target || this.seen.has(from)) continue
      this.seen.add(from)
      kept.push(from)
    }
    return kept.length ? {_id: ids.redirect(to), _type: 'redirect', from: kept, to, source: 'wordpress'} : null
  }

  forEntry(wpId: string, type: string, link: string, oldSlugs: string[], to: string): RedirectDocument[] {
    const linkPath = oldPath(link, this.index)
    const froms = [linkPath, normalizeRedirectPath('/', type === 'page' ? `?page_id=${wpId}` : `?p=${wpId}`)]
    if (linkPath && !linkPath.includes('?')) {
      for (const old of oldSlugs) {
        const segments = linkPath.split('/')
        segments[segments.length - 1] = old
        froms.push(normalizeRedirectPath(segments.join('/')))
      }
    }
    return compact([this.group(to, froms)])
  }

  /** `/category/parent/child/` → `/category/child`; `?cat=<id>`; the term's feeds. */
  forTerm(taxonomy: 'category' | 'tag', slug: string, hierarchyPath: string, termId: string): RedirectDocument[] {
    const to = `/${taxonomy}/${encodeURIComponent(slug)}`
    return compact([
      this.group(to, [
        normalizeRedirectPath(`/${taxonomy}/${hierarchyPath}`),
        taxonomy === 'category' && termId ? normalizeRedirectPath('/', `?cat=${termId}`) : null,
        taxonomy === 'tag' ? normalizeRedirectPath('/', `?tag=${slug}`) : null,
      ]),
      this.group(`${to}/feed.xml`, [normalizeRedirectPath(`/${taxonomy}/${hierarchyPath}/feed`)]),
      this.group(`${to}/atom.xml`, [normalizeRedirectPath(`/${taxonomy}/${hierarchyPath}/feed/atom`)]),
    ])
  }

  forAuthor(login: string, slug: string): RedirectDocument[] {
    const to = `/author/${encodeURIComponent(slug)}`
    return compact([this.group(to, [normalizeRedirectPath(`/author/${login}`)]), this.group(`${to}/feed.xml`, [normalizeRedirectPath(`/author/${login}/feed`)])])
  }

  /** The blog's feeds in all the spellings WordPress answers to. */
  feeds(): RedirectDocument[] {
    return compact([
      this.group('/feed.xml', [...['/feed', '/feed/rss2', '/feed/rss', '/feed/rdf', '/rss', '/comments/feed'].map((p) => normalizeRedirectPath(p)), normalizeRedirectPath('/', '?feed=rss2')]),
      this.group('/atom.xml', [normalizeRedirectPath('/feed/atom'), normalizeRedirectPath('/', '?feed=atom')]),
    ])
  }
}

function compact(list: (RedirectDocument | null)[]): RedirectDocument[] {
  return list.filter((r): r is RedirectDocument => r !== null)
}
