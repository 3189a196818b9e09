/**
 * Slugs from titles: lower case ASCII words joined by hyphens, accents dropped ("Ríos" → "rios"),
 * at most `maxLength` characters without a trailing hyphen. Used by the slug field's Generate
 * button and by its auto-fill, so both give the same answer.
 */
export const SLUG_MAX_LENGTH = 96

export function slugify(title: string, maxLength = SLUG_MAX_LENGTH): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '')
}
