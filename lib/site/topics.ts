import 'server-only'
import {notFound} from 'next/navigation'
import {cache} from 'react'
import {sanityFetch} from '@/sanity/lib/fetch'
import {authorPageQuery, categoryPageQuery, tagPageQuery} from '@/sanity/lib/queries'
import {siteContext} from '@/lib/site/context'
import {pageInfo, pageSlice, parsePageNumber} from '@/lib/site/pagination'
import {decodeSlug} from '@/lib/site/slugs'
import {TAGS} from '@/lib/site/tags'
import {listable, type AuthorPage, type Topic} from '@/lib/site/types'
import type {AuthorPageQueryResult, CategoryPageQueryResult, TagPageQueryResult} from '@/sanity/types'

export type TopicKind = 'category' | 'tag' | 'author'

const QUERIES = {category: categoryPageQuery, tag: tagPageQuery, author: authorPageQuery} as const
const KIND_TAGS = {category: TAGS.category, tag: TAGS.tag, author: TAGS.author} as const

type TopicResult<K extends TopicKind> = K extends 'author' ? AuthorPage : Topic

/**
 * A category, tag or author page with one page of its posts. Unknown slug, malformed `?page=`
 * or a page past the end → 404. Memoised per request (metadata and page share it).
 */
export const loadTopic = cache(async <K extends TopicKind>(kind: K, rawSlug: string, rawPage: string | string[] | undefined) => {
  const slug = decodeSlug(rawSlug)
  const page = parsePageNumber(rawPage)
  if (!slug || page === null) notFound()
  const {pageSize} = await siteContext()
  const {start, end} = pageSlice(page, pageSize)
  const raw = await sanityFetch<CategoryPageQueryResult | TagPageQueryResult | AuthorPageQueryResult>({
    query: QUERIES[kind],
    params: {slug, start, end},
    tags: [KIND_TAGS[kind], TAGS.post],
  })
  if (!raw) notFound()
  // Queried by this slug, so it is the slug; posts without a slug or date cannot be listed.
  const topic = {...raw, slug, posts: listable(raw.posts)} as TopicResult<K>
  const info = pageInfo(page, topic.total, pageSize)
  if (page > info.totalPages) notFound()
  return {topic, info}
})
