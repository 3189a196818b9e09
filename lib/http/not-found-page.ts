import type {IncomingMessage, ServerResponse} from 'node:http'
import zlib from 'node:zlib'

/**
 * Complete 404 pages for readers without JavaScript.
 *
 * When a route calls notFound() while Next renders it on demand (an unknown post slug, category,
 * tag…), Next's streaming renderer cannot render the not-found boundary on the server: it answers
 * 404 with an empty error shell, `<html id="__next_error__">` with no text and no `lang`, which
 * only the browser's JavaScript fills in (vercel/next.js#62228). URLs that match no route get
 * Next's prerendered not-found page (app/not-found.tsx) instead, complete HTML.
 *
 * This wrapper for the production server holds back a 404 HTML answer; if it is that empty shell,
 * it discards it and lets Next answer the same request as an unmatched URL, i.e. with the
 * prerendered not-found page. Everything else passes through untouched and unbuffered.
 */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void

/** The start of Next's error shell. */
export const ERROR_SHELL_MARKER = '<html id="__next_error__"'
/** A path no route matches (app/(site) has no catch-all), so Next serves app/not-found.tsx. */
export const UNMATCHED_PATH = '/_dispatch/not-found'

/** Whether a (possibly compressed, when Next compresses itself) body is Next's empty error shell. */
export function isErrorShell(body: Buffer, contentEncoding?: unknown): boolean {
  try {
    const encoding = String(contentEncoding ?? '')
    const plain =
      encoding === 'gzip' ? zlib.gunzipSync(body) : encoding === 'br' ? zlib.brotliDecompressSync(body) : encoding === 'deflate' ? zlib.inflateSync(body) : body
    return plain.subarray(0, 512).toString('latin1').includes(ERROR_SHELL_MARKER)
  } catch {
    return false
  }
}

/**
 * `notFoundPage`: Next's prerendered not-found page (`<distDir>/server/app/_not-found.html`), sent
 * as it is when given. Needed because a catch-all route (`app/(site)/[...rest]`, standalone pages)
 * claims every URL, so asking Next again for an unmatched path would only render the shell again.
 */
export function withCompleteNotFoundPages(next: RequestHandler, notFoundPage?: () => Buffer | null): RequestHandler {
  return (req, res) => {
    if (req.method !== 'GET') return next(req, res)
    // Originals, called through rather than restored: Next's compression patches these methods
    // again on top of ours, and putting ours back would undo its patches.
    const originalWrite = res.write
    const originalEnd = res.end
    const originalWriteHead = res.writeHead
    const originalFlushHeaders = res.flushHeaders
    /** null: not decided yet; true: holding back a 404 HTML answer; false: passing through. */
    let buffering: boolean | null = null
    const chunks: Buffer[] = []
    // Decided at the head or the first byte: only 404 HTML answers are held back.
    const decide = () => {
      buffering ??= res.statusCode === 404 && /text\/html/.test(String(res.getHeader('content-type') ?? ''))
      return buffering
    }
    const collect = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array))
    }

    // Next may send the head before the first byte: hold it back too, as headers set on `res`.
    res.writeHead = function (this: ServerResponse, statusCode: number, ...rest: unknown[]) {
      if (buffering === false) return (originalWriteHead as (...args: unknown[]) => ServerResponse).call(this, statusCode, ...rest)
      res.statusCode = statusCode
      const headers = rest.find((arg) => typeof arg === 'object' && arg !== null) as Record<string, string | string[] | number> | undefined
      if (headers && !Array.isArray(headers)) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
      if (!decide()) return (originalWriteHead as (code: number) => ServerResponse).call(this, statusCode)
      return this
    } as typeof res.writeHead
    res.flushHeaders = function (this: ServerResponse) {
      if (!decide()) originalFlushHeaders.call(this)
    }
    res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
      if (!decide()) return (originalWrite as (...args: unknown[]) => boolean).call(this, chunk, ...rest)
      collect(chunk, rest[0])
      return true
    } as typeof res.write
    res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
      if (!decide()) return (originalEnd as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest)
      collect(chunk, rest[0])
      // From here on everything passes through: the held-back body, or Next's second answer.
      buffering = false
      const body = Buffer.concat(chunks)
      // Not the shell: send what was held back, as it was written (already encoded, if it was).
      if (!isErrorShell(body, res.getHeader('content-encoding'))) return (originalEnd as (chunk: Buffer) => ServerResponse).call(this, body)
      res.removeHeader('content-length')
      res.removeHeader('content-encoding')
      const prerendered = notFoundPage?.() ?? null
      if (prerendered) {
        res.setHeader('content-type', 'text/html; charset=utf-8')
        res.setHeader('content-length', String(prerendered.length))
        ;(originalWriteHead as (code: number) => ServerResponse).call(this, 404)
        return (originalEnd as (chunk: Buffer) => ServerResponse).call(this, prerendered)
      }
      // Ask Next again, as an unmatched URL: its prerendered, complete not-found page.
      req.url = UNMATCHED_PATH
      void Promise.resolve(next(req, res)).catch(() => {
        if (!res.writableEnded) res.end(body)
      })
      return this
    } as typeof res.end

    return next(req, res)
  }
}
