// Next.js cache handler (next.config.ts `cacheHandler`): Next's own file-system cache, plus two
// notifications for Dispatch's response cache (see tag-registry.cjs):
//   - which cache tags each page/route response depends on (Next collects them while rendering);
//   - which tags were revalidated, so cached responses that depend on them are purged at once.
// Plain CommonJS because Next loads it with `require`, outside the app bundle.
'use strict'
const FileSystemCache = require('next/dist/server/lib/incremental-cache/file-system-cache').default
const {recordCacheEntry, purgeTags} = require('./tag-registry.cjs')

class DispatchCacheHandler extends FileSystemCache {
  async get(key, ctx) {
    const entry = await super.get(key, ctx)
    if (entry) recordCacheEntry(key, entry.value)
    return entry
  }

  async set(key, data, ctx) {
    recordCacheEntry(key, data)
    return super.set(key, data, ctx)
  }

  async revalidateTag(tags, durations) {
    purgeTags(typeof tags === 'string' ? [tags] : tags)
    return super.revalidateTag(tags, durations)
  }
}

module.exports = DispatchCacheHandler
