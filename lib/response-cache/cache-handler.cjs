// Next.js cache handler (next.config.ts `cacheHandler`): Next's own file-system cache, plus two
// notifications for Dispatch's response cache (see tag-registry.cjs):
//   - which cache tags each page/route response depends on (Next collects them while rendering);
//   - which tags were revalidated, so cached responses that depend on them are purged at once.
// Plain CommonJS because Next loads it with `require`, outside the app bundle.
//
// It also closes a race Next's own cache has (#16.4: after "Revert to revision" and Publish, a
// post page kept its old title for minutes while home and feed were fresh). Next stamps an entry
// with the time it is *written*, and treats it as fresh when that is later than its tags'
// revalidation. A data fetch or page render that read the content just before a publish's
// revalidateTag and finished just after it was therefore stored as fresh, old content and all,
// until the 300 s safety net. So: remember when each key was last looked up (the fill starts
// right after a miss or stale hit) and refuse to store a fill whose tags were revalidated since.
//
// With REDIS_URL, the production server (scripts/serve-site.ts) also installs a shared cache on
// globalThis (lib/cluster/next-cache.ts): entries are read from and written to Redis first, every
// entry — shared or from this instance's memory or disk — is checked against the tag revalidation
// times in Redis AND in this process (a revalidation Redis did not take still counts here), and a
// revalidation is published to every instance (whose purge also feeds the race check above).
// Across instances the race check cannot rely on the message arriving in time, so a shared entry
// is dated by the lookup that started its fill, not by its write: content read before another
// instance's revalidation is stale everywhere, whenever the message arrives.
// Without it (builds, one machine) this is exactly Next's file-system cache.
// The TypeScript cluster code is reached only through globalThis, for the same `require` reason.
'use strict'
const FileSystemCache = require('next/dist/server/lib/incremental-cache/file-system-cache').default
const {recordCacheEntry, purgeTags, revalidatedSince, CHANGE_TAG_PREFIX} = require('./tag-registry.cjs')

const MAX_PENDING = 10000
const lookedUpAt = new Map()
/** Shared mode: key → when the content of this process's latest copy was read (its fill's lookup). */
const readAt = new Map()

function remember(map, key, value) {
  map.delete(key)
  if (map.size >= MAX_PENDING) map.delete(map.keys().next().value)
  map.set(key, value)
}

/** The tags a value being stored depends on: a fetch's own tags, or a page's collected tags. */
function valueTags(data, ctx) {
  const tags = [...((ctx && ctx.tags) || [])]
  const header = data && data.headers && data.headers['x-next-cache-tags']
  if (typeof header === 'string') tags.push(...header.split(',').filter(Boolean))
  return tags
}

// After a publish every instance is asked for the same pages at once. Rendering each page on every
// instance multiplies the work by the number of instances on the same cores; instead the first
// instance to miss a page or route response takes a lease on it in Redis and renders it, and the
// others wait for its entry (polling Redis) — one render per page for the whole cluster. A waiter
// renders itself as soon as the lease is gone without a fresh entry (the render was refused, or the
// renderer died and its lease expired after LEASE_MS), and in any case after LEASE_WAIT_MS.
const LEASE_MS = 3000
const LEASE_WAIT_MS = 2000
const LEASE_POLL_MS = 20
const LEASED_KINDS = new Set(['APP_PAGE', 'APP_ROUTE'])
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const SHARED_NEXT_CACHE = Symbol.for('dispatch.cluster.next-cache')
/** @returns {import('../cluster/next-cache').SharedNextCache | undefined} */
const sharedCache = () => globalThis[SHARED_NEXT_CACHE]

/** Tags Next passes with a read (fetch entries: explicit and implicit; pages: implicit path tags). */
function contextTags(ctx) {
  return [...(Array.isArray(ctx && ctx.tags) ? ctx.tags : []), ...(Array.isArray(ctx && ctx.softTags) ? ctx.softTags : [])]
}

/** Every tag a read entry depends on, for the staleness check against Redis. */
function readTags(entry, ctx) {
  const value = entry && entry.value
  return [...contextTags(ctx), ...valueTags(value, undefined), ...(value && Array.isArray(value.tags) ? value.tags : [])]
}

class DispatchCacheHandler extends FileSystemCache {
  constructor(ctx) {
    super(ctx)
    // Several instances serve one build directory: writing it concurrently could let one instance
    // read another's half-written file. Shared entries live in Redis, recent ones also in this
    // process's memory (Next's memory layer, which `set` still fills) for when Redis is away.
    if (sharedCache()) this.flushToDisk = false
  }

  async get(key, ctx) {
    remember(lookedUpAt, key, Date.now())
    const shared = sharedCache()
    if (shared) {
      const entry = await this.sharedGet(shared, key, ctx)
      if (entry || !ctx || !LEASED_KINDS.has(ctx.kind)) return entry
      // A page or route response to (re)render: one instance renders, the others wait for it.
      if (await shared.lease(key, LEASE_MS)) return null
      const deadline = Date.now() + LEASE_WAIT_MS
      while (Date.now() < deadline) {
        await sleep(LEASE_POLL_MS)
        const read = await shared.get(key, contextTags(ctx))
        if (read.status === 'unavailable') break
        if (read.status === 'hit' && !revalidatedSince(readTags(read.entry, ctx), read.entry.lastModified)) {
          recordCacheEntry(key, read.entry.value)
          return read.entry
        }
        // The renderer let go without a fresh entry (its render was refused, or it died): render here.
        if (await shared.lease(key, LEASE_MS)) break
      }
      // Renders it here after all (since this lookup: the wait does not count as reading).
      remember(lookedUpAt, key, Date.now())
      return null
    }
    const entry = await super.get(key, ctx)
    if (entry) recordCacheEntry(key, entry.value)
    return entry
  }

  /** Shared mode: the fresh entry from Redis, or this instance's own fresh copy, or null. */
  async sharedGet(shared, key, ctx) {
    const read = await shared.get(key, contextTags(ctx))
    if (read.status === 'hit') {
      // Revalidated in this process after it was made (Redis did not take that revalidation yet).
      if (revalidatedSince(readTags(read.entry, ctx), read.entry.lastModified)) return null
      recordCacheEntry(key, read.entry.value)
      return read.entry
    }
    // 'stale': revalidated since it was made; this instance's copy is no newer.
    if (read.status === 'stale') return null
    // 'miss': not shared (a build's prerender, or expired): this instance's copy, if still fresh.
    // 'unavailable': Redis is down: this instance's copy, checked against what this process knows.
    const entry = await super.get(key, ctx)
    if (!entry) return entry
    const madeAt = Math.min(entry.lastModified ?? 0, readAt.get(key) ?? Infinity)
    if (revalidatedSince(readTags(entry, ctx), madeAt)) return null
    if (read.status === 'miss' && (await shared.isStale(madeAt, readTags(entry, ctx)))) return null
    recordCacheEntry(key, entry.value)
    return entry
  }

  async set(key, data, ctx) {
    const since = lookedUpAt.get(key)
    lookedUpAt.delete(key)
    const leased = sharedCache()
    // Whatever happens to this fill, the instances waiting on it stop waiting once it is written.
    // Page and route responses (Next stores fetches with `fetchCache: true`).
    if (leased && ctx && !ctx.fetchCache) {
      try {
        return await this.store(key, data, ctx, since)
      } finally {
        await leased.release(key)
      }
    }
    return this.store(key, data, ctx, since)
  }

  async store(key, data, ctx, since) {
    // Read before a revalidation of what it shows: storing it would make stale content look fresh.
    // Leaving the old (expired) entry in place makes the next request fetch again.
    if (since !== undefined && data && revalidatedSince(valueTags(data, ctx), since)) return
    recordCacheEntry(key, data)
    const shared = sharedCache()
    if (shared && data) {
      const cacheControl = ctx && !ctx.fetchCache ? ctx.cacheControl : undefined
      const madeAt = since ?? Date.now()
      remember(readAt, key, madeAt)
      await shared.set(key, {value: data, lastModified: madeAt, cacheControl})
    }
    return super.set(key, data, ctx)
  }

  async revalidateTag(tags, durations) {
    const given = typeof tags === 'string' ? [tags] : tags
    const list = given.filter((tag) => !tag.startsWith(CHANGE_TAG_PREFIX))
    const change = given.find((tag) => tag.startsWith(CHANGE_TAG_PREFIX))
    const shared = sharedCache()
    if (shared && change) {
      // Every instance hears the same live event: the first records and announces it; for the
      // others the purge comes with its message (an earlier purge here would be a second one).
      const outcome = await shared.revalidate(list, {once: change.slice(CHANGE_TAG_PREFIX.length)})
      if (outcome !== 'duplicate') purgeTags(list)
    } else {
      purgeTags(list)
      // Every instance purges its response cache when the message arrives (lib/cluster/site.ts).
      if (shared) await shared.revalidate(list)
    }
    return super.revalidateTag(list, durations)
  }
}

module.exports = DispatchCacheHandler
