/**
 * Stores an image's bytes and builds its `sanity.imageAsset` document, exactly as an upload through
 * `POST /assets/images/{ds}` does. Shared by the upload route and by tools that write into a data
 * directory while no lake runs (the WordPress importer), so both produce identical assets.
 */
import {inspectImage} from './imageInfo'
import {imageAssetId, imagePath} from './names'
import {storeOriginal} from './store'

export interface ImageAssetOptions {
  dataDir: string
  projectId: string
  dataset: string
  /** Where the lake answers (the asset's absolute `url`). */
  origin: string
  /** Extra fields: originalFilename, label, title, description, creditLine, source. */
  fields?: Record<string, unknown>
}

export async function ingestImage(data: Buffer, options: ImageAssetOptions): Promise<Record<string, unknown>> {
  const info = await inspectImage(data)
  const sha1 = await storeOriginal(options.dataDir, data)
  const name = {sha1, width: info.width, height: info.height, extension: info.extension}
  const assetPath = imagePath(options.projectId, options.dataset, name)
  return {
    ...options.fields,
    size: data.length,
    _id: imageAssetId(name),
    _type: 'sanity.imageAsset',
    assetId: sha1,
    sha1hash: sha1,
    extension: info.extension,
    mimeType: info.mimeType,
    path: assetPath,
    url: `${options.origin}/${assetPath}`,
    metadata: {
      _type: 'sanity.imageMetadata',
      dimensions: {_type: 'sanity.imageDimensions', width: info.width, height: info.height, aspectRatio: info.width / info.height},
      lqip: info.lqip,
      hasAlpha: info.hasAlpha,
      isOpaque: info.isOpaque,
    },
  }
}
