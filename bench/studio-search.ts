/**
 * The query Sanity Studio 5.31.2's global search sends for this project's schema (its default
 * "groqLegacy" strategy, captured from Sanity's own createSearch): every searchable type, each term
 * matched against every searchable path, a projection of the fields the result list shows, and
 * `order(orderings[0] asc)[0...$__limit]`. Used by the search and lake benchmarks.
 */
export const STUDIO_TYPES = ['post', 'author', 'category', 'tag', 'siteSettings', 'pingback', 'rejectedMention', 'contactMessage', 'page', 'redirect', 'wpComment']
export const STUDIO_PATHS = [
  '_id', '_type', 'title', 'slug.current', 'excerpt', 'coverImage.media._ref', 'coverImage.alt', 'pt::text(body)', 'publishedAt', 'seoDescription',
  'name', 'image.media._ref', 'image.alt', 'pt::text(bio)', 'url', 'email', 'description', 'language', 'contactBlurb', 'contactEmail',
  'ogImage.media._ref', 'ogImage.alt', 'status', 'kind', 'sourceTitle', 'sourceSite', 'sourceUrl', 'targetUrl', 'receivedAt', 'verifiedAt',
  'reason', 'rejectedAt', 'subject', 'message', 'delivery.state', 'delivery.lastAttemptAt', 'delivery.error', 'path', 'from[]', 'to', 'source',
  'authorName', 'authorEmail', 'authorUrl', 'content', 'postedAt', 'wordpressId', 'wordpressParentId',
]

/** The Studio's global search query for `terms` (one `(… match $tN || …)` group per term). */
export function studioSearch(terms: string[]): {query: string; params: Record<string, unknown>} {
  const groups = terms.map((_, i) => `(${STUDIO_PATHS.map((p) => `${p} match $t${i}`).join(' || ')})`)
  const query = `*[_type in $__types && ${groups.join(' && ')}] {_type, _id, _originalId, "orderings": [_id], ...select(_type == "post" => {"w0": _id, "w2": title, "w7": pt::text(body)}, _type == "author" => {"w2": name})} | order(orderings[0] asc) [0...$__limit]`
  const params: Record<string, unknown> = {__types: STUDIO_TYPES, __limit: 1000}
  terms.forEach((term, i) => (params[`t${i}`] = `${term}*`))
  return {query, params}
}
