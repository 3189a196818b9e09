/**
 * Result shapes of the queries in sanity/lib/queries.ts, as the pages use them.
 * Written to match the projections exactly; when `npm run typegen` output (sanity/types.ts) is
 * available these can be swapped for the generated `*QueryResult` types.
 */
import type {PortableTextBlock} from 'next-sanity'

export type ImageField = {
  alt?: string | null
  caption?: string | null
  hotspot?: {x: number; y: number; width: number; height: number} | null
  crop?: {top: number; bottom: number; left: number; right: number} | null
  asset?: {_id: string; url?: string | null; lqip?: string | null; width?: number | null; height?: number | null} | null
} | null

export type SiteSettings = {
  title?: string | null
  description?: string | null
  language?: string | null
  contactEmail?: string | null
  contactBlurb?: string | null
  ogImage?: ImageField
  postsPerPage?: number | null
  feedItemCount?: number | null
}

export type Link = {title: string | null; slug: string | null}

export type PostCard = {
  _id: string
  title: string | null
  slug: string
  excerpt?: string | null
  publishedAt: string
  coverImage?: ImageField
  author?: {name: string | null; slug: string | null} | null
  categories?: Link[] | null
}

export type PostList = {posts: PostCard[]; total: number}

export type Post = Omit<PostCard, 'author' | 'categories'> & {
  _updatedAt: string
  body?: PortableTextBlock[] | null
  author?: {name: string | null; slug: string | null; url?: string | null} | null
  categories?: (Link & {_id: string})[] | null
  tags?: Link[] | null
  previous?: Link | null
  next?: Link | null
}

export type Topic = {
  _id: string
  title: string | null
  slug: string
  description?: string | null
  posts: PostCard[]
  total: number
}

export type AuthorPage = {
  _id: string
  name: string | null
  slug: string
  url?: string | null
  bio?: PortableTextBlock[] | null
  image?: ImageField
  posts: PostCard[]
  total: number
}

export type NavItem = {title: string | null; slug: string}

export type SitemapData = {
  posts: {slug: string; _updatedAt: string}[]
  categories: {slug: string; _updatedAt: string}[]
  tags: {slug: string; _updatedAt: string}[]
  authors: {slug: string; _updatedAt: string}[]
}
