/**
 * Result shapes the pages use, taken from `sanity typegen`'s output (sanity/types.ts, generated
 * from the queries in sanity/lib/queries.ts by `npm run typegen`), so a query change that breaks
 * a page is a type error.
 *
 * Typegen cannot see that reader queries filter on `defined(slug.current)` and a required
 * `publishedAt`, so those two are nullable in the generated types; `isListable` narrows them once,
 * where data enters the site (lib/site/posts.ts, lists.ts, topics.ts).
 */
import type {
  AuthorPageQueryResult,
  CategoryPageQueryResult,
  NavigationQueryResult,
  PostListQueryResult,
  PostQueryResult,
  SettingsQueryResult,
  SitemapQueryResult,
  TagPageQueryResult,
} from '@/sanity/types'

type Listable = {slug: string; publishedAt: string}

export type SiteSettings = NonNullable<SettingsQueryResult>
export type PostCard = PostListQueryResult['posts'][number] & Listable
export type PostList = {posts: PostCard[]; total: number}
export type Post = NonNullable<PostQueryResult> & Listable
export type Link = {title: string | null; slug: string | null}
export type Topic = Omit<NonNullable<CategoryPageQueryResult> | NonNullable<TagPageQueryResult>, 'slug' | 'posts'> & {
  slug: string
  description?: string | null
  posts: PostCard[]
}
export type AuthorPage = Omit<NonNullable<AuthorPageQueryResult>, 'slug' | 'posts'> & {slug: string; posts: PostCard[]}
export type NavItem = NavigationQueryResult['categories'][number]
export type SitemapData = SitemapQueryResult

/** Any image field as projected by the queries' `imageFields` fragment. */
export type ImageField = {
  alt?: string | null
  caption?: string | null
  hotspot?: {x?: number; y?: number; width?: number; height?: number} | null
  crop?: {top?: number; bottom?: number; left?: number; right?: number} | null
  asset?: {_id: string; url?: string | null; lqip?: string | null; width?: number | null; height?: number | null} | null
} | null

/** True when a post has what every link and date on the site needs. */
export function isListable<T extends {slug: string | null; publishedAt: string | null}>(post: T): post is T & Listable {
  return typeof post.slug === 'string' && post.slug !== '' && typeof post.publishedAt === 'string'
}

/** Drops list entries that cannot be linked (see above). */
export function listable<T extends {slug: string | null; publishedAt: string | null}>(posts: T[] | null | undefined): (T & Listable)[] {
  return (posts ?? []).filter(isListable)
}
