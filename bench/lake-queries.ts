/**
 * The queries the lake benchmarks time, shared by the in-process bench (lake.ts) and the
 * fresh-process one (lake-process.ts): the site's own queries from sanity/lib/queries.ts as
 * readers run them, and the Studio's document list and global search as the Studio sends them.
 */
import type {QueryOptions} from '@/lib/lake/engine'
import {searchTerms, SEARCH_RESULT_LIMIT} from '@/lib/site/search'
import {categoryPageQuery, feedPostsQuery, postListQuery, postQuery, searchQuery} from '@/sanity/lib/queries'
import {COMMON_SEARCH_WORD, postSlug} from './dataset'
import {studioSearch} from './studio-search'

export interface BenchQuery {
  name: string
  /** Who runs it: readers (anonymous, published) or the Studio (token, raw). */
  as?: 'reader' | 'studio'
  query: string
  params: (posts: number) => Record<string, unknown>
  /** Guards against benchmarking a query that silently found nothing. */
  check: (result: unknown) => boolean
}

export const QUERIES: BenchQuery[] = [
  {
    name: 'home (postListQuery, 10 posts + total)',
    query: postListQuery,
    params: () => ({start: 0, end: 10}),
    check: (r) => (r as {posts: unknown[]}).posts.length === 10,
  },
  {
    name: 'post by slug (postQuery, body, refs, prev/next)',
    query: postQuery,
    params: (posts) => ({slug: postSlug(Math.floor(posts / 2))}),
    check: (r) => r !== null && typeof (r as {title?: unknown}).title === 'string',
  },
  {
    name: 'category page (categoryPageQuery, 10 posts + total)',
    query: categoryPageQuery,
    params: () => ({slug: 'politics', start: 0, end: 10}),
    check: (r) => (r as {posts: unknown[]}).posts.length === 10,
  },
  {
    name: `search (searchQuery, "${COMMON_SEARCH_WORD} government")`,
    query: searchQuery,
    params: () => ({terms: searchTerms(`${COMMON_SEARCH_WORD} government`), limit: SEARCH_RESULT_LIMIT}),
    check: (r) => (r as unknown[]).length === SEARCH_RESULT_LIMIT,
  },
  {
    name: 'feed (feedPostsQuery, 20 full posts)',
    query: feedPostsQuery,
    params: () => ({topicId: '', limit: 20}),
    check: (r) => (r as unknown[]).length === 20,
  },
  {
    // The shape of the Studio's document list pane: one type, newest edits first, a page of ids.
    name: 'Studio document list (posts by _updatedAt desc, 50)',
    as: 'studio',
    query: `*[_type == "post" && !(_id in path("versions.**"))] | order(_updatedAt desc)[0...50]{_id, _type, _updatedAt, title}`,
    params: () => ({}),
    check: (r) => (r as unknown[]).length === 50,
  },
  {
    // What Sanity Studio 5.31.2's global search sends for this schema (studio-search.ts): a term every post holds.
    name: 'Studio search ("government", every type, 48 paths, 1,000 rows)',
    as: 'studio',
    query: studioSearch(['government']).query,
    params: () => studioSearch(['government']).params,
    // Every post holds the word; at 1,000 posts fewer than 1,000 rows can match.
    check: (r) => Array.isArray(r) && r.length >= 500,
  },
]

/** What readers' requests look like to the engine: anonymous, published perspective. */
export const READER: QueryOptions = {perspective: 'published', access: 'public'}
/** The Studio reads with a token and sees drafts and published documents side by side. */
export const STUDIO: QueryOptions = {perspective: 'raw', access: 'all'}
