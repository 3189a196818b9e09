/**
 * Absolute image URLs for feeds. Readers fetch them long after the feed was built, so they are
 * always absolute and sized. The host is the one the site's own pages use (sanity/lib/image.ts):
 * Sanity's CDN when hosted, the local lake's image pipeline (through the site's `/images/*`) otherwise — a feed shows exactly the
 * images the post page shows.
 */
import {createImageUrlBuilder, type ImageUrlBuilder} from '@sanity/image-url'
import {dataset, projectId, publicAssetBaseUrl} from '@/lib/env'

/** An image field as the feed queries return it: asset expanded to `{_id}` or still a `{_ref}`. */
export interface FeedImageSource {
  asset?: {_id?: string; _ref?: string; url?: string} | null
  crop?: {top: number; bottom: number; left: number; right: number} | null
  hotspot?: {x: number; y: number; height: number; width: number} | null
  alt?: string | null
  caption?: string | null
}

export interface ImageSize {
  width: number
  height?: number
}

/** Returns an absolute image URL, or null when the image has no usable asset. */
export type ImageUrlFor = (image: FeedImageSource, size: ImageSize) => string | null

export function createFeedImageUrlFor(options: {projectId: string; dataset: string; baseUrl?: string}): ImageUrlFor {
  const builder: ImageUrlBuilder = createImageUrlBuilder(options)
  return (image, size) => {
    const ref = image.asset?._id ?? image.asset?._ref
    if (!ref || !ref.startsWith('image-')) return null
    try {
      let url = builder
        .image({asset: {_ref: ref}, crop: image.crop ?? undefined, hotspot: image.hotspot ?? undefined})
        .width(size.width)
      url = size.height ? url.height(size.height).fit('crop') : url.fit('max')
      return url.url()
    } catch {
      // A malformed asset id (the builder throws) must not take the whole feed down: skip the image.
      return null
    }
  }
}

/** The app's image URL function. */
export const feedImageUrlFor: ImageUrlFor = createFeedImageUrlFor({projectId, dataset, baseUrl: publicAssetBaseUrl})
