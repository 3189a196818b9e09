import Link from 'next/link'
import {formatDate} from '@/lib/site/dates'
import type {PostCard} from '@/lib/site/types'
import {paths} from '@/lib/site/urls'

/** "September 8, 2018 · by Author · Category" with a machine-readable `<time>`. */
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
  return (
    <p className={`eyebrow flex flex-wrap items-center gap-x-2 gap-y-1 ${className}`}>
      <time dateTime={post.publishedAt}>{formatDate(post.publishedAt, locale)}</time>
      {post.author?.name && post.author.slug ? (
        <>
          <span aria-hidden="true">·</span>
          <span>
            by{' '}
            <Link href={paths.author(post.author.slug)} rel="author" className="link">
              {post.author.name}
            </Link>
          </span>
        </>
      ) : null}
      {categories.length > 0 ? (
        <>
          <span aria-hidden="true">·</span>
          <span>
            {categories.map((c, i) => (
              <span key={c.slug}>
                {i > 0 ? ', ' : null}
                <Link href={paths.category(c.slug!)} className="link">
                  {c.title}
                </Link>
              </span>
            ))}
          </span>
        </>
      ) : null}
      {readingMinutes ? (
        <>
          <span aria-hidden="true">·</span>
          <span>{readingMinutes} min read</span>
        </>
      ) : null}
    </p>
  )
}
