// Next.js cache handler (next.config.ts `cacheHandler`): Next's own file-system cache, plus two
// notifications for Dispatch's response cache (see tag-registry.cjs):
//   - which cache tags each page/route response depends on (Next collects them while rendering);
//   - which tags were revalidated, so cached responses that depend on them are purged at once.
// With REDIS_URL, the production server (scripts/serve-site.ts) also installs a shared cache on
// globalThis (lib/cluster/next-cache.ts): entries are read from and written to Redis first, every
// entry — shared or from this instance's disk — is checked against the tag revalidation times in
// Redis, and a revalidation is published to every instance. Without it (builds, one machine) this
// is exactly Next's file-system cache. Plain CommonJS because Next loads it with `require`,
// outside the app bundle, so it reaches the TypeScript cluster code only through globalThis.
'use strict'
const FileSystemCache = require('next/dist/server/lib/incremental-cache/file-system-cache').default
const {recordCacheEntry, purgeTags} = require('./tag-registry.cjs')

const SHARED_NEXT_CACHE = Symbol.for('dispatch.cluster.next-cache')
/** @returns {import('../cluster/next-cache').SharedNextCache | undefined} */
const sharedCache = () => globalThis[SHARED_NEXT_CACHE]

/** Tags Next passes with a read (fetch entries: explicit and implicit; pages: implicit path tags). */
function contextTags(ctx) {
  return [...(Array.isArray(ctx && ctx.tags) ? ctx.tags : []), ...(Array.isArray(ctx && ctx.softTags) ? ctx.softTags : [])]
}

function entryTags(entry, ctx) {
  const value = entry && entry.value
  const header = value && value.headers && value.headers['x-next-cache-tags']
  return [
    ...contextTags(ctx),
    ...(typeof header === 'string' ? header.split(',').filter(Boolean) : []),
    ...(value && Array.isArray(value.tags) ? value.tags : []),
  ]
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
    const shared = sharedCache()
    if (shared) {
      const read = await shared.get(key, contextTags(ctx))
      if (read.status === 'hit') {
        recordCacheEntry(key, read.entry.value)
        return read.entry
      }
      // 'miss': not shared yet (or stale), fall through to this instance's copy, checked below.
      // 'unavailable': Redis is down, serve this instance's copy as it is.
      const entry = await super.get(key, ctx)
      if (!entry) return entry
      if (read.status === 'miss' && (await shared.isStale(entry.lastModified ?? 0, entryTags(entry, ctx)))) return null
      recordCacheEntry(key, entry.value)
      return entry
    }
    const entry = await super.get(key, ctx)
    if (entry) recordCacheEntry(key, entry.value)
    return entry
  }

  async set(key, data, ctx) {
    recordCacheEntry(key, data)
    const shared = sharedCache()
    if (shared && data) {
      const cacheControl = ctx && !ctx.fetchCache ? ctx.cacheControl : undefined
      await shared.set(key, {value: data, lastModified: Date.now(), cacheControl})
    }
    return super.set(key, data, ctx)
  }

  async revalidateTag(tags, durations) {
    const list = typeof tags === 'string' ? [tags] : tags
    purgeTags(list)
    const shared = sharedCache()
    // Every instance purges its response cache when the message arrives (lib/cluster/site.ts).
    if (shared) await shared.revalidate(list)
    return super.revalidateTag(tags, durations)
  }
}

module.exports = DispatchCacheHandler
