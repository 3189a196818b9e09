/**
 * Asset ids, paths and URLs as Sanity spells them:
 * - `image-<sha1>-<w>x<h>-<ext>` served at `/images/<projectId>/<dataset>/<sha1>-<w>x<h>.<ext>`;
 * - `file-<sha1>-<ext>` served at `/files/<projectId>/<dataset>/<sha1>.<ext>`.
 */

export const DATASET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/
const SHA1 = '[0-9a-f]{40}'
const EXT = '[a-z0-9]{1,10}'

/** `/images/{pid}/{ds}/{sha1}-{w}x{h}.{ext}` with an optional vanity file name after it. */
export const IMAGE_PATH = new RegExp(`^/images/([^/]+)/([^/]+)/(${SHA1})-(\\d{1,6})x(\\d{1,6})\\.(${EXT})(?:/[^/]{1,200})?$`)
/** `/files/{pid}/{ds}/{sha1}.{ext}` with an optional vanity file name after it. */
export const FILE_PATH = new RegExp(`^/files/([^/]+)/([^/]+)/(${SHA1})\\.(${EXT})(?:/[^/]{1,200})?$`)
/** `/assets/images/{ds}` and `/assets/files/{ds}`. */
export const UPLOAD_PATH = /^\/assets\/(images|files)\/([^/]+)\/?$/

export interface ImageName {
  sha1: string
  width: number
  height: number
  extension: string
}

export const imageAssetId = ({sha1, width, height, extension}: ImageName) =>
  `image-${sha1}-${width}x${height}-${extension}`
export const fileAssetId = (sha1: string, extension: string) => `file-${sha1}-${extension}`

export const imagePath = (projectId: string, dataset: string, name: ImageName) =>
  `images/${projectId}/${dataset}/${name.sha1}-${name.width}x${name.height}.${name.extension}`
export const filePath = (projectId: string, dataset: string, sha1: string, extension: string) =>
  `files/${projectId}/${dataset}/${sha1}.${extension}`

/** A file extension from an uploaded file name, or null if it has none worth keeping. */
export function extensionOf(filename: string | null): string | null {
  const match = filename ? /\.([A-Za-z0-9]{1,10})$/.exec(filename) : null
  return match ? match[1].toLowerCase() : null
}
