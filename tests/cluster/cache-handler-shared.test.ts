/**
 * Next's cache handler (lib/response-cache/cache-handler.cjs) with the shared Redis cache of
 * lib/cluster, against a real redis-server: the races between instances that a single process
 * cannot have. "Another instance" is a second connection with its own view of the shared cache.
 */
import {createRequire} from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {connect, createSharedNextCache, invalidationMessage, SHARED_NEXT_CACHE, type RedisConnection, type SharedNextCache} from '@/lib/cluster'
import {startTestRedis, type TestRedis} from '@/scripts/lib/redis-server'

const require = createRequire(import.meta.url)
type Handler = {
  get(key: string, ctx: Record<string, unknown>): Promise<{value: {data: {body: string}}} | null>
  set(key: string, data: unknown, ctx: Record<string, unknown>): Promise<void>
}
const DispatchCacheHandler = require('../../lib/response-cache/cache-handler.cjs') as new (ctx: Record<string, unknown>) => Handler
const {purgeTags} = require('../../lib/response-cache/tag-registry.cjs') as {purgeTags(tags: string[]): void}

let redis: TestRedis
let here: RedisConnection
let elsewhere: RedisConnection
let otherInstance: SharedNextCache
let handler: Handler

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const fetchCtx = (tags: string[]) => ({kind: 'FETCH', tags, softTags: [], fetchCache: true, fetchUrl: 'http://lake/query', revalidate: 300})
const entry = (text: string) => ({kind: 'FETCH', data: {headers: {}, body: Buffer.from(text).toString('base64'), status: 200, url: 'http://lake/query'}, revalidate: 300})
const bodyOf = (hit: Awaited<ReturnType<Handler['get']>>) => (hit ? Buffer.from(hit.value.data.body, 'base64').toString() : null)

async function ready(connection: RedisConnection) {
  const deadline = Date.now() + 5_000
  while (!connection.isReady()) {
    if (Date.now() > deadline) throw new Error('Redis connection not ready')
    await sleep(20)
  }
}

beforeAll(async () => {
  redis = await startTestRedis()
  here = connect(redis.url, 'handler:', () => {})
  elsewhere = connect(redis.url, 'handler:', () => {})
  await Promise.all([ready(here), ready(elsewhere)])
  const shared = createSharedNextCache(here, {buildId: 'b1', invalidation: (tags) => invalidationMessage(here, {tags, from: 'here'})})
  ;(globalThis as Record<symbol, unknown>)[SHARED_NEXT_CACHE] = shared
  otherInstance = createSharedNextCache(elsewhere, {buildId: 'b1', invalidation: (tags) => invalidationMessage(elsewhere, {tags, from: 'elsewhere'})})
  handler = new DispatchCacheHandler({
    fs: undefined,
    flushToDisk: false,
    serverDistDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cache-handler-shared-')),
    maxMemoryCacheSize: 8 * 1024 * 1024,
    revalidatedTags: [],
  })
})

afterAll(async () => {
  delete (globalThis as Record<symbol, unknown>)[SHARED_NEXT_CACHE]
  await Promise.all([here?.close(), elsewhere?.close()])
  await redis?.close()
})

describe('the cache handler on a shared Redis cache', () => {
  it('dates a fill by when it read the content: a revalidation elsewhere during the fill makes it stale on every instance', async () => {
    // This instance looks the home page's data up and starts fetching it (the old list)…
    expect(await handler.get('home-list', fetchCtx(['post']))).toBeNull()
    await sleep(5)
    // …another instance revalidates `post` (a scheduled post went live) before the fetch ends;
    // its message has not reached this instance yet…
    await otherInstance.revalidate(['post'])
    await sleep(5)
    // …and the fill is written. It must not look fresh to anyone, or every instance would serve
    // the old list for the whole safety-net period.
    await handler.set('home-list', entry('old list'), fetchCtx(['post']))
    expect((await otherInstance.get('home-list', ['post'])).status).toBe('stale')
    expect(await handler.get('home-list', fetchCtx(['post']))).toBeNull()
    // A fill that starts after the revalidation is fresh everywhere.
    await handler.set('home-list', entry('new list'), fetchCtx(['post']))
    const read = await otherInstance.get('home-list', ['post'])
    expect(read.status).toBe('hit')
    expect(bodyOf(await handler.get('home-list', fetchCtx(['post'])))).toBe('new list')
  })

  it('honours a revalidation this process knows of even when Redis does not have it yet', async () => {
    expect(await handler.get('feed', fetchCtx(['post:x']))).toBeNull()
    await handler.set('feed', entry('feed v1'), fetchCtx(['post:x']))
    expect(bodyOf(await handler.get('feed', fetchCtx(['post:x'])))).toBe('feed v1')
    await sleep(5)
    // As when this instance revalidated while its Redis command timed out (the resend is pending).
    purgeTags(['post:x'])
    expect(await handler.get('feed', fetchCtx(['post:x']))).toBeNull()
  })
})
