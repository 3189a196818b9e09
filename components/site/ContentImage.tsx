import {getImageProps} from 'next/image'
import {preload} from 'react-dom'
import {urlForImage} from '@/sanity/lib/image'
import type {ImageField} from '@/lib/site/types'

/**
 * A Sanity image field as a responsive image: hotspot/crop applied by the image pipeline, the
 * asset's LQIP as the blur placeholder, intrinsic size from the asset metadata (no layout shift).
 * `aspect` crops to a fixed ratio around the hotspot (cards, covers); without it the whole image shows.
 *
 * Rendered on the server as a plain `<img>` with `next/image`'s `getImageProps` (same srcset,
 * sizes, loader and placeholder as `<Image>`), so readers download no image component JavaScript
 * (#16.15). `priority` (the post's cover, its likely LCP element) loads eagerly at high fetch
 * priority and is preloaded from the document head.
 */
export function ContentImage({
  image,
  sizes,
  aspect,
  priority = false,
  className,
  caption = true,
}: {
  image: ImageField | undefined
  sizes: string
  aspect?: number
  priority?: boolean
  className?: string
  caption?: boolean
}) {
  const asset = image?.asset
  if (!image || !asset?._id) return null
  const sourceWidth = asset.width || 1600
  const sourceHeight = asset.height || 900
  const width = Math.min(sourceWidth, 1600)
  const height = aspect ? Math.round(width / aspect) : Math.round((width * sourceHeight) / sourceWidth)
  const builder = urlForImage(image).width(width)
  const src = (aspect ? builder.height(height).fit('crop') : builder).url()
  const lqip = asset.lqip && asset.lqip.startsWith('data:image/') ? asset.lqip : undefined

  const {props} = getImageProps({
    src,
    alt: image.alt || '',
    width,
    height,
    sizes,
    preload: false,
    loading: priority ? 'eager' : 'lazy',
    fetchPriority: priority ? 'high' : undefined,
    placeholder: lqip ? 'blur' : 'empty',
    blurDataURL: lqip,
    className: className ?? 'h-auto w-full rounded-md',
  })
  if (priority && props.srcSet) preload(props.src, {as: 'image', imageSrcSet: props.srcSet, imageSizes: props.sizes, fetchPriority: 'high'})
  // A plain <img> on purpose: its props come from getImageProps (see above).
  // eslint-disable-next-line @next/next/no-img-element, jsx-a11y/alt-text
  const img = <img {...props} />
  if (!caption || !image.caption) return img
  return (
    <figure>
      {img}
      <figcaption>{image.caption}</figcaption>
    </figure>
  )
}
