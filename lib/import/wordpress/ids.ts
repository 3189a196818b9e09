/**
 * Document ids derived from WordPress ids and the exporting site's URL, so a re-run of the same
 * export replaces what the last run wrote instead of duplicating it, and two blogs imported into one
 * dataset never collide. Ids follow docs/data-model.md: public ones have no dot-separated prefix;
 * comments and the import's own record are private (`wpComment.…`, `wordpressImport.…`).
 */
import crypto from 'node:crypto'

function sha1(text: string): string {
  return crypto.createHash('sha1').update(text).digest('hex')
}

/** 8 hex characters identifying the exporting blog (its base URL without scheme and trailing slash). */
export function siteKey(siteUrl: string): string {
  const normalized = siteUrl.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '')
  return sha1(normalized || 'unknown-site').slice(0, 8)
}

/** A readable id part when the value allows it, else a short hash (Sanity ids: [A-Za-z0-9_-]). */
export function idPart(value: string): string {
  const lower = value.toLowerCase()
  return /^[a-z0-9_-]{1,64}$/.test(lower) ? lower : sha1(value).slice(0, 16)
}

export const ids = {
  post: (site: string, wpId: string) => `wp-${site}-post-${idPart(wpId)}`,
  page: (site: string, wpId: string) => `wp-${site}-page-${idPart(wpId)}`,
  author: (site: string, login: string) => `wp-${site}-author-${idPart(login)}`,
  category: (site: string, slug: string) => `wp-${site}-category-${idPart(slug)}`,
  tag: (site: string, slug: string) => `wp-${site}-tag-${idPart(slug)}`,
  comment: (site: string, wpId: string) => `wpComment.wp-${site}-${idPart(wpId)}`,
  redirect: (from: string) => `redirect-${sha1(from).slice(0, 24)}`,
  manifest: (site: string) => `wordpressImport.wp-${site}`,
}

/** Pingbacks use the mention module's own id (`pingback.<sha1(source + ' ' + target)>`), so a later live pingback from the same source updates the imported one. */
export {mentionId as pingbackId} from '@/lib/mentions/ids'
