import type {Engine} from '../engine/types'
import {notFound, type LakeRequest, type LakeResponse} from '../http/respond'
import {VariantCache} from './cache'
import {MAX_CONCURRENT_TRANSFORMS} from './limits'
import {Limiter} from './limiter'
import {fileAssetId, imageAssetId, type ImageName} from './names'
import {readOriginal} from './store'
import {applyTransform, canonicalParams, chooseFormat, isIdentity, MIME_TYPES, parseTransform} from './transform'

/** Asset URLs are content-addressed: the bytes behind a URL never change. */
const IMMUTABLE = 'public, max-age=31536000, immutable'
/**
 * Served bytes are user uploads on the lake's origin: never let one run script there (an SVG can
 * carry script), and never let a browser guess a more dangerous type.
 */
const SAFE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox",
  'cross-origin-resource-policy': 'cross-origin',
}

const caches = new Map<string, VariantCache>()
const transforms = new Limiter(MAX_CONCURRENT_TRANSFORMS)

function cacheFor(dataDir: string): VariantCache {
  let cache = caches.get(dataDir)
  if (!cache) caches.set(dataDir, (cache = new VariantCache(dataDir)))
  return cache
}

function send(
  req: LakeRequest,
  res: LakeResponse,
  body: Buffer,
  headers: Record<string, string>,
  etag: string,
): void {
  const all = {...SAFE_HEADERS, 'cache-control': IMMUTABLE, etag, ...headers}
  const match = req.headers['if-none-match']
  if (typeof match === 'string' && match.split(/\s*,\s*/).includes(etag)) {
    res.writeHead(304, all)
    res.end()
    return
  }
  res.writeHead(200, {...all, 'content-length': String(body.length)})
  if (req.method === 'HEAD') res.end()
  else res.end(body)
}

/** Only assets with a document in the dataset are served: deleting the document unpublishes the file. */
function assetDocument(engine: Engine, dataset: string, id: string) {
  const [document] = engine.getDocuments(dataset, [id])
  if (!document) throw notFound('Asset not found')
  return document
}

export async function serveImage(
  req: LakeRequest,
  res: LakeResponse,
  url: URL,
  ctx: {engine: Engine; dataDir: string; dataset: string; name: ImageName},
): Promise<void> {
  const document = assetDocument(ctx.engine, ctx.dataset, imageAssetId(ctx.name))
  const original = await readOriginal(ctx.dataDir, ctx.name.sha1)
  if (!original) throw notFound('Asset file is missing')
  const mimeType = String(document.mimeType ?? 'application/octet-stream')
  const params = url.searchParams
  const download = params.get('dl')
  const disposition: Record<string, string> = download !== null
    ? {'content-disposition': `attachment; filename="${(download || String(document.originalFilename ?? ctx.name.sha1)).replace(/[^\w.\- ]+/g, '_').slice(0, 200)}"`}
    : {}

  if (isIdentity(params)) {
    return send(req, res, original, {'content-type': mimeType, ...disposition}, `"${ctx.name.sha1}"`)
  }
  const spec = parseTransform(params)
  const accept = String(req.headers.accept ?? '')
  const format = chooseFormat(spec, ctx.name.extension, accept)
  const key = VariantCache.keyOf([ctx.name.sha1, canonicalParams(params), format])
  const data = await cacheFor(ctx.dataDir).get(key, () =>
    transforms.run(() => applyTransform(original, spec, format)),
  )
  const vary: Record<string, string> = spec.autoFormat && !spec.format ? {vary: 'Accept'} : {}
  send(req, res, data, {'content-type': MIME_TYPES[format], ...vary, ...disposition}, `"${key}"`)
}

export async function serveFile(
  req: LakeRequest,
  res: LakeResponse,
  url: URL,
  ctx: {engine: Engine; dataDir: string; dataset: string; sha1: string; extension: string},
): Promise<void> {
  const document = assetDocument(ctx.engine, ctx.dataset, fileAssetId(ctx.sha1, ctx.extension))
  const data = await readOriginal(ctx.dataDir, ctx.sha1)
  if (!data) throw notFound('Asset file is missing')
  const download = url.searchParams.get('dl')
  const filename = String(download || document.originalFilename || `${ctx.sha1}.${ctx.extension}`)
    .replace(/[^\w.\- ]+/g, '_')
    .slice(0, 200)
  send(
    req,
    res,
    data,
    {
      'content-type': String(document.mimeType ?? 'application/octet-stream'),
      // Files are downloaded, not rendered on the lake's origin, unless they are plainly safe to show.
      'content-disposition': `${download === null && /^(image\/(png|jpeg|gif|webp|avif)|application\/pdf|text\/plain)$/.test(String(document.mimeType)) ? 'inline' : 'attachment'}; filename="${filename}"`,
    },
    `"${ctx.sha1}"`,
  )
}
