/**
 * Joins this site process to the cluster (called once by scripts/serve-site.ts when REDIS_URL is
 * set): subscribes to tag invalidations, so any instance's `revalidateTag` purges this instance's
 * response cache, and hands Next's cache handler the shared Redis cache (through globalThis,
 * because Next loads the handler with its own `require`; see cache-handler.cjs).
 */
import fs from 'node:fs'
import path from 'node:path'
import os from 'node:os'
import {invalidationMessage, subscribeInvalidations} from './invalidation'
import {createSharedNextCache, type SharedNextCache} from './next-cache'
import {clusterRedis} from './redis'

/** Where cache-handler.cjs finds the shared cache. Absent (builds, single machine): disk only. */
export const SHARED_NEXT_CACHE = Symbol.for('dispatch.cluster.next-cache')

export interface ClusterMembership {
  instance: string
  close(): Promise<void>
}

export interface JoinOptions {
  /** Next's dist dir (for BUILD_ID). */
  distDir: string
  /** Purges this instance's response cache for these tags, revalidated (elsewhere) at `at`. */
  purgeTags(tags: string[], at?: number): void
  /** Empties this instance's response cache (after an outage, when messages may have been missed). */
  purgeAll(): void
  port: number
}

export async function joinCluster(options: JoinOptions): Promise<ClusterMembership | null> {
  const redis = clusterRedis()
  if (!redis) return null
  const instance = `${os.hostname()}:${options.port}:${process.pid}`
  const buildId = fs.readFileSync(path.join(options.distDir, 'BUILD_ID'), 'utf8').trim()
  const shared: SharedNextCache = createSharedNextCache(redis, {
    buildId,
    invalidation: (tags, at) => invalidationMessage(redis, {tags, from: instance, at}),
  })
  ;(globalThis as Record<symbol, unknown>)[SHARED_NEXT_CACHE] = shared

  const unsubscribe = subscribeInvalidations(redis, {
    // This instance's own revalidations were purged here when they happened (cache-handler.cjs);
    // purging again when its own message comes back would throw away the renders made since.
    onTags: (tags, message) => {
      if (message.from !== instance) options.purgeTags(tags, message.at)
    },
    onMissedMessages: () => options.purgeAll(),
  })
  return {
    instance,
    async close() {
      await unsubscribe()
      shared.close()
      delete (globalThis as Record<symbol, unknown>)[SHARED_NEXT_CACHE]
      await redis.close()
    },
  }
}
