import sharp, {type Metadata} from 'sharp'
import {badRequest} from '../http/respond'
import {MAX_INPUT_PIXELS} from './limits'

/** Image formats the lake accepts, with the extension and MIME type Sanity gives them. */
const FORMATS: Record<string, {extension: string; mimeType: string}> = {
  jpeg: {extension: 'jpg', mimeType: 'image/jpeg'},
  png: {extension: 'png', mimeType: 'image/png'},
  webp: {extension: 'webp', mimeType: 'image/webp'},
  gif: {extension: 'gif', mimeType: 'image/gif'},
  avif: {extension: 'avif', mimeType: 'image/avif'},
  tiff: {extension: 'tif', mimeType: 'image/tiff'},
  svg: {extension: 'svg', mimeType: 'image/svg+xml'},
}

export interface ImageInfo {
  extension: string
  mimeType: string
  /** As displayed: EXIF orientation applied (a portrait photo stored sideways is reported as portrait). */
  width: number
  height: number
  hasAlpha: boolean
  isOpaque: boolean
  /** A ~20 px wide blurred JPEG as a data URL: shown while the real image loads. */
  lqip: string
}

/**
 * Reads an upload's real format from its bytes (never from the client's claims) and computes the
 * metadata Sanity stores with an image. Anything sharp cannot decode is not an image: 400.
 */
export async function inspectImage(data: Buffer): Promise<ImageInfo> {
  let metadata: Metadata
  try {
    metadata = await sharp(data, {limitInputPixels: MAX_INPUT_PIXELS}).metadata()
  } catch {
    throw badRequest('The uploaded file is not an image this server can read (JPEG, PNG, WebP, GIF, AVIF, TIFF or SVG)')
  }
  const format = metadata.format === 'heif' && metadata.compression === 'av1' ? 'avif' : metadata.format
  const known = format ? FORMATS[format] : undefined
  if (!known || !metadata.width || !metadata.height) {
    throw badRequest(`Unsupported image format${format ? ` "${format}"` : ''}`)
  }
  if (metadata.width * metadata.height > MAX_INPUT_PIXELS) {
    throw badRequest(`Image is too large (${metadata.width}×${metadata.height} pixels)`)
  }
  const rotated = (metadata.orientation ?? 1) >= 5
  const width = rotated ? metadata.height : metadata.width
  const height = rotated ? metadata.width : metadata.height
  try {
    const image = sharp(data, {limitInputPixels: MAX_INPUT_PIXELS, animated: false})
    const [stats, lqipBuffer] = await Promise.all([
      image.clone().stats(),
      image
        .clone()
        .rotate()
        .resize(20, 20, {fit: 'inside'})
        .flatten({background: '#ffffff'})
        .blur(1)
        .jpeg({quality: 40})
        .toBuffer(),
    ])
    return {
      ...known,
      width,
      height,
      hasAlpha: Boolean(metadata.hasAlpha),
      isOpaque: stats.isOpaque,
      lqip: `data:image/jpeg;base64,${lqipBuffer.toString('base64')}`,
    }
  } catch {
    throw badRequest('The uploaded image is damaged and cannot be decoded')
  }
}
