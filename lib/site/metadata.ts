import type {Metadata} from 'next'

/**
 * Per-page metadata in one shape: title, description, canonical URL, Open Graph and Twitter card.
 * Paths are relative; the root layout's `metadataBase` (siteUrl) makes them absolute.
 */
export type PageMetadataInput = {
  title: string
  description?: string | null
  /** Canonical path, e.g. `/posts/my-slug`. */
  path: string
  type?: 'website' | 'article'
  publishedTime?: string
  modifiedTime?: string
  authors?: string[]
  tags?: string[]
  /** Extra `<link rel="alternate">` types (topic feeds). */
  alternateTypes?: NonNullable<Metadata['alternates']>['types']
  noindex?: boolean
}

export const MAX_DESCRIPTION_LENGTH = 200

/** Search engines show ~160 characters; cut on a word boundary and mark the cut. */
export function truncateDescription(text: string | null | undefined, max = MAX_DESCRIPTION_LENGTH): string | undefined {
  const clean = text?.replace(/\s+/g, ' ').trim()
  if (!clean) return undefined
  if (clean.length <= max) return clean
  const cut = clean.slice(0, max - 1)
  const lastSpace = cut.lastIndexOf(' ')
  return `${(lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s.,;:!?-]+$/, '')}…`
}

export function pageMetadata(input: PageMetadataInput): Metadata {
  const description = truncateDescription(input.description)
  return {
    title: input.title,
    description,
    alternates: {canonical: input.path, ...(input.alternateTypes ? {types: input.alternateTypes} : {})},
    openGraph: {
      type: input.type ?? 'website',
      title: input.title,
      description,
      url: input.path,
      ...(input.type === 'article'
        ? {publishedTime: input.publishedTime, modifiedTime: input.modifiedTime, authors: input.authors, tags: input.tags}
        : {}),
    },
    twitter: {card: 'summary_large_image', title: input.title, description},
    ...(input.noindex ? {robots: {index: false, follow: true}} : {}),
  }
}
