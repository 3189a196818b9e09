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
  revalidateTag(tags: string[], durations?: {expire: number}): Promise<void>
}
const DispatchCacheHandler = require('../../lib/response-cache/cache-handler.cjs') as new (ctx: Record<string, unknown>) => Handler
const {purgeTags, onPurge, changeTag} = require('../../lib/response-cache/tag-registry.cjs') as {
  purgeTags(tags: string[], at?: number): void
  onPurge(listener: (tags: string[]) => void): () => void
  changeTag(id: string): string
}

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
  // Next's CacheFs (pages are looked up on disk too: the build's prerenders).
  const cacheFs = {
    existsSync: fs.existsSync,
    readFile: (file: string) => fs.promises.readFile(file),
    readFileSync: (file: string) => fs.readFileSync(file),
    writeFile: (file: string, data: Buffer | string) => fs.promises.writeFile(file, data),
    mkdir: (dir: string) => fs.promises.mkdir(dir, {recursive: true}),
    stat: (file: string) => fs.promises.stat(file),
  }
  handler = new DispatchCacheHandler({
    fs: cacheFs,
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

  it('renders a page once for the cluster: an instance that finds another rendering it waits for its entry', async () => {
    const pageCtx = {kind: 'APP_PAGE', isRoutePPREnabled: false, isFallback: false}
    const key = '/route-cache/APP_PAGE/x/$/index'
    const page = {kind: 'APP_PAGE', html: '<p>fresh home</p>', headers: {'x-next-cache-tags': 'post'}, status: 200}
    // The other instance missed first and is rendering (it holds the lease)…
    expect(await otherInstance.lease(key, 3_000)).toBe(true)
    const started = Date.now()
    const waiting = handler.get(key, pageCtx)
    await sleep(150)
    // …and writes its render.
    await otherInstance.set(key, {value: page, lastModified: Date.now()})
    await otherInstance.release(key)
    const entry = (await waiting) as unknown as {value: {html: string}} | null
    expect(entry?.value.html).toBe('<p>fresh home</p>')
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('renders the page itself when the instance holding the lease never delivers', async () => {
    const pageCtx = {kind: 'APP_PAGE', isRoutePPREnabled: false, isFallback: false}
    const key = '/route-cache/APP_PAGE/x/$/posts/lost'
    expect(await otherInstance.lease(key, 3_000)).toBe(true)
    const started = Date.now()
    expect(await handler.get(key, pageCtx)).toBeNull()
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900)
    // This instance's render is written, and ends the lease for everyone.
    await handler.set(key, {kind: 'APP_PAGE', html: '<p>mine</p>', headers: {'x-next-cache-tags': 'post'}, status: 200}, {isRoutePPREnabled: false, isFallback: false, route: undefined})
    expect((await otherInstance.get(key, [])).status).toBe('hit')
    expect(await otherInstance.lease(key, 1_000)).toBe(true)
  })

  it('stops waiting as soon as the renderer lets go without an entry', async () => {
    const pageCtx = {kind: 'APP_PAGE', isRoutePPREnabled: false, isFallback: false}
    const key = '/route-cache/APP_PAGE/x/$/posts/refused'
    expect(await otherInstance.lease(key, 3_000)).toBe(true)
    const started = Date.now()
    const waiting = handler.get(key, pageCtx)
    await sleep(100)
    await otherInstance.release(key) // its render was refused (content changed meanwhile)
    expect(await waiting).toBeNull()
    expect(Date.now() - started).toBeLessThan(600)
  })

  it('takes the lease itself when nobody renders the page: it renders at once', async () => {
    const started = Date.now()
    expect(await handler.get('/route-cache/APP_ROUTE/x/$/feed.xml', {kind: 'APP_ROUTE'})).toBeNull()
    expect(Date.now() - started).toBeLessThan(500)
  })

  it('records and announces a live event once for the cluster: an instance hearing it second neither re-records nor purges again', async () => {
    const purged: string[][] = []
    const stop = onPurge((tags) => purged.push(tags))
    const tags = ['sanity:s1:dup']
    // The other instance heard live event 7 first and recorded it…
    expect(await otherInstance.revalidate(tags, {once: changeTag('boot-7').split(':')[1]})).toBe('sent')
    const recorded = (await elsewhere.client.hGet('handler:tags', 'sanity:s1:dup')) ?? ''
    await sleep(5)
    // …this one hears the same event: Redis keeps the first time, and the purge here is left to
    // the other instance's message.
    await handler.revalidateTag([...tags, changeTag('boot-7')], {expire: 0})
    expect(await elsewhere.client.hGet('handler:tags', 'sanity:s1:dup')).toBe(recorded)
    expect(purged).toEqual([])
    // Another event with the same tags (a second publish) is recorded and purged as usual.
    await handler.revalidateTag([...tags, changeTag('boot-8')], {expire: 0})
    expect(Number(await elsewhere.client.hGet('handler:tags', 'sanity:s1:dup'))).toBeGreaterThan(Number(recorded))
    expect(purged).toEqual([tags])
    stop()
  })

  it('dates the revalidation of another instance by when it happened, not by when its message arrived', async () => {
    const revalidatedAt = Date.now()
    await otherInstance.revalidate(['post:late'])
    await sleep(10)
    // The other instance re-rendered right after its revalidation and shared the result…
    await otherInstance.set('late-list', {value: entry('fresh list'), lastModified: Date.now()})
    await sleep(10)
    // …and only now does its message reach this instance: the shared entry is still fresh here.
    purgeTags(['post:late'], revalidatedAt)
    expect(bodyOf(await handler.get('late-list', fetchCtx(['post:late'])))).toBe('fresh list')
  })
})
