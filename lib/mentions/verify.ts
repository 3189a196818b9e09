/**
 * The two checks every incoming mention goes through: is the target one of our posts that accepts
 * mentions, and does the source page (fetched safely) really link to it?
 */
import {isTextualContentType, safeFetch, SafeFetchError} from './safe-fetch'
import {summarisePlainText, summariseSource, type SourceSummary} from './source-page'
import {findTargetPost, type TargetPost} from './store'
import {postSlugFromUrl, postUrl} from './urls'

export type TargetCheck =
  | {ok: true; post: TargetPost; canonicalUrl: string}
  | {ok: false; reason: 'does-not-exist' | 'cannot-be-used'; message: string}

/** Decides whether a target URL is a published post of this site with pings open. */
export async function checkTarget(target: URL): Promise<TargetCheck> {
  const slug = postSlugFromUrl(target)
  if (!slug) return {ok: false, reason: 'cannot-be-used', message: 'The target is not a post of this site.'}
  const post = await findTargetPost(slug)
  if (!post) return {ok: false, reason: 'does-not-exist', message: 'The target post does not exist.'}
  if (!post.published) return {ok: false, reason: 'cannot-be-used', message: 'The target post is not published.'}
  if (!post.pingsOpen) return {ok: false, reason: 'cannot-be-used', message: 'The target post does not accept pingbacks or webmentions.'}
  return {ok: true, post, canonicalUrl: postUrl(post.slug)}
}

export type SourceCheck =
  | {outcome: 'links'; summary: SourceSummary; finalUrl: string}
  /** The source answered 404 or 410: the mention (if any) must go. */
  | {outcome: 'gone'; message: string}
  /** Fetched fine, but it does not (or no longer) link to the target, or is not a web page. */
  | {outcome: 'no-link'; message: string}
  /** Refused by the address policy, or not a fetchable URL. */
  | {outcome: 'refused'; message: string}
  /** Network trouble, a timeout or a 5xx: try again later, change nothing. */
  | {outcome: 'upstream-error'; message: string}

/** Fetches the source (see safe-fetch.ts) and looks for a link to `target`. */
export async function checkSource(source: URL, target: URL): Promise<SourceCheck> {
  let response
  try {
    response = await safeFetch(source.href)
  } catch (error) {
    if (error instanceof SafeFetchError) {
      if (error.kind === 'refused' || error.kind === 'invalid-url') return {outcome: 'refused', message: error.message}
      if (error.kind === 'network' && /cannot resolve/.test(error.message)) return {outcome: 'gone', message: error.message}
      return {outcome: 'upstream-error', message: error.message}
    }
    throw error
  }
  if (response.status === 404 || response.status === 410) {
    return {outcome: 'gone', message: `The source answered HTTP ${response.status}.`}
  }
  if (response.status >= 300) {
    return {outcome: 'upstream-error', message: `The source answered HTTP ${response.status}.`}
  }
  if (!isTextualContentType(response.contentType)) {
    return {outcome: 'no-link', message: `The source is not an HTML or text page (${response.contentType || 'no content type'}).`}
  }
  const summary = response.contentType.toLowerCase().startsWith('text/plain')
    ? summarisePlainText(response.text(), response.url, target)
    : summariseSource(response.text(), response.url, target)
  if (!summary) return {outcome: 'no-link', message: 'The source does not link to the target.'}
  return {outcome: 'links', summary, finalUrl: response.url}
}
