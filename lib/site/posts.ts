import 'server-only'
import {cache} from 'react'
import {sanityFetch} from '@/sanity/lib/fetch'
import {postQuery, recentPostSlugsQuery, relatedPostsQuery} from '@/sanity/lib/queries'
import {decodeSlug} from '@/lib/site/slugs'
import {TAGS} from '@/lib/site/tags'
import {isListable, listable, type Post, type PostCard} from '@/lib/site/types'
import type {PostQueryResult, RelatedPostsQueryResult} from '@/sanity/types'

/** The post for a URL slug, or null. Memoised per request: metadata and page share one fetch. */
export const getPost = cache(async (rawSlug: string): Promise<Post | null> => {
  const slug = decodeSlug(rawSlug)
  if (!slug) return null
  const post = await sanityFetch<PostQueryResult>({
    query: postQuery,
    params: {slug},
    tags: [TAGS.post, TAGS.postSlug(slug), TAGS.author, TAGS.category, TAGS.tag],
  })
  return post && isListable(post) ? post : null
})

export async function getRelatedPosts(post: Post): Promise<PostCard[]> {
  const categoryIds = (post.categories ?? []).map((c) => c._id).filter(Boolean)
  if (categoryIds.length === 0) return []
  const related = await sanityFetch<RelatedPostsQueryResult>({
    query: relatedPostsQuery,
    params: {postId: post._id, categoryIds},
    tags: [TAGS.post],
  })
  return listable(related)
}

/** Slugs to prerender at build time. An unreachable backend must not fail the build: render on demand. */
export async function recentPostSlugs(): Promise<string[]> {
  try {
    const rows = await sanityFetch<{slug: string | null}[]>({query: recentPostSlugsQuery, tags: [TAGS.post], draft: false})
    return rows.map((r) => r.slug).filter((slug): slug is string => !!slug)
  } catch (error) {
    console.error('[site] generateStaticParams: content backend unreachable, posts render on demand:', error instanceof Error ? error.message : error)
    return []
  }
}
