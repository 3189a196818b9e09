/**
 * The lake's asset API, as Sanity spells it:
 * - `POST /assets/images/{dataset}` and `POST /assets/files/{dataset}` (upload; token required);
 * - `GET /images/{projectId}/{dataset}/{sha1}-{w}x{h}.{ext}?w=…` (image pipeline, public);
 * - `GET /files/{projectId}/{dataset}/{sha1}.{ext}` (files, public).
 * The lake's router calls `handleAssetRequest` for these paths before reading any body.
 */
import type {LakeUser} from '../auth/types'
import type {Engine} from '../engine/types'
import {apiError, notFound, type LakeRequest, type LakeResponse} from '../http/respond'
import {DATASET_NAME, FILE_PATH, IMAGE_PATH, UPLOAD_PATH} from './names'
import {serveFile, serveImage} from './serve'
import {handleUpload} from './upload'

export interface AssetContext {
  engine: Engine
  dataDir: string
  projectId: string
  /** The lake's default dataset. */
  dataset: string
  /** null = anonymous. */
  user: LakeUser | null
}

function checkDataset(engine: Engine, fallback: string, dataset: string): string {
  if (!DATASET_NAME.test(dataset) || (dataset !== fallback && !engine.datasets().includes(dataset))) {
    throw notFound(`Dataset "${dataset.slice(0, 64)}" not found`)
  }
  return dataset
}

/** Where this request came in (scheme + host), for the asset's absolute `url`. */
function requestOrigin(req: LakeRequest): string {
  const host = String(req.headers[':authority'] ?? req.headers.host ?? '')
  const safeHost = /^[a-z0-9.-]{1,253}(:\d{1,5})?$/i.test(host) ? host.toLowerCase() : 'localhost'
  const encrypted =
    ('scheme' in req && req.scheme === 'https') || Boolean((req.socket as {encrypted?: boolean} | null)?.encrypted)
  return `${encrypted ? 'https' : 'http'}://${safeHost}`
}

function allowMethods(req: LakeRequest, methods: string[]) {
  if (!methods.includes(req.method ?? 'GET')) {
    throw apiError(405, 'httpMethodNotAllowed', `Method ${req.method} is not allowed here (use ${methods.join(' or ')})`)
  }
}

export async function handleAssetRequest(
  req: LakeRequest,
  res: LakeResponse,
  url: URL,
  ctx: AssetContext,
): Promise<boolean> {
  const upload = UPLOAD_PATH.exec(url.pathname)
  if (upload) {
    allowMethods(req, ['POST'])
    const dataset = checkDataset(ctx.engine, ctx.dataset, upload[2])
    await handleUpload(req, res, url, upload[1] as 'images' | 'files', {
      ...ctx,
      dataset,
      origin: requestOrigin(req),
    })
    return true
  }

  const image = IMAGE_PATH.exec(url.pathname)
  if (image) {
    allowMethods(req, ['GET', 'HEAD'])
    if (image[1] !== ctx.projectId) throw notFound(`Project "${image[1].slice(0, 64)}" is not served here`)
    const dataset = checkDataset(ctx.engine, ctx.dataset, image[2])
    const name = {sha1: image[3], width: Number(image[4]), height: Number(image[5]), extension: image[6]}
    await serveImage(req, res, url, {engine: ctx.engine, dataDir: ctx.dataDir, dataset, name})
    return true
  }

  const file = FILE_PATH.exec(url.pathname)
  if (file) {
    allowMethods(req, ['GET', 'HEAD'])
    if (file[1] !== ctx.projectId) throw notFound(`Project "${file[1].slice(0, 64)}" is not served here`)
    const dataset = checkDataset(ctx.engine, ctx.dataset, file[2])
    await serveFile(req, res, url, {engine: ctx.engine, dataDir: ctx.dataDir, dataset, sha1: file[3], extension: file[4]})
    return true
  }
  return false
}
