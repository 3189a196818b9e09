import {AsyncLocalStorage} from 'node:async_hooks'

/**
 * The cache tags a request's render actually used. The production server runs each cacheable
 * request inside a collector; content fetches (sanity/lib/fetch.ts, the Pingbacks section) note
 * their tags into it. For pages Next renders on demand this is the complete list of what the page
 * shows, so the response cache can store it and purge it exactly. Outside the production server
 * (dev, build, tests) there is no collector and noting is a no-op.
 *
 * The storage lives on globalThis: Next's server bundle and the custom server load this module as
 * two separate instances, and both must see the same AsyncLocalStorage.
 */
const KEY = Symbol.for('dispatch.response-cache.request-tags')

function storage(): AsyncLocalStorage<Set<string>> {
  const g = globalThis as unknown as Record<symbol, AsyncLocalStorage<Set<string>> | undefined>
  return (g[KEY] ??= new AsyncLocalStorage<Set<string>>())
}

export function collectTags<T>(collector: Set<string>, run: () => T): T {
  return storage().run(collector, run)
}

export function noteCacheTags(tags: readonly string[]): void {
  const collector = storage().getStore()
  if (collector) for (const tag of tags) collector.add(tag)
}
