/**
 * Writing responses and Sanity-shaped errors.
 *
 * Sanity answers with two error shapes and `@sanity/client` understands both:
 * - data API errors: `{error: {type, description, ...}}` (e.g. mutationError, queryParseError);
 * - gateway/auth errors: `{statusCode, error: 'Unauthorized', message}`.
 */
import type http from 'node:http'
import type http2 from 'node:http2'

export type LakeRequest = http.IncomingMessage | http2.Http2ServerRequest
export type LakeResponse = http.ServerResponse | http2.Http2ServerResponse

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body.message === 'string' ? body.message : JSON.stringify(body.error))
    this.name = 'HttpError'
  }
}

/** A data API error: `{error: {type, description}}`. */
export function apiError(status: number, type: string, description: string, extra: Record<string, unknown> = {}): HttpError {
  return new HttpError(status, {error: {type, description, ...extra}})
}

export const badRequest = (description: string) => apiError(400, 'httpBadRequest', description)
export const notFound = (description: string) => apiError(404, 'httpNotFound', description)

const STATUS_NAMES: Record<number, string> = {401: 'Unauthorized', 403: 'Forbidden', 429: 'Too Many Requests'}

/** A gateway-style error as Sanity sends for authentication problems. */
export function gatewayError(status: 401 | 403 | 429, message: string, headers: Record<string, string> = {}): HttpError {
  return new HttpError(status, {statusCode: status, error: STATUS_NAMES[status], message}, headers)
}

export function sendJson(res: LakeResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
    'cache-control': 'no-store',
    ...headers,
  })
  res.end(payload)
}

export function sendText(res: LakeResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  })
  res.end(body)
}

export function redirect(res: LakeResponse, location: string, status = 303): void {
  res.writeHead(status, {location, 'cache-control': 'no-store', 'content-length': '0'})
  res.end()
}
