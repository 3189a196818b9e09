/**
 * Imported posts must not announce themselves to the web: WordPress already sent their pingbacks
 * when they were first published, years ago. The site's mention sender (lib/mentions/outgoing.ts)
 * notifies each external link of a published post once and remembers it in a private
 * `mentionSent.<sha1(source + ' ' + target)>` document; a `pingback` record in state `sent` is
 * never sent again. So the importer writes that record for every external link a published post
 * has at import time, before the post itself: the webhook a running lake fires for the import then
 * finds nothing left to send. Links an editor adds later are new targets and are notified as usual.
 *
 * The link list follows the sender's own (`linksOf`): link annotations of text blocks, resolved
 * against the post's URL, http(s) only, fragment dropped, de-duplicated (trailing slash ignored),
 * this site's post pages excluded (those become internal pingbacks, no network), at most 100.
 */
import crypto from 'node:crypto'

const MAX_LINKS_PER_POST = 100
const MAX_URL_LENGTH = 2048
const MAX_BLOCKS = 2000

export function sourceUrlOf(siteUrl: string, slug: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/posts/${encodeURIComponent(slug)}`
}

function httpUrl(raw: unknown, base: string): URL | null {
  if (typeof raw !== 'string') return null
  const trimmed = raw.trim()
  if (trimmed === '' || trimmed.length > MAX_URL_LENGTH) return null
  try {
    const url = new URL(trimmed, base)
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return null
    return url
  } catch {
    return null
  }
}

function normalised(url: URL): string {
  const copy = new URL(url.href)
  copy.hash = ''
  if (copy.pathname.length > 1 && copy.pathname.endsWith('/')) copy.pathname = copy.pathname.replace(/\/+$/, '')
  return copy.href
}

function isSitePost(url: URL, siteUrl: string): boolean {
  const site = new URL(siteUrl)
  if (url.origin !== site.origin) return false
  const base = site.pathname.replace(/\/+$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^${base}/posts/[^/]+/?$`).test(url.pathname)
}

/** The external links the site's sender would notify for this body, in its order. */
export function externalLinks(body: readonly Record<string, unknown>[], sourceUrl: string, siteUrl: string): string[] {
  const seen = new Map<string, string>()
  const self = normalised(new URL(sourceUrl))
  for (const block of body.filter((b) => b._type === 'block').slice(0, MAX_BLOCKS)) {
    const defs = Array.isArray(block.markDefs) ? (block.markDefs as {_type?: string; href?: unknown}[]) : []
    for (const def of defs) {
      if (def?._type !== 'link') continue
      const url = httpUrl(def.href, sourceUrl)
      if (!url) continue
      const key = normalised(url)
      if (key === self || seen.has(key)) continue
      url.hash = ''
      if (!isSitePost(url, siteUrl)) seen.set(key, url.href)
      else seen.set(key, '')
      if (seen.size >= MAX_LINKS_PER_POST) break
    }
    if (seen.size >= MAX_LINKS_PER_POST) break
  }
  return [...seen.values()].filter(Boolean)
}

/** `mentionSent` records marking each external link of an imported, published post as already notified. */
export function alreadyNotified(options: {postId: string; slug: string; body: readonly Record<string, unknown>[]; siteUrl: string; publishedAt: string; oldUrl: string}): Record<string, unknown>[] {
  const sourceUrl = sourceUrlOf(options.siteUrl, options.slug)
  return externalLinks(options.body, sourceUrl, options.siteUrl).map((targetUrl) => ({
    _id: `mentionSent.${crypto.createHash('sha1').update(`${sourceUrl} ${targetUrl}`).digest('hex')}`,
    _type: 'mentionSent',
    postId: options.postId,
    sourceUrl,
    targetUrl,
    method: 'pingback',
    endpoint: null,
    state: 'sent',
    attempts: 0,
    lastAttemptAt: options.publishedAt,
    responseStatus: null,
    detail: `Imported from WordPress${options.oldUrl ? ` (${options.oldUrl.slice(0, 300)})` : ''}: WordPress notified this link when the post was first published; not sent again.`,
    contentHash: null,
    importedFrom: 'wordpress',
  }))
}
