import sharp from 'sharp'
import {badRequest} from '../http/respond'
import {MAX_INPUT_PIXELS, MAX_OUTPUT_DIMENSION} from './limits'

/**
 * Sanity's image URL parameters (the subset `@sanity/image-url` emits and editors use), parsed
 * strictly — a malformed value is a 400, never a crash — and applied with sharp in the order
 * Sanity's CDN applies them: orientation, rect, flip/rotate, resize (fit/crop), effects, format.
 */

export type Fit = 'clip' | 'crop' | 'fill' | 'fillmax' | 'max' | 'scale' | 'min'
export type OutputFormat = 'jpg' | 'pjpg' | 'png' | 'webp' | 'avif' | 'gif'

export interface TransformSpec {
  width?: number
  height?: number
  maxWidth?: number
  maxHeight?: number
  minWidth?: number
  minHeight?: number
  dpr: number
  fit: Fit
  crop: string[]
  rect?: {left: number; top: number; width: number; height: number}
  focalPoint?: {x: number; y: number}
  quality?: number
  format?: OutputFormat
  autoFormat: boolean
  blur?: number
  sharpen?: number
  saturation?: number
  invert: boolean
  flip: {h: boolean; v: boolean}
  orientation: 0 | 90 | 180 | 270
  background?: string
  download?: string
}

const FITS = new Set<Fit>(['clip', 'crop', 'fill', 'fillmax', 'max', 'scale', 'min'])
const CROPS = new Set(['top', 'bottom', 'left', 'right', 'center', 'focalpoint', 'entropy'])
const FORMATS = new Set<OutputFormat>(['jpg', 'pjpg', 'png', 'webp', 'avif', 'gif'])
/** Parameters that change the output; anything else (cache busters, `vanity`) is ignored. */
const KNOWN = ['w', 'h', 'max-w', 'max-h', 'min-w', 'min-h', 'dpr', 'fit', 'crop', 'rect', 'fp-x', 'fp-y', 'q', 'fm', 'auto', 'blur', 'sharp', 'sat', 'invert', 'flip', 'or', 'bg', 'dl']

function number(params: URLSearchParams, name: string, min: number, max: number, integer = true): number | undefined {
  const raw = params.get(name)
  if (raw === null || raw === '') return undefined
  const value = Number(raw)
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw badRequest(`Invalid image parameter ${name}=${raw.slice(0, 40)} (expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max})`)
  }
  return value
}

/** A size parameter: 0 means "not given"; values above the output bound are clamped later. */
const size = (params: URLSearchParams, name: string) => number(params, name, 0, 100_000) || undefined

export function parseTransform(params: URLSearchParams): TransformSpec {
  const fit = (params.get('fit') ?? 'clip') as Fit
  if (!FITS.has(fit)) throw badRequest(`Invalid image parameter fit=${fit.slice(0, 40)}`)
  const crop = (params.get('crop') ?? 'center').split(',').filter(Boolean)
  for (const mode of crop) if (!CROPS.has(mode)) throw badRequest(`Invalid image parameter crop=${mode.slice(0, 40)}`)

  let rect: TransformSpec['rect']
  const rawRect = params.get('rect')
  if (rawRect) {
    const parts = rawRect.split(',').map(Number)
    if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0) || parts[2] < 1 || parts[3] < 1) {
      throw badRequest('Invalid image parameter rect (expected left,top,width,height in pixels)')
    }
    rect = {left: parts[0], top: parts[1], width: parts[2], height: parts[3]}
  }
  const fpX = number(params, 'fp-x', 0, 1, false)
  const fpY = number(params, 'fp-y', 0, 1, false)

  const fm = params.get('fm')
  if (fm !== null && !FORMATS.has(fm as OutputFormat)) throw badRequest(`Invalid image parameter fm=${fm.slice(0, 40)}`)
  const auto = params.get('auto')
  if (auto !== null && auto !== 'format') throw badRequest(`Invalid image parameter auto=${auto.slice(0, 40)}`)

  const flip = params.get('flip') ?? ''
  if (!/^(h|v|hv|vh)?$/.test(flip)) throw badRequest(`Invalid image parameter flip=${flip.slice(0, 40)}`)
  const orientation = number(params, 'or', 0, 270) ?? 0
  if (![0, 90, 180, 270].includes(orientation)) throw badRequest('Invalid image parameter or (0, 90, 180 or 270)')
  const bg = params.get('bg')
  if (bg !== null && !/^([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/.test(bg)) {
    throw badRequest('Invalid image parameter bg (expected a hex colour: RGB, RRGGBB or AARRGGBB)')
  }
  const invert = params.get('invert')
  const download = params.get('dl')

  return {
    width: size(params, 'w'),
    height: size(params, 'h'),
    maxWidth: size(params, 'max-w'),
    maxHeight: size(params, 'max-h'),
    minWidth: size(params, 'min-w'),
    minHeight: size(params, 'min-h'),
    dpr: number(params, 'dpr', 0.1, 5, false) ?? 1,
    fit,
    crop,
    rect,
    focalPoint: fpX !== undefined || fpY !== undefined ? {x: fpX ?? 0.5, y: fpY ?? 0.5} : undefined,
    quality: number(params, 'q', 0, 100),
    format: (fm as OutputFormat | null) ?? undefined,
    autoFormat: auto === 'format',
    blur: number(params, 'blur', 0, 2000) || undefined,
    sharpen: number(params, 'sharp', 0, 100) || undefined,
    saturation: number(params, 'sat', -100, 100) || undefined,
    invert: invert === 'true' || invert === '1',
    flip: {h: flip.includes('h'), v: flip.includes('v')},
    orientation: orientation as TransformSpec['orientation'],
    background: bg ? hexToColour(bg) : undefined,
    download: download === null ? undefined : download.replace(/[^\w.\- ]+/g, '_').slice(0, 200) || 'download',
  }
}

/** True when the URL asks for nothing but the original bytes. */
export function isIdentity(params: URLSearchParams): boolean {
  return !KNOWN.some((name) => name !== 'dl' && params.has(name))
}

/** A canonical string of the parameters that matter, for cache keys and ETags. */
export function canonicalParams(params: URLSearchParams): string {
  return KNOWN.filter((name) => params.has(name))
    .map((name) => `${name}=${params.get(name)}`)
    .join('&')
}

/** Sanity's `bg` is RGB or ARGB hex; sharp wants `#RRGGBBAA`. */
function hexToColour(hex: string): string {
  if (hex.length === 3) return `#${[...hex].map((c) => c + c).join('')}ff`
  if (hex.length === 6) return `#${hex}ff`
  return `#${hex.slice(2)}${hex.slice(0, 2)}`
}

/** The output format: explicit `fm`, else `auto=format` by Accept, else the source's own. */
export function chooseFormat(spec: TransformSpec, sourceExtension: string, accept: string): OutputFormat {
  if (spec.format) return spec.format
  if (spec.autoFormat) {
    // WebP first: every browser that takes AVIF takes WebP, and WebP encodes far faster here.
    if (/image\/webp/.test(accept)) return 'webp'
    if (/image\/avif/.test(accept)) return 'avif'
  }
  switch (sourceExtension) {
    case 'png':
    case 'gif':
    case 'webp':
    case 'avif':
      return sourceExtension
    case 'svg':
      return 'png'
    default:
      return 'jpg'
  }
}

export const MIME_TYPES: Record<OutputFormat, string> = {
  jpg: 'image/jpeg',
  pjpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
}

function clampBox(width: number | undefined, height: number | undefined): [number | undefined, number | undefined] {
  const largest = Math.max(width ?? 0, height ?? 0)
  if (largest <= MAX_OUTPUT_DIMENSION) return [width, height]
  const scale = MAX_OUTPUT_DIMENSION / largest
  return [width && Math.max(1, Math.round(width * scale)), height && Math.max(1, Math.round(height * scale))]
}

function gravityOf(crop: string[]): string {
  const vertical = crop.includes('top') ? 'north' : crop.includes('bottom') ? 'south' : ''
  const horizontal = crop.includes('left') ? 'west' : crop.includes('right') ? 'east' : ''
  return vertical + horizontal || 'centre'
}

/** Applies a parsed transform to an original image. */
export async function applyTransform(
  original: Buffer,
  spec: TransformSpec,
  format: OutputFormat,
): Promise<Buffer> {
  const input = {limitInputPixels: MAX_INPUT_PIXELS, animated: false}
  const metadata = await sharp(original, input).metadata()
  // Everything below is in displayed orientation (EXIF applied), which is what rect and crop mean.
  let width = metadata.autoOrient.width
  let height = metadata.autoOrient.height
  let image = sharp(original, input).autoOrient()

  if (spec.rect) {
    const left = Math.min(spec.rect.left, width - 1)
    const top = Math.min(spec.rect.top, height - 1)
    width = Math.min(spec.rect.width, width - left)
    height = Math.min(spec.rect.height, height - top)
    image = image.extract({left, top, width, height})
  }
  if (spec.orientation) {
    image = image.rotate(spec.orientation)
    if (spec.orientation !== 180) [width, height] = [height, width]
  }
  if (spec.flip.h) image = image.flop()
  if (spec.flip.v) image = image.flip()

  const [boxWidth, boxHeight] = outputBox(spec, width, height)
  const background = spec.background ?? (format === 'jpg' || format === 'pjpg' ? '#ffffffff' : '#00000000')

  if (boxWidth || boxHeight) {
    const fit: Fit = boxWidth && boxHeight ? spec.fit : ['max', 'fillmax', 'min'].includes(spec.fit) ? 'max' : 'clip'
    switch (fit) {
      case 'clip':
        image = image.resize(boxWidth, boxHeight, {fit: 'inside'})
        break
      case 'max':
        image = image.resize(boxWidth, boxHeight, {fit: 'inside', withoutEnlargement: true})
        break
      case 'scale':
        image = image.resize(boxWidth, boxHeight, {fit: 'fill'})
        break
      case 'fill':
        image = image.resize(boxWidth, boxHeight, {fit: 'contain', background})
        break
      case 'fillmax': {
        // Shrink to fit if needed, never enlarge, then pad to the box. The padding depends on the
        // size sharp actually produced, so this is the one step that needs an intermediate image.
        const inner = await image
          .resize(boxWidth, boxHeight, {fit: 'inside', withoutEnlargement: true})
          .png()
          .toBuffer({resolveWithObject: true})
        const padX = Math.max(0, boxWidth! - inner.info.width)
        const padY = Math.max(0, boxHeight! - inner.info.height)
        image = sharp(inner.data).extend({
          left: Math.floor(padX / 2),
          right: Math.ceil(padX / 2),
          top: Math.floor(padY / 2),
          bottom: Math.ceil(padY / 2),
          background,
        })
        break
      }
      case 'crop':
      case 'min': {
        let targetWidth = boxWidth!
        let targetHeight = boxHeight!
        if (fit === 'min') {
          // Like crop, but never enlarge: shrink the box (keeping its shape) to fit the source.
          const shrink = Math.min(1, width / targetWidth, height / targetHeight)
          targetWidth = Math.max(1, Math.round(targetWidth * shrink))
          targetHeight = Math.max(1, Math.round(targetHeight * shrink))
        }
        if (spec.crop.includes('focalpoint') && spec.focalPoint) {
          // Cover the box, then cut it out around the focal point (an extract after the resize).
          const scale = Math.max(targetWidth / width, targetHeight / height)
          const scaledWidth = Math.max(targetWidth, Math.round(width * scale))
          const scaledHeight = Math.max(targetHeight, Math.round(height * scale))
          const left = clamp(Math.round(spec.focalPoint.x * scaledWidth - targetWidth / 2), 0, scaledWidth - targetWidth)
          const top = clamp(Math.round(spec.focalPoint.y * scaledHeight - targetHeight / 2), 0, scaledHeight - targetHeight)
          image = image
            .resize(scaledWidth, scaledHeight, {fit: 'fill'})
            .extract({left, top, width: targetWidth, height: targetHeight})
        } else {
          const position = spec.crop.includes('entropy') ? sharp.strategy.entropy : gravityOf(spec.crop)
          image = image.resize(targetWidth, targetHeight, {fit: 'cover', position})
        }
        break
      }
    }
  }

  if (spec.blur) image = image.blur(Math.min(100, Math.max(0.3, spec.blur / 10)))
  if (spec.sharpen) image = image.sharpen({sigma: 0.5 + spec.sharpen / 50})
  if (spec.saturation) image = image.modulate({saturation: Math.max(0, 1 + spec.saturation / 100)})
  if (spec.invert) image = image.negate({alpha: false})
  if (format === 'jpg' || format === 'pjpg') image = image.flatten({background})

  const quality = spec.quality ?? (format === 'avif' ? 50 : 75)
  switch (format) {
    case 'jpg':
      return image.jpeg({quality}).toBuffer()
    case 'pjpg':
      return image.jpeg({quality, progressive: true}).toBuffer()
    case 'png':
      return image.png().toBuffer()
    case 'webp':
      return image.webp({quality}).toBuffer()
    case 'avif':
      return image.avif({quality, effort: 2}).toBuffer()
    case 'gif':
      return image.gif().toBuffer()
  }
}

/** The box to resize into: w/h scaled by dpr, bounded by max-/min- and by the output limit. */
export function outputBox(spec: TransformSpec, width: number, height: number): [number | undefined, number | undefined] {
  let boxWidth = spec.width && Math.round(spec.width * spec.dpr)
  let boxHeight = spec.height && Math.round(spec.height * spec.dpr)
  if (!boxWidth && !boxHeight && (spec.maxWidth || spec.maxHeight)) {
    boxWidth = spec.maxWidth && Math.min(width, spec.maxWidth)
    boxHeight = spec.maxHeight && Math.min(height, spec.maxHeight)
  }
  if (boxWidth && spec.maxWidth) boxWidth = Math.min(boxWidth, spec.maxWidth)
  if (boxHeight && spec.maxHeight) boxHeight = Math.min(boxHeight, spec.maxHeight)
  if (boxWidth && spec.minWidth) boxWidth = Math.max(boxWidth, spec.minWidth)
  if (boxHeight && spec.minHeight) boxHeight = Math.max(boxHeight, spec.minHeight)
  if (!boxWidth && !boxHeight && Math.max(width, height) > MAX_OUTPUT_DIMENSION) {
    return width >= height ? [MAX_OUTPUT_DIMENSION, undefined] : [undefined, MAX_OUTPUT_DIMENSION]
  }
  return clampBox(boxWidth, boxHeight)
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}
