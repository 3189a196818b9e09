/** Reading request bodies with a size limit, and parsing them as JSON or urlencoded forms. */
import {apiError, badRequest, type LakeRequest} from './respond'

export async function readBody(req: LakeRequest, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limitBytes) throw tooLarge(limitBytes)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

function tooLarge(limitBytes: number) {
  return apiError(413, 'httpPayloadTooLarge', `Request body exceeds the limit of ${Math.round(limitBytes / 1024)} KiB`)
}

export async function readJson(req: LakeRequest, limitBytes: number): Promise<unknown> {
  const raw = (await readBody(req, limitBytes)).toString('utf8')
  if (raw.trim() === '') throw badRequest('Request body is empty; expected a JSON document')
  try {
    return JSON.parse(raw) as unknown
  } catch (error) {
    throw badRequest(`Unable to parse JSON body: ${(error as Error).message}`)
  }
}

/** A JSON body that must be an object (not an array or scalar). */
export async function readJsonObject(req: LakeRequest, limitBytes: number): Promise<Record<string, unknown>> {
  const body = await readJson(req, limitBytes)
  if (!isPlainObject(body)) throw badRequest('Request body must be a JSON object')
  return body
}

export async function readForm(req: LakeRequest, limitBytes: number): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(req, limitBytes)).toString('utf8'))
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
