import Link from '@/components/site/SiteLink'
import {ContentImage} from '@/components/site/ContentImage'
import {PostMeta} from '@/components/site/PostMeta'
import type {PostCard as PostCardData} from '@/lib/site/types'
import {paths} from '@/lib/site/urls'

/** One post in a list: title (the link), date/author line, excerpt, small cover on wide screens. */
export function PostCard({post, locale, headingLevel = 2}: {post: PostCardData; locale: string; headingLevel?: 2 | 3}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3'
  return (
    <article className="grid gap-4 border-b border-zinc-200 py-8 first:pt-0 last:border-b-0 sm:grid-cols-[1fr_10rem] dark:border-zinc-800">
      <div className="min-w-0">
        <Heading className="font-serif text-2xl leading-tight font-bold text-pretty">
          <Link href={paths.post(post.slug)} className="hover:underline">
            {post.title || 'Untitled'}
          </Link>
        </Heading>
        <PostMeta post={post} locale={locale} className="mt-2" />
        {post.excerpt ? <p className="mt-3 text-zinc-700 dark:text-zinc-300">{post.excerpt}</p> : null}
      </div>
      {post.coverImage?.asset ? (
        <div className="hidden sm:block">
          <ContentImage image={post.coverImage} sizes="10rem" aspect={4 / 3} caption={false} />
        </div>
      ) : null}
    </article>
  )
}

export function PostList({posts, locale, emptyText}: {posts: PostCardData[]; locale: string; emptyText: string}) {
  if (posts.length === 0) return <p className="text-zinc-700 dark:text-zinc-300">{emptyText}</p>
  return (
    <div>
      {posts.map((post) => (
        <PostCard key={post._id} post={post} locale={locale} />
      ))}
    </div>
  )
}
