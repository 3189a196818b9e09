import Image from 'next/image'
import {urlForImage} from '@/sanity/lib/image'
import type {ImageField} from '@/lib/site/types'

/**
 * A Sanity image field as a responsive `next/image`: hotspot/crop applied by the image pipeline,
 * the asset's LQIP as the blur placeholder, intrinsic size from the asset metadata (no layout shift).
 * `aspect` crops to a fixed ratio around the hotspot (cards, covers); without it the whole image shows.
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

  const img = (
    <Image
      src={src}
      alt={image.alt || ''}
      width={width}
      height={height}
      sizes={sizes}
      priority={priority}
      placeholder={lqip ? 'blur' : 'empty'}
      blurDataURL={lqip}
      className={className ?? 'h-auto w-full rounded-md'}
    />
  )
  if (!caption || !image.caption) return img
  return (
    <figure>
      {img}
      <figcaption>{image.caption}</figcaption>
    </figure>
  )
}
