import 'server-only'
import {notFound} from 'next/navigation'
import {sanityFetch} from '@/sanity/lib/fetch'
import {postListQuery} from '@/sanity/lib/queries'
import {pageInfo, pageSlice} from '@/lib/site/pagination'
import {TAGS} from '@/lib/site/tags'
import {listable, type PostList} from '@/lib/site/types'
import type {PostListQueryResult} from '@/sanity/types'

/** One page of the newest posts; 404 for a page past the end (page 1 of an empty blog is fine). */
export async function latestPostsPage(page: number, size: number) {
  const {start, end} = pageSlice(page, size)
  const data = await sanityFetch<PostListQueryResult>({query: postListQuery, params: {start, end}, tags: [TAGS.post]})
  const info = pageInfo(page, data.total, size)
  if (page > info.totalPages) notFound()
  return {posts: listable(data.posts), info} satisfies {posts: PostList['posts']; info: unknown}
}
