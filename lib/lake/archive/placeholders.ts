/**
 * Asset references in Sanity's dataset archive format, both ways.
 *
 * `sanity dataset export` leaves asset documents out of `data.ndjson`, writes their files to
 * `images/<sha1>-<w>x<h>.<ext>` and `files/<sha1>.<ext>`, and replaces every field holding
 * `asset: {_ref: 'image-…'}` with `_sanityAsset: 'image@file://./images/<name>'` (the rest of the
 * field kept). `sanity dataset import` uploads each file (the asset id is then computed from the
 * content, as the lake's upload does: `image-<sha1>-<w>x<h>-<ext>`, `file-<sha1>-<ext>`) and puts
 * `asset: {_type: 'reference', _ref}` back. Asset metadata the upload cannot recompute (title,
 * description, credit line, original filename…) travels in `assets.json`, keyed `<type>-<sha1>`.
 */

export type AssetKind = 'image' | 'file'

const IMAGE_ASSET_ID = /^image-([a-f0-9]{40})-(\d+x\d+)-([a-z0-9]+)$/
const FILE_ASSET_ID = /^file-([a-f0-9]{40})-([a-z0-9]+)$/
const PLACEHOLDER = /^(image|file)@(.+)$/

/** What `sanity dataset export` leaves out of an asset's assets.json entry (the rest is kept). */
const NOT_EXPORTED = new Set(['_id', '_type', 'assetId', 'extension', 'mimeType', 'path', 'url'])
/** What an import must not set on the uploaded asset document: the lake owns these. */
const NOT_IMPORTED = new Set([...NOT_EXPORTED, '_rev', '_createdAt', '_updatedAt', 'sha1hash', 'size', 'uploadId'])

export const isAssetDocument = (doc: {_type?: unknown}) => doc._type === 'sanity.imageAsset' || doc._type === 'sanity.fileAsset'

/** Archive path of an asset's file, from its id: `images/<sha1>-<w>x<h>.<ext>` or `files/<sha1>.<ext>`. */
export function archivePathOf(assetId: string): string | null {
  const image = IMAGE_ASSET_ID.exec(assetId)
  if (image) return `images/${image[1]}-${image[2]}.${image[3]}`
  const file = FILE_ASSET_ID.exec(assetId)
  if (file) return `files/${file[1]}.${file[2]}`
  return null
}

/** The assets.json entry of an asset document: what an upload cannot recompute, keyed `<type>-<sha1>`. */
export function assetMapEntry(doc: Record<string, unknown>): [string, Record<string, unknown>] | null {
  const sha1 = typeof doc.sha1hash === 'string' ? doc.sha1hash : typeof doc.assetId === 'string' ? doc.assetId : null
  if (!sha1) return null
  const kind = doc._type === 'sanity.imageAsset' ? 'image' : 'file'
  const kept = Object.fromEntries(Object.entries(doc).filter(([key]) => !NOT_EXPORTED.has(key)))
  return Object.keys(kept).length > 0 ? [`${kind}-${sha1}`, kept] : null
}

/** The part of an assets.json entry an import sets on the uploaded asset (title, credit line…). */
export function importableAssetFields(entry: unknown): Record<string, unknown> {
  if (!isRecord(entry)) return {}
  return Object.fromEntries(Object.entries(entry).filter(([key]) => !NOT_IMPORTED.has(key)))
}

type Json = unknown

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Export direction: every `{asset: {_ref: <asset id>}}` becomes `{_sanityAsset: 'image@file://./images/…'}`. */
export function toPlaceholders<T>(value: T): T {
  return rewrite(value) as T
}

function rewrite(value: Json): Json {
  if (Array.isArray(value)) return value.map(rewrite)
  if (!isRecord(value)) return value
  const ref = isRecord(value.asset) && typeof value.asset._ref === 'string' ? value.asset._ref : null
  const filePath = ref ? archivePathOf(ref) : null
  const out: Record<string, Json> = {}
  if (ref && filePath) out._sanityAsset = `${ref.startsWith('image-') ? 'image' : 'file'}@file://./${filePath}`
  for (const [key, child] of Object.entries(value)) {
    if (filePath && key === 'asset') continue
    out[key] = rewrite(child)
  }
  return out
}

export interface Placeholder {
  kind: AssetKind
  /** As written after the `@`: `file://./images/…` (archive-relative), `file:///abs/path`. */
  url: string
}

/** Every distinct `_sanityAsset` placeholder in a document. */
export function findPlaceholders(value: Json, found: Map<string, Placeholder> = new Map()): Map<string, Placeholder> {
  if (Array.isArray(value)) {
    for (const child of value) findPlaceholders(child, found)
  } else if (isRecord(value)) {
    const match = typeof value._sanityAsset === 'string' ? PLACEHOLDER.exec(value._sanityAsset) : null
    if (match) found.set(value._sanityAsset as string, {kind: match[1] as AssetKind, url: match[2]})
    for (const [key, child] of Object.entries(value)) if (key !== '_sanityAsset') findPlaceholders(child, found)
  }
  return found
}

/**
 * Import direction: each `_sanityAsset` becomes `asset: {_type: 'reference', _ref}` with the id the
 * upload gave; the field gets `_type: 'image' | 'file'` when it had none (as Sanity's import does).
 */
export function resolvePlaceholders<T>(value: T, assetIds: ReadonlyMap<string, string>): T {
  return resolve(value, assetIds) as T
}

function resolve(value: Json, assetIds: ReadonlyMap<string, string>): Json {
  if (Array.isArray(value)) return value.map((child) => resolve(child, assetIds))
  if (!isRecord(value)) return value
  const placeholder = typeof value._sanityAsset === 'string' ? value._sanityAsset : null
  const out: Record<string, Json> = {}
  for (const [key, child] of Object.entries(value)) {
    if (key === '_sanityAsset') continue
    out[key] = resolve(child, assetIds)
  }
  if (placeholder) {
    const assetId = assetIds.get(placeholder)
    if (!assetId) throw new Error(`No asset was imported for ${placeholder}`)
    out._type ??= placeholder.startsWith('image@') ? 'image' : 'file'
    out.asset = {_type: 'reference', _ref: assetId}
  }
  return out
}
