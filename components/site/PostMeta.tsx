import Link from '@/components/site/SiteLink'
import {formatDate} from '@/lib/site/dates'
import type {PostCard} from '@/lib/site/types'
import {paths} from '@/lib/site/urls'

/**
 * "September 8, 2018 · 5 min read" then "by Author in Category, Category", with a machine-readable
 * `<time>`. Two short lines rather than one list with "·" separators, which wrapped on phones and
 * left a separator dangling at a line's end (#16.13); the words join the parts instead.
 */
export function PostMeta({
  post,
  locale,
  readingMinutes,
  className = '',
}: {
  post: Pick<PostCard, 'publishedAt' | 'author' | 'categories'>
  locale: string
  readingMinutes?: number
  className?: string
}) {
  const categories = (post.categories ?? []).filter((c) => c?.slug)
  const author = post.author?.name && post.author.slug ? post.author : null
  return (
    <div className={`eyebrow ${className}`}>
      <p>
        <time dateTime={post.publishedAt}>{formatDate(post.publishedAt, locale)}</time>
        {readingMinutes ? <span className="whitespace-nowrap"> · {readingMinutes} min read</span> : null}
      </p>
      {author || categories.length > 0 ? (
        <p>
          {author ? (
            <>
              by{' '}
              <Link href={paths.author(author.slug!)} rel="author" className="link">
                {author.name}
              </Link>
            </>
          ) : null}
          {categories.length > 0 ? (
            <>
              {author ? ' in ' : 'In '}
              {categories.map((c, i) => (
                <span key={c.slug}>
                  {i > 0 ? ', ' : null}
                  <Link href={paths.category(c.slug!)} className="link">
                    {c.title}
                  </Link>
                </span>
              ))}
            </>
          ) : null}
        </p>
      ) : null}
    </div>
  )
}
