/**
 * The only way mention code reaches other servers. Every URL here comes from a stranger (a
 * pingback's source, a webmention's source, links in our posts pointing at other blogs), so:
 * - only http/https, no credentials in URLs;
 * - each hop's host is resolved with dns.lookup (ALL addresses) and refused if any of them is
 *   private/loopback/link-local/… (see address-policy.ts);
 * - the connection goes to the vetted address (a pinned `lookup`), so a second DNS answer cannot
 *   swap in an internal address between check and connect (DNS rebinding);
 * - redirects are followed by hand (at most 3), each hop re-checked;
 * - 5 s for the whole exchange, 1 MB of body at most (reading stops there).
 */
import dns from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import type {LookupFunction} from 'node:net'
import {mentionsAllowPrivateNetworks, siteUrl} from '@/lib/env'
import {refusalReason, type AddressPolicy} from './address-policy'

export const FETCH_TIMEOUT_MS = 5_000
export const MAX_BODY_BYTES = 1024 * 1024
export const MAX_REDIRECTS = 3

export type SafeFetchErrorKind = 'invalid-url' | 'refused' | 'network' | 'timeout' | 'too-many-redirects'

export class SafeFetchError extends Error {
  constructor(
    readonly kind: SafeFetchErrorKind,
    message: string,
  ) {
    super(message)
    this.name = 'SafeFetchError'
  }
}

export interface SafeFetchOptions {
  method?: 'GET' | 'HEAD' | 'POST'
  headers?: Record<string, string>
  body?: string
  /** Defaults to the MENTIONS_ALLOW_PRIVATE_NETWORKS setting. */
  allowPrivateNetworks?: boolean
  timeoutMs?: number
  maxBytes?: number
  maxRedirects?: number
}

export interface SafeResponse {
  /** The URL that finally answered (after redirects). */
  url: string
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
  /** True when the body was longer than the cap and reading stopped. */
  truncated: boolean
  contentType: string
  /** The body decoded with the charset the server declared (UTF-8 by default). */
  text(): string
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

export const USER_AGENT = `Dispatch-Mentions/1.0 (+${siteUrl})`

/** Checks a URL's shape before any network activity. */
export function parseFetchableUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new SafeFetchError('invalid-url', `"${raw.slice(0, 200)}" is not a valid URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SafeFetchError('invalid-url', `only http and https URLs can be fetched, not ${url.protocol}`)
  }
  if (url.username || url.password) throw new SafeFetchError('invalid-url', 'URLs with credentials are not fetched')
  return url
}

/** Resolves a host and vets every address it has. Returns the address to connect to. */
export async function resolveVetted(hostname: string, policy: AddressPolicy): Promise<{address: string; family: number}> {
  const bare = hostname.replace(/^\[|\]$/g, '')
  let addresses: dns.LookupAddress[]
  try {
    addresses = await dns.promises.lookup(bare, {all: true, verbatim: true})
  } catch (error) {
    throw new SafeFetchError('network', `cannot resolve ${bare}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`)
  }
  if (addresses.length === 0) throw new SafeFetchError('network', `cannot resolve ${bare}`)
  for (const {address} of addresses) {
    const reason = refusalReason(address, policy)
    if (reason) throw new SafeFetchError('refused', `refusing to connect to ${bare}: ${reason}`)
  }
  return addresses[0]
}

function pinnedLookup(address: string, family: number): LookupFunction {
  return ((_hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{address, family}])
    else callback(null, address, family)
  }) as LookupFunction
}

function charsetOf(contentType: string): string {
  const match = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType)
  return match ? match[1].toLowerCase() : 'utf-8'
}

function decode(body: Buffer, contentType: string): string {
  try {
    return new TextDecoder(charsetOf(contentType)).decode(body)
  } catch {
    return new TextDecoder('utf-8').decode(body)
  }
}

interface HopResult {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
  truncated: boolean
}

function requestOnce(url: URL, options: SafeFetchOptions, pinned: {address: string; family: number}, deadline: number, maxBytes: number): Promise<HopResult> {
  return new Promise((resolve, reject) => {
    const remaining = deadline - Date.now()
    if (remaining <= 0) return reject(new SafeFetchError('timeout', `timed out fetching ${url.href}`))
    const transport = url.protocol === 'https:' ? https : http
    const headers: Record<string, string> = {
      'user-agent': USER_AGENT,
      accept: 'text/html, application/xhtml+xml, text/plain;q=0.9, */*;q=0.1',
      // Compressed bodies would make the size cap meaningless (a tiny gzip can inflate hugely).
      'accept-encoding': 'identity',
      ...options.headers,
    }
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body))
    const request = transport.request(
      url,
      {
        method: options.method ?? 'GET',
        headers,
        lookup: pinnedLookup(pinned.address, pinned.family),
        agent: false,
        timeout: remaining,
      },
      (response) => {
        const chunks: Buffer[] = []
        let size = 0
        let truncated = false
        const finish = () => {
          clearTimeout(timer)
          resolve({status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), truncated})
        }
        response.on('data', (chunk: Buffer) => {
          if (truncated) return
          const room = maxBytes - size
          if (chunk.length >= room) {
            chunks.push(chunk.subarray(0, room))
            size = maxBytes
            truncated = true
            // Stop reading: we have all we are willing to look at.
            response.destroy()
            finish()
            return
          }
          chunks.push(chunk)
          size += chunk.length
        })
        response.on('end', finish)
        response.on('error', (error) => {
          if (!truncated) {
            clearTimeout(timer)
            reject(new SafeFetchError('network', `error reading ${url.href}: ${error.message}`))
          }
        })
      },
    )
    const timer = setTimeout(() => {
      request.destroy(new SafeFetchError('timeout', `timed out fetching ${url.href}`))
    }, remaining)
    request.on('timeout', () => request.destroy(new SafeFetchError('timeout', `timed out fetching ${url.href}`)))
    request.on('error', (error) => {
      clearTimeout(timer)
      reject(error instanceof SafeFetchError ? error : new SafeFetchError('network', `cannot fetch ${url.href}: ${error.message}`))
    })
    if (options.body !== undefined) request.write(options.body)
    request.end()
  })
}

/**
 * Fetches a stranger's URL safely (see the module comment). Redirects are followed for GET/HEAD
 * only; a POST's redirect answer is returned as is.
 */
export async function safeFetch(rawUrl: string, options: SafeFetchOptions = {}): Promise<SafeResponse> {
  const policy: AddressPolicy = {allowPrivateNetworks: options.allowPrivateNetworks ?? mentionsAllowPrivateNetworks}
  const deadline = Date.now() + (options.timeoutMs ?? FETCH_TIMEOUT_MS)
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES
  let url = parseFetchableUrl(rawUrl)
  for (let hop = 0; ; hop++) {
    const pinned = await resolveVetted(url.hostname, policy)
    const result = await requestOnce(url, options, pinned, deadline, maxBytes)
    const location = result.headers.location
    const followable = (options.method ?? 'GET') !== 'POST'
    if (followable && REDIRECT_STATUSES.has(result.status) && location) {
      if (hop >= maxRedirects) throw new SafeFetchError('too-many-redirects', `more than ${maxRedirects} redirects from ${rawUrl}`)
      let next: URL
      try {
        next = new URL(location, url)
      } catch {
        throw new SafeFetchError('invalid-url', `bad redirect location from ${url.href}`)
      }
      url = parseFetchableUrl(next.href)
      continue
    }
    const contentType = String(result.headers['content-type'] ?? '')
    return {
      url: url.href,
      status: result.status,
      headers: result.headers,
      body: result.body,
      truncated: result.truncated,
      contentType,
      text: () => decode(result.body, contentType),
    }
  }
}

/** True for HTML/XHTML and plain text: the only bodies a mention can be verified in. */
export function isTextualContentType(contentType: string): boolean {
  const type = contentType.split(';')[0].trim().toLowerCase()
  return type === 'text/html' || type === 'application/xhtml+xml' || type === 'text/plain'
}
