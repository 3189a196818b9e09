import {createImageUrlBuilder, type SanityImageSource} from '@sanity/image-url'
import {dataset, projectId, publicAssetBaseUrl} from '@/lib/env'

/**
 * Image URLs for Sanity image fields: hosted Sanity's CDN, or the local lake's image pipeline
 * (which understands the same transform parameters) through the site's own `/images/*`. Hotspot and crop are honoured by the builder.
 */
const builder = createImageUrlBuilder({
  projectId,
  dataset,
  ...(publicAssetBaseUrl ? {baseUrl: publicAssetBaseUrl} : {}),
})

export function urlForImage(source: SanityImageSource) {
  return builder.image(source).auto('format').fit('max')
}

/** True when an image field actually points at an asset (an alt text alone is not an image). */
export function hasImageAsset(image: unknown): image is {asset: {_id?: string; _ref?: string}} {
  if (!image || typeof image !== 'object') return false
  const asset = (image as {asset?: {_id?: unknown; _ref?: unknown}}).asset
  return !!asset && (typeof asset._id === 'string' || typeof asset._ref === 'string')
}
