import 'server-only'
import type {QueryParams} from 'next-sanity'
import {draftMode} from 'next/headers'
import {noteCacheTags} from '@/lib/response-cache/request-tags'
import {syncCacheTag, TAGS} from '@/lib/site/tags'
import {client, previewClient} from '@/sanity/lib/client'

/**
 * Reader pages get content only through here.
 *
 * Outside draft mode: the published perspective, without a token, through Next's Data Cache,
 * tagged with the result's Sanity sync tags (as next-sanity's `defineLive` does: one request learns
 * the tags, the cached one carries them). lib/site/live-revalidation.ts expires exactly those tags
 * when the Live Content API says a change touched them, so an edit re-renders only what shows it.
 * The explicit `tags` remain for changes no commit announces (a scheduled post going live), and
 * `revalidate` is only a safety net for an event that never arrived.
 *
 * In draft mode: drafts perspective with the read token, stega-encoded for the Presentation
 * overlays, never cached (an editor's unpublished words must not land in the shared cache).
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
    return previewClient({stega: true}).fetch<T>(query, params, {cache: 'no-store'})
  }
  const {syncTags = []} = await client.fetch(query, params, {
    filterResponse: false,
    returnQuery: false,
    cacheMode: 'noStale',
    tag: 'fetch-sync-tags',
  })
  const cacheTags = [...tags, TAGS.content, ...syncTags.map(syncCacheTag)]
  // Tell the production server's response cache what this page depends on (lib/response-cache).
  noteCacheTags(cacheTags)
  return client.fetch<T>(query, params, {
    cache: 'force-cache',
    next: {tags: cacheTags, revalidate: SAFETY_NET_SECONDS},
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
