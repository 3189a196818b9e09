/**
 * Cache tags: which fetches depend on which documents. Pages tag their fetches with these; the
 * revalidate webhook maps a changed document back to the tags to expire. Keep both sides here so
 * they cannot drift apart.
 */
export const TAGS = {
  /** Every content fetch: expired when the live stream cannot say what changed (a `restart`). */
  content: 'content',
  settings: 'settings',
  /** Any post list or page (home, archives, search, related posts, sitemap, feeds). */
  post: 'post',
  postSlug: (slug: string) => `post:${slug}`,
  author: 'author',
  category: 'category',
  tag: 'tag',
  /** Standalone pages (app/(site)/[...rest]): any page change expires them all (pages are few). */
  page: 'page',
} as const

/** Next cache tag of a Sanity sync tag, as next-sanity's `defineLive` names them. */
export const syncCacheTag = (syncTag: string) => `sanity:${syncTag}`

/** What the lake (and a hosted Sanity webhook with the projection documented in app/api/revalidate) sends. */
export type ContentChange = {
  _id: string
  _type: string
  operation?: 'create' | 'update' | 'delete'
  slug?: string | null
  previousSlug?: string | null
}

/**
 * Tags to expire for a changed document. Authors, categories and tags appear inside post pages
 * (bylines, chips, navigation) so they also expire `post`.
 */
export function tagsForChange(change: ContentChange): string[] {
  const tags = new Set<string>()
  const slugs = [change.slug, change.previousSlug].filter((s): s is string => typeof s === 'string' && s !== '')
  switch (change._type) {
    case 'post':
      tags.add(TAGS.post)
      for (const slug of slugs) tags.add(TAGS.postSlug(slug))
      break
    case 'author':
      tags.add(TAGS.author).add(TAGS.post)
      break
    case 'category':
      tags.add(TAGS.category).add(TAGS.post)
      break
    case 'tag':
      tags.add(TAGS.tag).add(TAGS.post)
      break
    case 'siteSettings':
      tags.add(TAGS.settings)
      break
    case 'page':
      tags.add(TAGS.page)
      break
    case 'sanity.imageAsset':
    case 'sanity.fileAsset':
      // Asset metadata (lqip, dimensions) is joined into post and page projections.
      tags.add(TAGS.post).add(TAGS.page)
      break
    default:
      break
  }
  return [...tags]
}
