import type {MetadataRoute} from 'next'
import {sanityFetch} from '@/sanity/lib/fetch'
import {sitemapQuery} from '@/sanity/lib/queries'
import {TAGS} from '@/lib/site/tags'
import type {SitemapData} from '@/lib/site/types'
import {absoluteUrl, paths} from '@/lib/site/urls'

/** sitemap.xml: home, archive and every published post and topic (each list capped in the query). */
export const revalidate = 300

const withSlug = <T extends {slug: string | null}>(rows: T[]) => rows.filter((r): r is T & {slug: string} => !!r.slug)

export default async function sitemap(): Promise<MetadataRoute.Sitemap> {
  const data = await sanityFetch<SitemapData>({
    query: sitemapQuery,
    tags: [TAGS.post, TAGS.category, TAGS.tag, TAGS.author],
    draft: false,
  }).catch((error: unknown) => {
    console.error('[site] sitemap: content backend unreachable:', error instanceof Error ? error.message : error)
    return {posts: [], categories: [], tags: [], authors: []} satisfies SitemapData
  })
  const latest = data.posts[0]?._updatedAt
  const entry = (path: string, lastModified?: string, priority?: number): MetadataRoute.Sitemap[number] => ({
    url: absoluteUrl(path),
    ...(lastModified ? {lastModified} : {}),
    ...(priority ? {priority} : {}),
  })
  return [
    entry(paths.home(), latest, 1),
    entry(paths.archive(), latest),
    ...withSlug(data.posts).map((p) => entry(paths.post(p.slug), p._updatedAt, 0.8)),
    ...withSlug(data.categories).map((c) => entry(paths.category(c.slug), c._updatedAt)),
    ...withSlug(data.tags).map((t) => entry(paths.tag(t.slug), t._updatedAt)),
    ...withSlug(data.authors).map((a) => entry(paths.author(a.slug), a._updatedAt)),
  ]
}
