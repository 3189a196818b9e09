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
 * - An entry is dated by when its content was READ (the cache handler passes the time of the lookup
 *   that started the fill), not by when it was written: a render that read the content before a
 *   revalidation on another instance and finished after it is stale everywhere at once, whenever
 *   the pub/sub message reaches this instance.
 *
 * Every method fails soft: on a Redis error `get` answers `unavailable` and the handler serves its
 * local copy, `set` does what it can locally. A revalidation Redis did not take (outage, a command
 * timed out on a busy instance) is kept and sent again every second until Redis takes it, so the
 * other instances' copies do not stay fresh-looking. A reader never waits on Redis for longer than
 * the connection's command timeout.
 */
import v8 from 'node:v8'
import {RESP_TYPES} from 'redis'
import {trace, type RedisConnection} from './redis'

const ENTRY_TTL_SECONDS = 7 * 24 * 3600

export interface StoredEntry {
  value: unknown
  lastModified: number
  cacheControl?: unknown
}

export type SharedRead =
  | {status: 'hit'; entry: StoredEntry}
  /** Not in Redis (never shared, expired): this instance's own copy may be used if it is fresh. */
  | {status: 'miss'}
  /** In Redis, but revalidated since it was made: no copy of it anywhere is fresh. */
  | {status: 'stale'}
  | {status: 'unavailable'}

export interface SharedNextCache {
  get(key: string, tags: string[]): Promise<SharedRead>
  /** Tags of `entry` revalidated after it was made? Unknown (Redis down) counts as fresh. */
  isStale(lastModified: number, tags: string[]): Promise<boolean>
  set(key: string, entry: StoredEntry): Promise<void>
  /**
   * Records the revalidation of `tags` now and tells every instance (pub/sub), in one round trip.
   * `once` names the change (a live event's id): every instance hears the same event and
   * revalidates for it, but only the first one records and announces it — the others get
   * 'duplicate' and leave the purging to its message, so each instance purges once per change.
   */
  revalidate(tags: string[], options?: {once?: string}): Promise<RevalidateOutcome>
  /**
   * Claims the re-render of a page or route response for `ms` (SET NX PX): true for the one
   * instance that should render it now, false while another instance is rendering it (wait for its
   * entry instead). True when Redis is unavailable: render yourself.
   */
  lease(key: string, ms: number): Promise<boolean>
  /** Ends a lease (the entry was written, or will not be). */
  release(key: string): Promise<void>
  /** Revalidations Redis has not taken yet (it was unavailable); sent again until it does. */
  unsent(): number
  close(): void
}

/** 'sent': recorded and announced; 'duplicate': another instance did it for this change; 'kept': Redis did not take it (resent later). */
export type RevalidateOutcome = 'sent' | 'duplicate' | 'kept'

/** How long the name of a change is remembered (its instances all hear it within this). */
const ONCE_MS = 10 * 60_000

export interface SharedNextCacheOptions {
  buildId: string
  /** The pub/sub message every instance receives (invalidation.ts): channel and payload. */
  invalidation: (tags: string[], at: number) => {channel: string; message: string}
}

/**
 * Tag times only move forward (a delayed resend never rewinds a newer revalidation), and the
 * message is published in the same step, so an instance that re-renders on the message already
 * sees the new times. KEYS[1]: the tag hash; KEYS[2]: the change's name, or absent; ARGV: time,
 * channel, message, tags… Returns 0 when the named change was already recorded (nothing done).
 */
const REVALIDATE = `
if KEYS[2] and not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ${ONCE_MS}) then return 0 end
local now = tonumber(ARGV[1])
for i = 4, #ARGV do
  local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  if now > current then redis.call('HSET', KEYS[1], ARGV[i], ARGV[1]) end
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1`

const RESEND_MS = 1_000
const MAX_UNSENT = 50_000

export function createSharedNextCache(redis: RedisConnection, options: SharedNextCacheOptions): SharedNextCache {
  const binary = redis.client.withTypeMapping({[RESP_TYPES.BLOB_STRING]: Buffer})
  const entryKey = (key: string) => `${redis.prefix}next:${options.buildId}:${key}`
  const tagsKey = `${redis.prefix}tags`
  const leaseKey = (key: string) => `${redis.prefix}lease:${options.buildId}:${key}`

  const unsent = new Map<string, number>()
  let resendTimer: ReturnType<typeof setTimeout> | undefined

  async function send(tags: string[], at: number, once?: string): Promise<RevalidateOutcome> {
    const {channel, message} = options.invalidation(tags, at)
    const keys = once ? [tagsKey, `${redis.prefix}change:${once}`] : [tagsKey]
    try {
      return (await redis.client.eval(REVALIDATE, {keys, arguments: [String(at), channel, message, ...tags]})) === 0 ? 'duplicate' : 'sent'
    } catch {
      return 'kept'
    }
  }

  /** Sends what Redis missed, grouped by time (a burst of revalidations is one or a few calls). */
  async function resend() {
    resendTimer = undefined
    const byTime = new Map<number, string[]>()
    for (const [tag, at] of unsent) byTime.set(at, [...(byTime.get(at) ?? []), tag])
    for (const [at, tags] of byTime) {
      if ((await send(tags, at)) === 'kept') break
      for (const tag of tags) if (unsent.get(tag) === at) unsent.delete(tag)
    }
    if (unsent.size > 0) scheduleResend()
  }

  function scheduleResend() {
    if (resendTimer) return
    resendTimer = setTimeout(() => void resend(), RESEND_MS)
    resendTimer.unref?.()
  }
  const stopRecovery = redis.onRecovered(() => {
    if (unsent.size > 0) void resend()
  })

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
        if (revalidatedSince(await newestRevalidation(allTags), entry.lastModified)) return {status: 'stale'}
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

    async revalidate(tags, revalidateOptions = {}) {
      if (tags.length === 0) return 'sent'
      const now = Date.now()
      const outcome = await send(tags, now, revalidateOptions.once)
      trace(`revalidated ${tags.length} tags (${outcome}) in ${Date.now() - now} ms: ${tags.slice(0, 3).join(',')}`)
      if (outcome === 'kept') {
        for (const tag of tags) {
          unsent.delete(tag)
          unsent.set(tag, now)
        }
        // Bounded: a very long outage forgets the oldest (their entries expire with the safety net).
        while (unsent.size > MAX_UNSENT) unsent.delete(unsent.keys().next().value as string)
        scheduleResend()
      }
      return outcome
    },

    async lease(key, ms) {
      try {
        return (await redis.client.set(leaseKey(key), '1', {condition: 'NX', expiration: {type: 'PX', value: ms}})) === 'OK'
      } catch {
        return true
      }
    },

    async release(key) {
      await redis.client.del(leaseKey(key)).catch(() => {})
    },

    unsent: () => unsent.size,

    close() {
      clearTimeout(resendTimer)
      stopRecovery()
    },
  }
}

/** Made no later than/** Made no later than the newest revalidation of one of its tags (0: none was ever revalidated). */
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
