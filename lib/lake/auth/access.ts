/**
 * Sanity's rule for what anonymous callers may see in a public dataset: documents whose id has no
 * dot-separated prefix. That excludes drafts (`drafts.x`), versions (`versions.r.x`) and private
 * documents such as `contact.<uuid>` and `pingback.<hash>`.
 */
export function isPublicId(id: string): boolean {
  return !id.includes('.')
}
