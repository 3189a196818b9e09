import crypto from 'node:crypto'
import type {OutgoingHttpHeaders} from 'node:http'
import zlib from 'node:zlib'
import {ByteLru} from './lru'

/** One complete, ready-to-send response. */
export interface CachedResponse {
  key: string
  body: Buffer
  /** The same body, gzip- and brotli-compressed once, at store time. */
  gzip: Buffer
  brotli: Buffer
  headers: Record<string, string>
  etag: string
  tags: ReadonlySet<string>
  storedAt: number
  expiresAt: number
  bytes: number
}

/** Response headers kept from Next's answer; everything else is dropped or set by the cache. */
const KEPT_HEADERS = [
  'content-type',
  'last-modified',
  'link',
  'x-pingback',
  'content-language',
  'x-robots-tag',
  'x-frame-options',
  'content-security-policy',
]

export class ResponseCache {
  private readonly lru: ByteLru<CachedResponse>
  hits = 0
  misses = 0

  constructor(maxBytes: number) {
    this.lru = new ByteLru(maxBytes)
  }

  /** A fresh entry, or undefined. Expired entries are dropped on the way. */
  get(key: string, now = Date.now()): CachedResponse | undefined {
    const entry = this.lru.get(key)
    if (entry && entry.expiresAt <= now) {
      this.lru.delete(key)
      return undefined
    }
    return entry
  }

  store(
    key: string,
    body: Buffer,
    nextHeaders: OutgoingHttpHeaders,
    tags: ReadonlySet<string>,
    ttlMs: number,
  ): CachedResponse | null {
    const headers: Record<string, string> = {}
    for (const name of KEPT_HEADERS) {
      const value = nextHeaders[name]
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value)
    }
    const gzip = zlib.gzipSync(body, {level: 6})
    const brotli = zlib.brotliCompressSync(body, {params: {[zlib.constants.BROTLI_PARAM_QUALITY]: 5}})
    // Keep the application's own validator when it set one (feeds do), so a client's stored ETag
    // keeps matching whether the answer came from Next or from here.
    const ownEtag = typeof nextHeaders.etag === 'string' && /^"[^"]*"$/.test(nextHeaders.etag) ? nextHeaders.etag : null
    const storedAt = Date.now()
    const entry: CachedResponse = {
      key,
      body,
      gzip,
      brotli,
      headers,
      etag: ownEtag ?? `"${crypto.createHash('sha1').update(body).digest('base64url')}"`,
      tags,
      storedAt,
      expiresAt: storedAt + ttlMs,
      bytes: body.length + gzip.length + brotli.length + 512,
    }
    return this.lru.set(key, entry) ? entry : null
  }

  /** Removes every entry that depends on one of the tags; returns how many were removed. */
  purgeTags(tags: readonly string[]): number {
    if (tags.length === 0) return 0
    const doomed: string[] = []
    for (const [key, entry] of this.lru.entriesView()) {
      if (tags.some((tag) => entry.tags.has(tag))) doomed.push(key)
    }
    for (const key of doomed) this.lru.delete(key)
    return doomed.length
  }

  clear(): void {
    this.lru.clear()
  }

  stats() {
    return {entries: this.lru.size, bytes: this.lru.bytes, hits: this.hits, misses: this.misses}
  }
}
