// Which cache tags each cached URL path depends on, and who to tell when tags are revalidated.
//
// Next.js collects the tags of every page it renders (the `next.tags` of its data fetches plus
// implicit path tags) and hands them to its cache handler (cache-handler.cjs), which records them
// here. When the site calls `revalidateTag` (the revalidate webhook does, on every publish), Next
// calls the handler's `revalidateTag`, which purges through here. The state lives on globalThis
// because Next loads the cache handler with its own `require`: the custom server and the handler
// must share one instance. Plain CommonJS so that both sides can load it. Types: tag-registry.d.cts.
'use strict'

const KEY = Symbol.for('dispatch.response-cache.tag-registry')
const MAX_PATHS = 50000
const MAX_TAGS = 50000

function state() {
  return (globalThis[KEY] ??= {tagsByPath: new Map(), listeners: new Set(), revalidatedAt: new Map()})
}

/** Next's cache keys are opaque, but end in `/$<pathname>` for page and route responses. */
function pathnameFromCacheKey(key) {
  const marker = key.indexOf('/$/')
  const pathname = marker >= 0 ? key.slice(marker + 2) : key.startsWith('/') ? key : null
  if (pathname === null) return null
  if (pathname === '/index' || pathname === '') return '/'
  return pathname.replace(/\.(rsc|html|body|meta)$/, '')
}

function recordTags(pathname, tags) {
  const {tagsByPath} = state()
  if (tagsByPath.size >= MAX_PATHS && !tagsByPath.has(pathname)) {
    // Oldest first (Map keeps insertion order). A forgotten path is simply not cached any more.
    tagsByPath.delete(tagsByPath.keys().next().value)
  }
  tagsByPath.set(pathname, new Set(tags))
}

/** Records the tags of a cache entry Next read or wrote (pages and route handlers only). */
function recordCacheEntry(key, value) {
  if (!value || (value.kind !== 'APP_PAGE' && value.kind !== 'APP_ROUTE')) return
  const header = value.headers && value.headers['x-next-cache-tags']
  if (typeof header !== 'string' || header === '') return
  const pathname = pathnameFromCacheKey(key)
  if (pathname) recordTags(pathname, header.split(',').filter(Boolean))
}

function tagsFor(pathname) {
  return state().tagsByPath.get(pathname)
}

function onPurge(listener) {
  const {listeners} = state()
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/**
 * Purges `tags` and records when they were revalidated: now, or `at` — the time another instance
 * revalidated them (its message arrives a little later; what was read between the two is fresh).
 */
function purgeTags(tags, at) {
  const {revalidatedAt, listeners} = state()
  const now = Date.now()
  const when = typeof at === 'number' && at < now ? at : now
  for (const tag of tags) {
    const previous = revalidatedAt.get(tag) ?? 0
    revalidatedAt.delete(tag)
    if (revalidatedAt.size >= MAX_TAGS) revalidatedAt.delete(revalidatedAt.keys().next().value)
    revalidatedAt.set(tag, Math.max(previous, when))
  }
  for (const listener of listeners) listener(tags)
}

/**
 * Whether one of the tags was revalidated at or after `since` (a Date.now() time). Content read
 * before a revalidation must not be stored after it: see cache-handler.cjs and handler.ts.
 */
function revalidatedSince(tags, since) {
  const {revalidatedAt} = state()
  for (const tag of tags) {
    const at = revalidatedAt.get(tag)
    if (at !== undefined && at >= since) return true
  }
  return false
}

/**
 * A pseudo-tag naming the change a revalidation is for (a live event's id), revalidated together
 * with the change's tags: no entry carries it, and the cache handler takes it out of the list and
 * uses it so that, with several instances hearing the same event, only one of them records and
 * announces it (cache-handler.cjs, lib/cluster/next-cache.ts).
 */
const CHANGE_TAG_PREFIX = '_dispatch_change:'
/** The id hashed: any sender's id, always a short, safe tag. */
const changeTag = (id) => CHANGE_TAG_PREFIX + require('node:crypto').createHash('sha256').update(String(id)).digest('base64url').slice(0, 32)

module.exports = {pathnameFromCacheKey, recordTags, recordCacheEntry, tagsFor, onPurge, purgeTags, revalidatedSince, CHANGE_TAG_PREFIX, changeTag}
