/**
 * lib/cluster against a real redis-server: what several instances share (rate-limit counters,
 * invalidations, Next cache entries and tag times, once-claims) and how each piece degrades when
 * Redis goes away. Each "instance" is its own connection, as each site process has its own.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {claimOnce, connect, createRateLimiter, createSharedNextCache, invalidationMessage, publishInvalidation, subscribeInvalidations, type RedisConnection} from '@/lib/cluster'
import {deliveryKeys, ReplayGuard} from '@/lib/http/signed-webhook'
import {startTestRedis, type TestRedis} from '@/scripts/lib/redis-server'

let redis: TestRedis
const connections: RedisConnection[] = []
const quiet = () => {}

function instance(prefix = 'test:'): RedisConnection {
  const connection = connect(redis.url, prefix, quiet)
  connections.push(connection)
  return connection
}

async function ready(connection: RedisConnection, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs
  while (!connection.isReady() || !connection.subscriber.isReady) {
    if (Date.now() > deadline) throw new Error('Redis connection not ready')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function until(check: () => boolean, timeoutMs = 2_000) {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

beforeAll(async () => {
  redis = await startTestRedis()
})

afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.close()))
  await redis?.close()
})

describe('rate limits on Redis', () => {
  it('count for the whole cluster: the sixth attempt is refused whichever instance it reaches', async () => {
    const instances = [instance(), instance(), instance()]
    await Promise.all(instances.map((connection) => ready(connection)))
    const limiters = instances.map((connection) => createRateLimiter({name: 'contact', points: 5, durationSeconds: 60, redis: connection}))
    const decisions = []
    for (let i = 0; i < 6; i++) decisions.push(await limiters[i % 3].hit('198.51.100.7'))
    expect(decisions.slice(0, 5).every((decision) => decision.allowed)).toBe(true)
    expect(decisions[5].allowed).toBe(false)
    expect(decisions[5].retryAfterSeconds).toBeGreaterThan(55)
    // Another address has its own count.
    expect((await limiters[0].hit('198.51.100.8')).allowed).toBe(true)
    await limiters[0].reset()
    expect((await limiters[1].hit('198.51.100.7')).allowed).toBe(true)
  })
})

describe('invalidations', () => {
  it('reach every subscribed instance, the publisher included', async () => {
    const instances = [instance(), instance(), instance()]
    await Promise.all(instances.map((connection) => ready(connection)))
    const received: string[][] = [[], [], []]
    const stops = instances.map((connection, i) =>
      subscribeInvalidations(connection, {onTags: (tags) => received[i].push(...tags), onMissedMessages: quiet}),
    )
    // Subscriptions are asynchronous; publish until everyone has subscribed.
    await until(() => received.every((tags) => tags.includes('warm-up')), 3_000).catch(() => {})
    for (let attempt = 0; attempt < 20 && !received.every((tags) => tags.includes('warm-up')); attempt++) {
      await publishInvalidation(instances[0], {tags: ['warm-up'], from: 'test'})
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(await publishInvalidation(instances[1], {tags: ['post', 'post:hello'], from: 'test'})).toBe(true)
    await until(() => received.every((tags) => tags.includes('post:hello')))
    await Promise.all(stops.map((stop) => stop()))
  })
})

describe('shared Next cache', () => {
  it('shares entries across instances (Buffers and Maps intact) and treats entries older than a revalidated tag as misses', async () => {
    const [a, b] = [instance(), instance()]
    await Promise.all([ready(a), ready(b)])
    const published: string[][] = []
    const stop = subscribeInvalidations(b, {onTags: (tags) => published.push(tags), onMissedMessages: quiet})
    await until(() => b.subscriber.isReady)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const cacheA = createSharedNextCache(a, {buildId: 'build-1', invalidation: (tags) => invalidationMessage(a, {tags, from: 'a'})})
    const cacheB = createSharedNextCache(b, {buildId: 'build-1', invalidation: (tags) => invalidationMessage(b, {tags, from: 'b'})})
    const otherBuild = createSharedNextCache(b, {buildId: 'build-2', invalidation: (tags) => invalidationMessage(b, {tags, from: 'b'})})
    const value = {
      kind: 'APP_PAGE',
      html: '<p>hello</p>',
      rscData: Buffer.from('rsc'),
      segmentData: new Map([['/_index', Buffer.from('seg')]]),
      headers: {'x-next-cache-tags': 'post,post:hello,_N_T_/posts/hello'},
      status: 200,
    }
    await cacheA.set('/posts/hello', {value, lastModified: Date.now() - 10})
    const read = await cacheB.get('/posts/hello', [])
    expect(read.status).toBe('hit')
    const entry = read.status === 'hit' ? (read.entry.value as typeof value) : null
    expect(entry?.html).toBe('<p>hello</p>')
    expect(Buffer.isBuffer(entry?.rscData)).toBe(true)
    expect(entry?.segmentData.get('/_index')?.toString()).toBe('seg')
    expect((await otherBuild.get('/posts/hello', [])).status).toBe('miss')

    await cacheA.revalidate(['post:hello'])
    // The tag time is written and the message published in one step: B hears it, and reads it stale.
    await until(() => published.length > 0)
    expect(published).toEqual([['post:hello']])
    expect((await cacheB.get('/posts/hello', [])).status).toBe('stale')
    await stop()
    // A copy from an instance's own disk, made before the revalidation, is stale too.
    expect(await cacheB.isStale(Date.now() - 60_000, ['post:hello'])).toBe(true)
    expect(await cacheB.isStale(Date.now() + 1, ['post:hello'])).toBe(false)
    expect(await cacheB.isStale(0, ['some-other-tag'])).toBe(false)
  })
})

describe('once-claims', () => {
  it('let exactly one of several instances act on the same moment', async () => {
    const instances = [instance(), instance(), instance()]
    await Promise.all(instances.map((connection) => ready(connection)))
    const claims = await Promise.all(instances.map((connection) => claimOnce(connection, 'scheduled:post-1:2026-01-01T00:00:00Z', 60_000)))
    expect(claims.filter(Boolean)).toHaveLength(1)
    expect(await claimOnce(null, 'anything', 1_000)).toBe(true)
  })
})

describe('webhook replay memory on Redis', () => {
  it('is shared: a delivery instance A acted on is refused by instance B, by body or idempotency key', async () => {
    const [a, b] = [instance('replay:'), instance('replay:')]
    await Promise.all([ready(a), ready(b)])
    const guardA = new ReplayGuard(60_000, 100, {name: 'mentions', redis: a})
    const guardB = new ReplayGuard(60_000, 100, {name: 'mentions', redis: b})
    const signed = (text: string, key?: string) => deliveryKeys(new Request('http://site', {headers: key ? {'idempotency-key': key} : {}}), {text})
    expect(await guardA.firstDelivery(signed('{"_id":"post-1"}', 'k1'))).toBe(true)
    // The same delivery replayed through the balancer to another instance.
    expect(await guardB.firstDelivery(signed('{"_id":"post-1"}'))).toBe(false)
    // The sender's retry with a fresh body but the same idempotency key.
    expect(await guardB.firstDelivery(signed('{"_id":"post-1","retry":1}', 'k1'))).toBe(false)
    expect(await guardB.firstDelivery(signed('{"_id":"post-2"}'))).toBe(true)
    // Concurrent deliveries of one body to three instances: exactly one acts.
    const c = instance('replay:')
    await ready(c)
    const guards = [guardA, guardB, new ReplayGuard(60_000, 100, {name: 'mentions', redis: c})]
    const firsts = await Promise.all(guards.map((guard) => guard.firstDelivery(signed('{"_id":"post-3"}'))))
    expect(firsts.filter(Boolean)).toHaveLength(1)
    // Guards with other names (other endpoints) keep their own memory.
    expect(await new ReplayGuard(60_000, 100, {name: 'other', redis: a}).firstDelivery(signed('{"_id":"post-1"}'))).toBe(true)
  })
})

describe('when Redis goes away', () => {
  it('rate limits fall back to per-instance memory, reads report "unavailable", claims succeed — nothing throws — and it all resumes', async () => {
    const a = instance('outage:')
    await ready(a)
    const recovered: number[] = []
    a.onRecovered(() => recovered.push(Date.now()))
    const limiter = createRateLimiter({name: 'outage', points: 2, durationSeconds: 60, redis: a})
    const cache = createSharedNextCache(a, {buildId: 'b', invalidation: (tags) => invalidationMessage(a, {tags, from: 'a'})})
    expect((await limiter.hit('x')).allowed).toBe(true)

    await redis.stop()
    await until(() => !a.isReady(), 3_000)
    const started = Date.now()
    // The insurance limiter counts in memory: still a limit, per instance.
    expect((await limiter.hit('y')).allowed).toBe(true)
    expect((await limiter.hit('y')).allowed).toBe(true)
    expect((await limiter.hit('y')).allowed).toBe(false)
    expect((await cache.get('/', [])).status).toBe('unavailable')
    expect(await cache.isStale(0, ['post'])).toBe(false)
    await cache.set('/', {value: {kind: 'APP_PAGE'}, lastModified: Date.now()})
    // A revalidation Redis cannot take now is kept, and sent once it is back.
    await cache.revalidate(['post'])
    expect(cache.unsent()).toBe(1)
    expect(await publishInvalidation(a, {tags: ['post'], from: 'a'})).toBe(false)
    expect(await claimOnce(a, 'during-outage', 1_000)).toBe(true)
    // The replay guard falls back to this process's memory: still refuses a repeat it saw.
    const guard = new ReplayGuard(60_000, 100, {name: 'outage', redis: a})
    expect(await guard.firstDelivery(['body:x'])).toBe(true)
    expect(await guard.firstDelivery(['body:x'])).toBe(false)
    // Fail fast: no command waited for a reconnect.
    expect(Date.now() - started).toBeLessThan(1_000)

    await redis.start()
    await until(() => a.isReady(), 5_000)
    expect(recovered.length).toBe(1)
    expect((await cache.get('/', [])).status).toBe('miss')
    await until(() => cache.unsent() === 0, 3_000)
    // Sent with the time it happened: a copy made before it, anywhere, is stale.
    expect(await cache.isStale(started - 1, ['post'])).toBe(true)
    cache.close()
  })
})
