/**
 * Images: a URL in the export → a file in `--uploads` (a copy of wp-content/uploads) → an asset in
 * the lake, once per file. Without the folder (or when a file is missing) the image keeps its
 * original URL; nothing is fetched from the network.
 *
 * URL → file: the part after `/wp-content/uploads/` (self-hosted), `/files/` (old multisite) or
 * the host of `*.files.wordpress.com` (WordPress.com), e.g. `2009/03/photo.jpg`. WordPress links
 * resized copies (`photo-300x200.jpg`, `photo-scaled.jpg`); the original is preferred when present.
 */
import fs from 'node:fs'
import path from 'node:path'
import {MAX_UPLOAD_BYTES} from '@/lib/lake/assets/limits'
import type {ImportSink} from './sink'

const IMAGE_EXTENSION = /\.(jpe?g|png|gif|webp|avif|tiff?|bmp)$/i

export type AssetResult = {assetId: string} | {error: string} | null

/** Relative file paths to try for an upload URL, best first. */
export function uploadCandidates(url: string): string[] {
  let pathname: string
  let host = ''
  try {
    const parsed = new URL(url, 'http://relative.invalid')
    pathname = decodeURIComponent(parsed.pathname)
    host = parsed.host
  } catch {
    return []
  }
  let relative: string | null = null
  const uploads = /\/wp-content\/uploads\/(.+)$/.exec(pathname) ?? /^\/(?:[^/]+\/)?files\/(.+)$/.exec(pathname)
  if (uploads) relative = uploads[1]
  else if (/\.files\.wordpress\.com$/i.test(host) || /^i\d\.wp\.com$/i.test(host)) relative = pathname.replace(/^\/+/, '').replace(/^[^/]+\.files\.wordpress\.com\//, '')
  if (!relative || !IMAGE_EXTENSION.test(relative)) return []
  const original = relative.replace(/-(?:\d+x\d+|scaled|rotated)(?=\.[a-z0-9]+$)/i, '')
  return original === relative ? [relative] : [original, relative]
}

export class AssetResolver {
  private readonly cache = new Map<string, Promise<AssetResult>>()
  readonly uploaded = new Set<string>()

  constructor(
    private readonly uploadsDir: string | null,
    private readonly sink: ImportSink,
  ) {}

  get enabled(): boolean {
    return this.uploadsDir !== null
  }

  /** The asset for an image URL; null when there is no `--uploads` or no file for it. */
  resolve(url: string): Promise<AssetResult> {
    if (!this.uploadsDir) return Promise.resolve(null)
    const cached = this.cache.get(url)
    if (cached) return cached
    const result = this.load(url)
    if (this.cache.size < 100_000) this.cache.set(url, result)
    return result
  }

  private async load(url: string): Promise<AssetResult> {
    const root = path.resolve(this.uploadsDir as string)
    for (const candidate of uploadCandidates(url)) {
      const file = path.resolve(root, candidate)
      if (!file.startsWith(root + path.sep)) continue // "../" in a URL never leaves the folder
      let stat: fs.Stats
      try {
        stat = await fs.promises.stat(file)
      } catch {
        continue
      }
      if (!stat.isFile()) continue
      if (stat.size > MAX_UPLOAD_BYTES) return {error: `${candidate} is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`}
      try {
        const assetId = await this.sink.uploadImage(await fs.promises.readFile(file), path.basename(file))
        this.uploaded.add(assetId)
        return {assetId}
      } catch (error) {
        return {error: `${candidate}: ${(error as Error).message}`}
      }
    }
    return null
  }
}
