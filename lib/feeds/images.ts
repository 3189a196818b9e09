/**
 * Absolute, public image URLs for feeds. Feed readers fetch images long after the feed was built
 * and from anywhere, so URLs point at the public image host: Sanity's CDN when hosted, the local
 * lake's browser-facing HTTPS origin otherwise (the same host the Studio uses).
 */
import {createImageUrlBuilder, type ImageUrlBuilder} from '@sanity/image-url'
import {browserApiHost, dataset, projectId} from '@/lib/env'

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

/** The app's image URL function (public host from lib/env.ts). */
export const feedImageUrlFor: ImageUrlFor = createFeedImageUrlFor({projectId, dataset, baseUrl: browserApiHost})
