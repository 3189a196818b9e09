import type {Engine, SanityDocument} from '../engine/types'
import type {LakeUser} from '../auth/types'
import {canWrite} from '../auth/types'
import {readBody} from '../http/body'
import {apiError, badRequest, gatewayError, sendJson, type LakeRequest, type LakeResponse} from '../http/respond'
import {ingestImage} from './ingest'
import {MAX_LABEL_LENGTH, MAX_UPLOAD_BYTES} from './limits'
import {extensionOf, fileAssetId, filePath} from './names'
import {storeOriginal} from './store'

export interface UploadContext {
  engine: Engine
  dataDir: string
  projectId: string
  dataset: string
  user: LakeUser | null
  /** `https://dispatch.localhost:4444` or `http://127.0.0.1:4445`: where the asset's `url` points. */
  origin: string
}

const MIME_TYPE = /^[a-z0-9!#$&^_.+-]{1,64}\/[a-z0-9!#$&^_.+-]{1,64}$/i

/** The optional descriptive fields Sanity keeps from the upload's query string. */
function descriptiveFields(url: URL): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const name of ['label', 'title', 'description', 'creditLine']) {
    const value = url.searchParams.get(name)
    if (value) fields[name] = value.slice(0, MAX_LABEL_LENGTH)
  }
  const sourceName = url.searchParams.get('sourceName')
  const sourceId = url.searchParams.get('sourceId')
  if (sourceName && sourceId) {
    const source: Record<string, string> = {name: sourceName.slice(0, 200), id: sourceId.slice(0, 200)}
    const sourceUrl = url.searchParams.get('sourceUrl')
    if (sourceUrl && /^https?:\/\//.test(sourceUrl)) source.url = sourceUrl.slice(0, 2000)
    Object.assign(fields, {source})
  }
  return fields
}

function originalFilename(url: URL): string | undefined {
  const name = url.searchParams.get('filename')
  // Keep only the base name: a client's directory structure is none of our business.
  const base = name?.split(/[\\/]/).pop()?.trim()
  return base ? base.slice(0, 255) : undefined
}

/**
 * `POST /assets/images/{ds}` and `/assets/files/{ds}`: the raw body is the file. The same bytes
 * uploaded twice give the same asset (ids are content hashes), as on Sanity.
 * Answers `{document}` like Sanity's asset API.
 */
export async function handleUpload(
  req: LakeRequest,
  res: LakeResponse,
  url: URL,
  kind: 'images' | 'files',
  ctx: UploadContext,
): Promise<void> {
  if (!ctx.user) throw gatewayError(401, 'Unauthorized - uploading assets requires a token')
  if (!canWrite(ctx.user)) throw gatewayError(403, 'Forbidden - this user may not upload assets')

  const data = await readBody(req, MAX_UPLOAD_BYTES)
  if (data.length === 0) throw badRequest('The upload is empty: send the file as the request body')

  const filename = originalFilename(url)
  const base = {
    ...(filename ? {originalFilename: filename} : {}),
    ...descriptiveFields(url),
    size: data.length,
    uploadId: undefined,
  }
  let document: Record<string, unknown>
  if (kind === 'images') {
    document = await ingestImage(data, {...ctx, fields: base})
  } else {
    const sha1 = await storeOriginal(ctx.dataDir, data)
    const extension = extensionOf(filename ?? null) ?? 'bin'
    const declared = String(req.headers['content-type'] ?? '').split(';')[0].trim()
    const assetPath = filePath(ctx.projectId, ctx.dataset, sha1, extension)
    document = {
      ...base,
      _id: fileAssetId(sha1, extension),
      _type: 'sanity.fileAsset',
      assetId: sha1,
      sha1hash: sha1,
      extension,
      mimeType: MIME_TYPE.test(declared) ? declared.toLowerCase() : 'application/octet-stream',
      path: assetPath,
      url: `${ctx.origin}/${assetPath}`,
    }
  }
  delete document.uploadId

  const id = document._id as string
  const result = await ctx.engine.mutate(ctx.dataset, [{createIfNotExists: document}], {
    author: ctx.user.id,
    visibility: 'sync',
  })
  const stored: SanityDocument | null =
    result.documents[0] ?? ctx.engine.getDocuments(ctx.dataset, [id])[0] ?? null
  if (!stored) throw apiError(500, 'internalError', 'The asset document could not be stored')
  sendJson(res, 200, {document: stored})
}
