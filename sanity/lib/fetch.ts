import 'server-only'
import type {QueryParams} from 'next-sanity'
import {draftMode} from 'next/headers'
import {noteCacheTags} from '@/lib/response-cache/request-tags'
import {client, previewClient} from '@/sanity/lib/client'

/**
 * Reader pages get content only through here.
 *
 * Outside draft mode: the published perspective, without a token, through Next's Data Cache with
 * cache tags. `/api/revalidate` (signed webhook from the lake or hosted Sanity) expires the tags
 * the moment content changes, so pages are fresh without rebuilds. `revalidate` is only a safety
 * net for a webhook that never arrived.
 *
 * In draft mode: drafts perspective with the read token, never cached (an editor's unpublished
 * words must not land in the shared cache).
 */
export const SAFETY_NET_SECONDS = 300

export type FetchOptions = {
  query: string
  params?: QueryParams
  /** Cache tags, e.g. `['post', 'post:my-slug']`; see lib/site/tags.ts. */
  tags: string[]
  /** Pass `false` where no request exists (generateStaticParams, sitemap): skips draft-mode lookup. */
  draft?: boolean
}

export async function sanityFetch<T>({query, params = {}, tags, draft}: FetchOptions): Promise<T> {
  const isDraft = draft ?? (await isDraftMode())
  if (isDraft) {
    return previewClient().fetch<T>(query, params, {cache: 'no-store'})
  }
  // Tell the production server's response cache what this page depends on (lib/response-cache).
  noteCacheTags(tags)
  return client.fetch<T>(query, params, {
    cache: 'force-cache',
    next: {tags, revalidate: SAFETY_NET_SECONDS},
  })
}

/** `draftMode()` throws outside a request scope (e.g. at build time); that simply means "not a draft". */
export async function isDraftMode(): Promise<boolean> {
  try {
    return (await draftMode()).isEnabled
  } catch {
    return false
  }
}
