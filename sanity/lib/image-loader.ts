/**
 * `next/image` loader for Sanity image URLs: the width (and, for fixed-ratio crops, the height)
 * are asked of the image pipeline itself — hosted Sanity's CDN, or the local lake's `/images/*`
 * through the site — instead of Next's optimizer. So `/_next/image` is off entirely (Next answers
 * 404 with a custom loader) and the site never fetches a URL chosen by a visitor (#18, finding 2).
 */
import type {ImageLoaderProps} from 'next/image'

export default function sanityImageLoader({src, width, quality}: ImageLoaderProps): string {
  const url = new URL(src, 'http://relative.invalid')
  const sourceWidth = Number(url.searchParams.get('w'))
  const sourceHeight = Number(url.searchParams.get('h'))
  url.searchParams.set('w', String(width))
  // Keep the aspect ratio of a cropped image at every width of the srcset.
  if (sourceWidth > 0 && sourceHeight > 0) url.searchParams.set('h', String(Math.round((width * sourceHeight) / sourceWidth)))
  if (quality) url.searchParams.set('q', String(quality))
  return url.origin === 'http://relative.invalid' ? url.pathname + url.search : url.href
}
