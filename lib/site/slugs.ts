/**
 * Slugs arriving in URLs. Sanity's slug field produces lowercase words with dashes; anything
 * far outside that shape cannot be a post, so it is answered with 404 before touching the lake.
 */
export const MAX_SLUG_LENGTH = 200

export function isPlausibleSlug(slug: unknown): slug is string {
  return typeof slug === 'string' && slug.length > 0 && slug.length <= MAX_SLUG_LENGTH && !/[\s/\\\u0000-\u001f]/.test(slug)
}

/** Next passes dynamic segments percent-decoded in most cases but not all; decode once, safely. */
export function decodeSlug(raw: string): string | null {
  let value = raw
  try {
    value = decodeURIComponent(raw)
  } catch {
    return null
  }
  return isPlausibleSlug(value) ? value : null
}
