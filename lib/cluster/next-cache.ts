/**
 * Next's incremental cache (pages, route responses, fetch data) shared through Redis, behind the
 * cache handler Next loads (lib/response-cache/cache-handler.cjs, Next's documented `cacheHandler`).
 *
 * - Entries: `<prefix>next:<buildId>:<key>` → v8-serialised {value, lastModified, cacheControl}
 *   (v8 keeps Buffers and Maps, which page entries carry). The build id keeps two deployments from
 *   serving each other's HTML with mismatched script chunks. Entries expire after ENTRY_TTL_SECONDS
 *   so memory stays bounded even if Next never asks for them again.
 * - Tags: one hash `<prefix>tags` of tag → time it was last revalidated. Any entry older than one of
 *   its tags is stale, wherever it was stored (Redis, or this instance's disk copy from the build).
 *   Every read checks this, so an instance that missed a pub/sub message still never serves a
 *   revalidated entry from Next's cache.
 *
 * Every method fails soft: on a Redis error `get` answers `unavailable` and the handler serves its
 * local copy, `set` and `revalidate` do what they can locally. A reader never waits on Redis for
 * longer than the connection's command timeout.
 */
import v8 from 'node:v8'
import {RESP_TYPES} from 'redis'
import type {RedisConnection} from './redis'

const ENTRY_TTL_SECONDS = 7 * 24 * 3600

export interface StoredEntry {
  value: unknown
  lastModified: number
  cacheControl?: unknown
}

export type SharedRead = {status: 'hit'; entry: StoredEntry} | {status: 'miss'} | {status: 'unavailable'}

export interface SharedNextCache {
  get(key: string, tags: string[]): Promise<SharedRead>
  /** Tags of `entry` revalidated after it was made? Unknown (Redis down) counts as fresh. */
  isStale(lastModified: number, tags: string[]): Promise<boolean>
  set(key: string, entry: StoredEntry): Promise<void>
  /** Records the revalidation of `tags` now and tells every instance (pub/sub). */
  revalidate(tags: string[]): Promise<void>
}

export interface SharedNextCacheOptions {
  buildId: string
  /** Sends the invalidation to every instance (invalidation.ts). */
  publish: (tags: string[]) => Promise<unknown>
}

export function createSharedNextCache(redis: RedisConnection, options: SharedNextCacheOptions): SharedNextCache {
  const binary = redis.client.withTypeMapping({[RESP_TYPES.BLOB_STRING]: Buffer})
  const entryKey = (key: string) => `${redis.prefix}next:${options.buildId}:${key}`
  const tagsKey = `${redis.prefix}tags`

  async function newestRevalidation(tags: string[]): Promise<number> {
    if (tags.length === 0) return 0
    const times = await redis.client.hmGet(tagsKey, tags)
    return Math.max(0, ...times.map((time) => Number(time ?? 0)))
  }

  return {
    async get(key, tags) {
      try {
        const raw = await binary.get(entryKey(key))
        if (!raw) return {status: 'miss'}
        const entry = v8.deserialize(raw as Buffer) as StoredEntry
        const allTags = [...new Set([...tags, ...tagsOfValue(entry.value)])]
        if (revalidatedSince(await newestRevalidation(allTags), entry.lastModified)) return {status: 'miss'}
        return {status: 'hit', entry}
      } catch {
        return {status: 'unavailable'}
      }
    },

    async isStale(lastModified, tags) {
      try {
        return revalidatedSince(await newestRevalidation(tags), lastModified)
      } catch {
        return false
      }
    },

    async set(key, entry) {
      let bytes: Buffer
      try {
        bytes = v8.serialize(entry)
      } catch {
        return // not serialisable (should not happen with Next's values): this instance's copy stays
      }
      await redis.client.set(entryKey(key), bytes, {expiration: {type: 'EX', value: ENTRY_TTL_SECONDS}}).catch(() => {})
    },

    async revalidate(tags) {
      if (tags.length === 0) return
      const now = String(Date.now())
      // The timestamps first: an instance that re-renders on the message must already see them.
      await redis.client.hSet(tagsKey, Object.fromEntries(tags.map((tag) => [tag, now]))).catch(() => {})
      await options.publish(tags)
    },
  }
}

/** Made no later than the newest revalidation of one of its tags (0: none was ever revalidated). */
function revalidatedSince(newestRevalidation: number, lastModified: number): boolean {
  return newestRevalidation > 0 && newestRevalidation >= lastModified
}

/** The tags Next stored with a page or route response (header) or a fetch entry (`tags`). */
export function tagsOfValue(value: unknown): string[] {
  if (!value || typeof value !== 'object') return []
  const record = value as {tags?: unknown; headers?: Record<string, unknown>}
  const header = record.headers?.['x-next-cache-tags']
  const fromHeader = typeof header === 'string' ? header.split(',').filter(Boolean) : []
  const fromFetch = Array.isArray(record.tags) ? record.tags.filter((tag): tag is string => typeof tag === 'string') : []
  return [...fromHeader, ...fromFetch]
}
