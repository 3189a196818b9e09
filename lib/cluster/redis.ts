/**
 * The one Redis connection of a site process (REDIS_URL), shared by every cluster module, plus a
 * second one for pub/sub (a subscribed connection can run no other command).
 *
 * Degraded mode: commands never queue while Redis is away (`disableOfflineQueue`), so every caller
 * gets an immediate error and falls back to this instance's memory instead of hanging a reader's
 * request; the client keeps reconnecting in the background. Outages and recoveries are logged once
 * each, not per failed command.
 */
import {createClient} from 'redis'
import {redisKeyPrefix, redisUrl} from '@/lib/env'

export type RedisClient = ReturnType<typeof makeClient>

export interface RedisConnection {
  /** Commands (GET/SET/HSET/PUBLISH/EVALSHA …). Fails fast while disconnected. */
  readonly client: RedisClient
  /** Subscriptions only. */
  readonly subscriber: RedisClient
  /** Prefix for every key and channel (REDIS_KEY_PREFIX). */
  readonly prefix: string
  /** True while the command connection is up. */
  isReady(): boolean
  /** Called each time Redis comes back after an outage (not on the first connect). */
  onRecovered(listener: () => void): () => void
  close(): Promise<void>
}

/**
 * `DISPATCH_CLUSTER_TRACE=1`: one line per revalidation sent and per invalidation heard, with the
 * time in ms, so a run can show where the time between a publish and fresh pages goes (the cluster
 * test sets it). Off by default: nothing is logged per request.
 */
export const traceEnabled = process.env.DISPATCH_CLUSTER_TRACE === '1'
export function trace(line: string): void {
  if (traceEnabled) console.info(`[cluster] trace ${Date.now()} ${line}`)
}

/** Reconnect quickly at first, then every two seconds: an outage should end as soon as Redis is back. */
const reconnectDelay = (retries: number) => Math.min(50 * 2 ** retries, 2_000)
/** A request waits at most this long for Redis before the caller falls back to memory. */
const COMMAND_TIMEOUT_MS = 500

const KEY = Symbol.for('dispatch.cluster.redis')
type Holder = typeof globalThis & {[KEY]?: RedisConnection | null}

/**
 * This process's connection, or null without REDIS_URL (single-machine mode). Kept on globalThis
 * so the custom server (scripts/serve-site.ts), the cache handler and the bundled app code all
 * share one connection.
 */
export function clusterRedis(): RedisConnection | null {
  const holder = globalThis as Holder
  if (holder[KEY] === undefined) holder[KEY] = redisUrl ? connect(redisUrl, redisKeyPrefix) : null
  return holder[KEY]
}

/** Opens a connection pair (tests open their own against their own redis-server). */
export function connect(url: string, prefix: string, log: (line: string) => void = (line) => console.warn(line)): RedisConnection {
  const client = makeClient(url)
  const subscriber = makeClient(url)
  const recovered = new Set<() => void>()
  let down = false
  const where = safeUrl(url)

  client.on('ready', () => {
    if (down) {
      log(`[cluster] Redis at ${where} is back; shared cache, invalidations and rate limits resume`)
      for (const listener of recovered) listener()
    }
    down = false
  })
  client.on('error', (error: Error) => {
    if (down) return
    down = true
    log(
      `[cluster] Redis at ${where} is unavailable (${error.message}): serving from this instance's memory, ` +
        'rate limits count per instance, invalidations from other instances are missed until it returns',
    )
  })
  // Errors on the subscriber are the same outage; the command connection reports it.
  subscriber.on('error', () => {})
  void client.connect().catch(() => {})
  void subscriber.connect().catch(() => {})

  return {
    client,
    subscriber,
    prefix,
    isReady: () => client.isReady,
    onRecovered(listener) {
      recovered.add(listener)
      return () => recovered.delete(listener)
    },
    async close() {
      await Promise.allSettled([client.close(), subscriber.close()])
    },
  }
}

function makeClient(url: string) {
  return createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: {timeout: COMMAND_TIMEOUT_MS},
    socket: {connectTimeout: 2_000, reconnectStrategy: reconnectDelay},
  })
}

/** The URL without its password, for logs. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.password = ''
    parsed.username = ''
    return parsed.host
  } catch {
    return 'REDIS_URL'
  }
}
