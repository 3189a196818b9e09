import Link from '@/components/site/SiteLink'
import type {PageInfo} from '@/lib/site/pagination'

/** Older/newer links between list pages; `hrefFor(n)` builds the URL of page n. */
export function Pagination({info, hrefFor, label = 'Pages'}: {info: PageInfo; hrefFor: (page: number) => string; label?: string}) {
  if (info.totalPages <= 1) return null
  return (
    <nav aria-label={label} className="mt-10 flex items-center justify-between gap-4 border-t border-zinc-200 pt-6 dark:border-zinc-800">
      {info.previous ? (
        <Link href={hrefFor(info.previous)} rel="prev" className="link">
          ← Newer posts
        </Link>
      ) : (
        <span />
      )}
      <span className="eyebrow">
        Page {info.page} of {info.totalPages}
      </span>
      {info.next ? (
        <Link href={hrefFor(info.next)} rel="next" className="link">
          Older posts →
        </Link>
      ) : (
        <span />
      )}
    </nav>
  )
}
