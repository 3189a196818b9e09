/**
 * Entry ids. A feed reader uses the id to decide "new item or one I have seen": if it changes,
 * every subscriber gets the post again as unread. So the id is built only from the document's
 * `_id`, which never changes — not from the permalink, which changes with the slug, and not from
 * `_createdAt`/`publishedAt`, which can change when a post is unpublished and republished or rescheduled.
 * Format: a `tag:` URI (RFC 4151), `tag:<site host>,<fixed date>:post:<document id>`. The date is
 * a constant of this software (RFC 4151 only needs a date at which the authority held the name).
 * Moving the site to another host changes ids; it changes every permalink too, so that is accepted.
 */
const TAG_DATE = '2024'

/** The RFC 4151 `specific` part allows these unescaped; Sanity ids use a subset of them. */
const encodeSpecific = (value: string) =>
  value.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?]/g, (c) => encodeURIComponent(c))

export function entryId(siteUrl: string, documentId: string): string {
  return `tag:${new URL(siteUrl).hostname},${TAG_DATE}:post:${encodeSpecific(documentId)}`
}

/** The feed's own id (Atom `feed/id`): the same scheme, keyed by the topic's document id. */
export function feedId(siteUrl: string, topicDocumentId?: string): string {
  const host = new URL(siteUrl).hostname
  return topicDocumentId ? `tag:${host},${TAG_DATE}:feed:${encodeSpecific(topicDocumentId)}` : `tag:${host},${TAG_DATE}:feed`
}
