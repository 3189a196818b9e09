import 'server-only'
import {cache} from 'react'
import {sanityFetch} from '@/sanity/lib/fetch'
import {pageByPathQuery} from '@/sanity/lib/queries'
import {TAGS} from '@/lib/site/tags'
import {normalizeRedirectPath} from '@/lib/redirects/path'
import type {PageByPathQueryResult} from '@/sanity/types'

export type Page = NonNullable<PageByPathQueryResult>

/** The standalone page at a URL path (segments as Next passes them), or null. Memoised per request. */
export const getPage = cache(async (segments: string[]): Promise<Page | null> => {
  const path = normalizeRedirectPath(`/${segments.join('/')}`)
  if (!path || path === '/' || path.includes('?')) return null
  return sanityFetch<PageByPathQueryResult>({query: pageByPathQuery, params: {path}, tags: [TAGS.page]})
})
