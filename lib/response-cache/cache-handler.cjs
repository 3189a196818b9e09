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
'use strict'
const FileSystemCache = require('next/dist/server/lib/incremental-cache/file-system-cache').default
const {recordCacheEntry, purgeTags, revalidatedSince} = require('./tag-registry.cjs')

const MAX_PENDING = 10000
const lookedUpAt = new Map()

/** The tags a cache entry depends on: a fetch's own tags, or a page's collected tags. */
function entryTags(data, ctx) {
  const tags = [...((ctx && ctx.tags) || [])]
  const header = data && data.headers && data.headers['x-next-cache-tags']
  if (typeof header === 'string') tags.push(...header.split(',').filter(Boolean))
  return tags
}

class DispatchCacheHandler extends FileSystemCache {
  async get(key, ctx) {
    lookedUpAt.delete(key)
    if (lookedUpAt.size >= MAX_PENDING) lookedUpAt.delete(lookedUpAt.keys().next().value)
    lookedUpAt.set(key, Date.now())
    const entry = await super.get(key, ctx)
    if (entry) recordCacheEntry(key, entry.value)
    return entry
  }

  async set(key, data, ctx) {
    const since = lookedUpAt.get(key)
    lookedUpAt.delete(key)
    // Read before a revalidation of what it shows: storing it would make stale content look fresh.
    // Leaving the old (expired) entry in place makes the next request fetch again.
    if (since !== undefined && data && revalidatedSince(entryTags(data, ctx), since)) return
    recordCacheEntry(key, data)
    return super.set(key, data, ctx)
  }

  async revalidateTag(tags, durations) {
    purgeTags(typeof tags === 'string' ? [tags] : tags)
    return super.revalidateTag(tags, durations)
  }
}

module.exports = DispatchCacheHandler
