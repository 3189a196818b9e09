import {defineQuery} from 'next-sanity'

/**
 * Every GROQ query the app runs, in one module (the official Next.js + Sanity template's layout).
 * `sanity typegen` reads this file and writes each query's result type into `sanity/types.ts`.
 *
 * Rules every reader query follows:
 * - readers only see posts with a slug and `publishedAt <= now()`; drafts never leave the lake for
 *   them (the site's `client` uses the `published` perspective, and the id guard below holds even
 *   if a differently configured client were used);
 * - every list is bounded with a slice (`[$start...$end]` or a fixed cap) — no unbounded reads;
 * - filters name the reference fields they test (`$id in categories[]._ref`) rather than calling
 *   `references()`, which reads the whole document: the sync tags of a named field fire only when
 *   that field changes, so an edit elsewhere in a post does not expire every topic page and feed.
 *
 * Other features (feeds, pingbacks, contact) append their own queries at the end of this file.
 */

/** The filter that decides whether readers may see a post. */
const visiblePost = /* groq */ `_type == "post" && defined(slug.current) && publishedAt <= now() && !(_id in path("drafts.**")) && !(_id in path("versions.**"))`

const imageFields = /* groq */ `
  alt,
  caption,
  hotspot,
  crop,
  "asset": asset->{_id, url, "lqip": metadata.lqip, "width": metadata.dimensions.width, "height": metadata.dimensions.height}
`

const postCardFields = /* groq */ `
  _id,
  title,
  "slug": slug.current,
  excerpt,
  publishedAt,
  coverImage{${imageFields}},
  "author": author->{name, "slug": slug.current},
  "categories": categories[]->{title, "slug": slug.current}
`

export const settingsQuery = defineQuery(`*[_type == "siteSettings" && _id == "siteSettings"][0]{
  title,
  description,
  language,
  contactEmail,
  contactBlurb,
  ogImage{${imageFields}},
  postsPerPage,
  feedItemCount
}`)

/**
 * Header navigation: categories that have at least one visible post. One pass over the posts
 * (the ids they use) instead of a `count(*[references(^._id)])` per category, which is a full scan
 * per category; the caller keeps the used ones (lib/site/navigation.ts).
 */
export const navigationQuery = defineQuery(`{
  "categories": *[_type == "category" && defined(slug.current)] | order(title asc)[0...100]{_id, title, "slug": slug.current},
  "used": array::unique(*[${visiblePost}].categories[]._ref)
}`)

/** Home and `/page/[n]`: newest first, one page at a time. */
export const postListQuery = defineQuery(`{
  "posts": *[${visiblePost}] | order(publishedAt desc, _id desc)[$start...$end]{${postCardFields}},
  "total": count(*[${visiblePost}])
}`)

export const postQuery = defineQuery(`*[${visiblePost} && slug.current == $slug][0]{
  _id,
  _updatedAt,
  title,
  "slug": slug.current,
  excerpt,
  seoDescription,
  publishedAt,
  coverImage{${imageFields}},
  body[]{
    ...,
    _type == "image" => {${imageFields}}
  },
  "author": author->{name, "slug": slug.current, url},
  "categories": categories[]->{_id, title, "slug": slug.current},
  "tags": tags[]->{title, "slug": slug.current},
  "previous": *[${visiblePost} && publishedAt < ^.publishedAt] | order(publishedAt desc)[0]{title, "slug": slug.current},
  "next": *[${visiblePost} && publishedAt > ^.publishedAt] | order(publishedAt asc)[0]{title, "slug": slug.current}
}`)

/** Up to three other posts sharing a category with the current one. */
export const relatedPostsQuery = defineQuery(`*[${visiblePost} && _id != $postId && count(categories[_ref in $categoryIds]) > 0] | order(publishedAt desc)[0...3]{${postCardFields}}`)

/** Slugs prerendered at build time: the most recent posts only. */
export const recentPostSlugsQuery = defineQuery(`*[${visiblePost}] | order(publishedAt desc)[0...20]{"slug": slug.current}`)

export const categoryPageQuery = defineQuery(`*[_type == "category" && slug.current == $slug][0]{
  _id,
  title,
  "slug": slug.current,
  description,
  "posts": *[${visiblePost} && ^._id in categories[]._ref] | order(publishedAt desc, _id desc)[$start...$end]{${postCardFields}},
  "total": count(*[${visiblePost} && ^._id in categories[]._ref])
}`)

export const tagPageQuery = defineQuery(`*[_type == "tag" && slug.current == $slug][0]{
  _id,
  title,
  "slug": slug.current,
  "posts": *[${visiblePost} && ^._id in tags[]._ref] | order(publishedAt desc, _id desc)[$start...$end]{${postCardFields}},
  "total": count(*[${visiblePost} && ^._id in tags[]._ref])
}`)

export const authorPageQuery = defineQuery(`*[_type == "author" && slug.current == $slug][0]{
  _id,
  name,
  "slug": slug.current,
  url,
  bio,
  image{${imageFields}},
  "posts": *[${visiblePost} && author._ref == ^._id] | order(publishedAt desc, _id desc)[$start...$end]{${postCardFields}},
  "total": count(*[${visiblePost} && author._ref == ^._id])
}`)

/** Posts of one month: `$from` inclusive, `$to` exclusive, both ISO datetimes. */
export const archiveMonthQuery = defineQuery(`{
  "posts": *[${visiblePost} && publishedAt >= $from && publishedAt < $to] | order(publishedAt desc, _id desc)[$start...$end]{${postCardFields}},
  "total": count(*[${visiblePost} && publishedAt >= $from && publishedAt < $to])
}`)

/** Publication dates for the archive index, grouped into months in code; capped. */
export const archiveDatesQuery = defineQuery(`*[${visiblePost}] | order(publishedAt desc)[0...5000].publishedAt`)

/** Full-text search over title, excerpt and body text; `$terms` is sanitised by lib/site/search.ts. */
export const searchQuery = defineQuery(`*[${visiblePost} && [title, excerpt, pt::text(body)] match $terms]
  | score(title match $terms, excerpt match $terms, pt::text(body) match $terms)
  | order(_score desc, publishedAt desc)[0...$limit]{${postCardFields}}`)

/** Everything the sitemap lists; each list capped (a sitemap file holds at most 50,000 URLs). */
export const sitemapQuery = defineQuery(`{
  "posts": *[${visiblePost}] | order(publishedAt desc)[0...10000]{"slug": slug.current, _updatedAt},
  "categories": *[_type == "category" && defined(slug.current)][0...1000]{"slug": slug.current, _updatedAt},
  "tags": *[_type == "tag" && defined(slug.current)][0...5000]{"slug": slug.current, _updatedAt},
  "authors": *[_type == "author" && defined(slug.current)][0...1000]{"slug": slug.current, _updatedAt}
}`)

/** Approved pingbacks/webmentions of one post, oldest first (WordPress order). Private ids: needs a token. */
export const pingbacksForPostQuery = defineQuery(`*[_type == "pingback" && status == "approved" && target._ref == $postId] | order(receivedAt asc)[0...200]{
  _id,
  kind,
  sourceUrl,
  sourceTitle,
  sourceSite,
  receivedAt
}`)

/** Contact: where notifications go, and the site name they carry. Read with the write client. */
export const contactSettingsQuery = defineQuery(`*[_type == "siteSettings" && _id == "siteSettings"][0]{title, contactEmail, contactBlurb}`)

/** Contact: a form's post id is kept only when it names a published post. */
export const contactPostQuery = defineQuery(`*[_type == "post" && _id == $postId && !(_id in path("drafts.**")) && !(_id in path("versions.**"))][0]{_id}`)

/** Contact: messages whose e-mail notification is still owed, oldest first, bounded. Private ids: token only. */
export const contactDeliveryQueueQuery = defineQuery(`*[_type == "contactMessage" && delivery.state in ["pending", "failed"] && coalesce(delivery.attempts, 0) < $maxAttempts] | order(receivedAt asc)[0...$limit]{_id, receivedAt, delivery}`)

/** Contact: one message and the post it was sent from, to compose its notification. */
export const contactMessageForMailQuery = defineQuery(`*[_type == "contactMessage" && _id == $id][0]{
  _id,
  _rev,
  name,
  email,
  subject,
  message,
  receivedAt,
  delivery,
  "post": post->{title, "slug": slug.current}
}`)

/* ---------- Feeds (lib/feeds): RSS, Atom and JSON Feed, site-wide and per topic ---------- */

/** Channel data for every feed. `_updatedAt` feeds Last-Modified; the image is resolved by lib/feeds/images.ts. */
export const feedSettingsQuery = defineQuery(`*[_type == "siteSettings" && _id == "siteSettings"][0]{
  _updatedAt,
  title,
  description,
  language,
  feedItemCount,
  ogImage{alt, crop, hotspot, asset}
}`)

/** The topic of a per-topic feed; `$kind` is one of category, tag, author (checked before the query). */
export const feedTopicQuery = defineQuery(`*[_type == $kind && slug.current == $slug][0]{
  _id,
  _updatedAt,
  "title": coalesce(title, name),
  description,
  "slug": slug.current
}`)

/**
 * The newest visible posts, with full bodies, for a feed. `$topicId` "" means site-wide; otherwise
 * posts referencing the topic document (as author, category or tag). `$limit` is capped in code.
 * Referenced documents' `_updatedAt` are included: renaming a category changes the feed's Last-Modified.
 */
export const feedPostsQuery = defineQuery(`*[${visiblePost} && ($topicId == "" || $topicId in categories[]._ref || $topicId in tags[]._ref || author._ref == $topicId)]
  | order(publishedAt desc, _id desc)[0...$limit]{
  _id,
  _updatedAt,
  title,
  "slug": slug.current,
  excerpt,
  publishedAt,
  coverImage{alt, crop, hotspot, asset},
  body,
  "author": author->{_updatedAt, name, "slug": slug.current, url},
  "categories": categories[]->{_updatedAt, title, "slug": slug.current},
  "tags": tags[]->{_updatedAt, title, "slug": slug.current}
}`)

/* Pingbacks and Webmentions (lib/mentions). Pingback/mentionSent ids are private: token client only. */

/** A post a mention points at, with what decides whether it accepts mentions. */
export const mentionTargetPostQuery = defineQuery(`*[_type == "post" && slug.current == $slug && !(_id in path("drafts.**")) && !(_id in path("versions.**"))][0]{
  _id,
  title,
  "slug": slug.current,
  "pingsOpen": coalesce(pingsOpen, true),
  "published": defined(publishedAt) && publishedAt <= now()
}`)

/** Settings the mention receiver needs. */
export const mentionSettingsQuery = defineQuery(`*[_type == "siteSettings" && _id == "siteSettings"][0]{
  title,
  "autoApprovePingbacks": coalesce(autoApprovePingbacks, false)
}`)

/** pingback.extensions.getPingbacks: approved sources of one post. */
export const mentionSourcesForPostQuery = defineQuery(`*[_type == "pingback" && status == "approved" && target._ref == $postId] | order(receivedAt asc)[0...500].sourceUrl`)

/** A published post as the sender of outgoing mentions sees it: links live in the body's markDefs. */
export const outgoingPostQuery = defineQuery(`*[_type == "post" && _id == $postId && !(_id in path("drafts.**")) && !(_id in path("versions.**"))][0]{
  _id,
  _updatedAt,
  title,
  "slug": slug.current,
  "published": defined(publishedAt) && publishedAt <= now(),
  "blocks": body[_type == "block"][0...2000]{
    "text": pt::text(@),
    "hrefs": markDefs[_type == "link"].href
  }
}`)

/** What was already sent for a post (one private `mentionSent.<hash>` per post + target). */
export const mentionsSentForPostQuery = defineQuery(`*[_type == "mentionSent" && postId == $postId][0...1000]{
  _id,
  sourceUrl,
  targetUrl,
  method,
  state,
  contentHash
}`)

/** Internal pingbacks a post (by its URL) made, so they can be withdrawn when it goes away. */
export const internalPingbacksFromSourceQuery = defineQuery(`*[_type == "pingback" && kind == "internal" && sourceUrl == $sourceUrl][0...1000]{
  _id,
  "postId": target._ref,
  targetUrl
}`)

/** One pingback's target post id (moderation revalidation). */
export const pingbackTargetQuery = defineQuery(`*[_type == "pingback" && _id == $id][0]{"postId": target._ref}`)

/** The next scheduled post: published, with `publishedAt` still in the future (lib/scheduling). */
export const nextScheduledPostQuery = defineQuery(
  `*[_type == "post" && defined(slug.current) && publishedAt > now() && !(_id in path("drafts.**")) && !(_id in path("versions.**"))] | order(publishedAt asc)[0]{_id, "slug": slug.current, publishedAt}`,
)

/** A standalone page (imported from WordPress or written in the Studio) by its path, e.g. "/about/team". */
export const pageByPathQuery = defineQuery(`*[_type == "page" && path == $path && !(_id in path("drafts.**")) && !(_id in path("versions.**"))][0]{
  _id,
  _updatedAt,
  title,
  path,
  seoDescription,
  publishedAt,
  body[]{
    ...,
    _type == "image" => {${imageFields}}
  }
}`)

/** Every redirect (old path → new path), for the proxy's in-memory table; bounded. */
export const redirectsQuery = defineQuery(`*[_type == "redirect" && defined(from) && defined(to) && !(_id in path("drafts.**"))][0...100000]{from, to}`)

/** Scheduled posts whose moment came in the window ($since, $until]: the ones to announce now. */
export const duePostsQuery = defineQuery(
  `*[_type == "post" && defined(slug.current) && dateTime(publishedAt) > dateTime($since) && dateTime(publishedAt) <= dateTime($until) && !(_id in path("drafts.**")) && !(_id in path("versions.**"))] | order(publishedAt asc)[0...100]{_id, "slug": slug.current, publishedAt}`,
)
