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
  from: string
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

export class RedirectPlanner {
  private readonly seen = new Set<string>()
  constructor(private readonly index: ExportIndex) {}

  /** A redirect from `from` (already normalised) to `to`, unless it would be a no-op or a duplicate. */
  make(from: string | null, to: string): RedirectDocument | null {
    if (!from) return null
    const target = normalizeRedirectPath(to)
    if (!target || from === target || this.seen.has(from)) return null
    this.seen.add(from)
    return {_id: ids.redirect(from), _type: 'redirect', from, to, source: 'wordpress'}
  }

  forEntry(wpId: string, type: string, link: string, oldSlugs: string[], to: string): RedirectDocument[] {
    const out: (RedirectDocument | null)[] = []
    const linkPath = oldPath(link, this.index)
    out.push(this.make(linkPath, to))
    out.push(this.make(normalizeRedirectPath('/', type === 'page' ? `?page_id=${wpId}` : `?p=${wpId}`), to))
    if (linkPath && !linkPath.includes('?')) {
      out.push(this.make(normalizeRedirectPath(`${linkPath}/feed`), to))
      for (const old of oldSlugs) {
        const segments = linkPath.split('/')
        segments[segments.length - 1] = old
        out.push(this.make(normalizeRedirectPath(segments.join('/')), to))
      }
    }
    return out.filter((r): r is RedirectDocument => r !== null)
  }

  /** `/category/parent/child/` → `/category/child`; `?cat=<id>`; the term's feeds. */
  forTerm(taxonomy: 'category' | 'tag', slug: string, hierarchyPath: string, termId: string): RedirectDocument[] {
    const to = `/${taxonomy}/${encodeURIComponent(slug)}`
    const base = taxonomy === 'category' ? 'category' : 'tag'
    const out = [
      this.make(normalizeRedirectPath(`/${base}/${hierarchyPath}`), to),
      this.make(normalizeRedirectPath(`/${base}/${hierarchyPath}/feed`), `${to}/feed.xml`),
      this.make(normalizeRedirectPath(`/${base}/${hierarchyPath}/feed/atom`), `${to}/atom.xml`),
      taxonomy === 'category' && termId ? this.make(normalizeRedirectPath('/', `?cat=${termId}`), to) : null,
      taxonomy === 'tag' ? this.make(normalizeRedirectPath('/', `?tag=${slug}`), to) : null,
    ]
    return out.filter((r): r is RedirectDocument => r !== null)
  }

  forAuthor(login: string, slug: string): RedirectDocument[] {
    const to = `/author/${encodeURIComponent(slug)}`
    return [this.make(normalizeRedirectPath(`/author/${login}`), to), this.make(normalizeRedirectPath(`/author/${login}/feed`), `${to}/feed.xml`)].filter(
      (r): r is RedirectDocument => r !== null,
    )
  }

  /** The blog's feeds in all the spellings WordPress answers to. */
  feeds(): RedirectDocument[] {
    const rss = ['/feed', '/feed/rss2', '/feed/rss', '/feed/rdf', '/rss', '/comments/feed']
    const out = [
      ...rss.map((from) => this.make(normalizeRedirectPath(from), '/feed.xml')),
      this.make(normalizeRedirectPath('/feed/atom'), '/atom.xml'),
      this.make(normalizeRedirectPath('/', '?feed=rss2'), '/feed.xml'),
      this.make(normalizeRedirectPath('/', '?feed=atom'), '/atom.xml'),
    ]
    return out.filter((r): r is RedirectDocument => r !== null)
  }
}
