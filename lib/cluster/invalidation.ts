/**
 * Tag invalidations across instances (Redis pub/sub). When any instance revalidates tags — the
 * publish webhook reaches just one of them through the balancer — it publishes them here, and every
 * other instance purges its in-memory response cache for those tags (the publisher purged its own
 * when it revalidated, and ignores its message coming back: lib/cluster/site.ts). Which tags exist
 * is the app's business; this channel carries any list of strings.
 *
 * Pub/sub is fire-and-forget: an instance that is disconnected at that moment misses the message.
 * It therefore drops its whole response cache when Redis comes back (see `subscribeInvalidations`);
 * Next's shared cache needs no such care, because its entries are checked against the tag
 * timestamps in Redis on every read (next-cache.ts).
 */
import {trace, type RedisConnection} from './redis'

export interface InvalidationMessage {
  tags: string[]
  /** The instance that published (it ignores its own message). */
  from: string
  /** When it revalidated (its clock; instances' clocks are assumed synchronised, as NTP keeps them). */
  at?: number
}

const channelOf = (redis: RedisConnection) => `${redis.prefix}invalidate`

/** The channel and payload of an invalidation (next-cache.ts publishes it inside its Lua step). */
export function invalidationMessage(redis: RedisConnection, message: InvalidationMessage): {channel: string; message: string} {
  return {channel: channelOf(redis), message: JSON.stringify(message)}
}

/** Tells every instance that these tags changed. Resolves false when Redis is unavailable. */
export async function publishInvalidation(redis: RedisConnection, message: InvalidationMessage): Promise<boolean> {
  try {
    await redis.client.publish(channelOf(redis), JSON.stringify(message))
    return true
  } catch {
    return false
  }
}

export interface InvalidationHandlers {
  /** Tags some instance revalidated. */
  onTags(tags: string[], message: InvalidationMessage): void
  /** Redis came back after an outage: messages may have been missed, forget everything tag-based. */
  onMissedMessages(): void
}

/**
 * Subscribes this instance; returns an unsubscribe function. Never throws: if Redis is down at
 * startup it keeps trying every second (node-redis itself re-subscribes after later reconnects).
 */
export function subscribeInvalidations(redis: RedisConnection, handlers: InvalidationHandlers): () => Promise<void> {
  const listener = (raw: string) => {
    let message: InvalidationMessage
    try {
      message = JSON.parse(raw) as InvalidationMessage
    } catch {
      return
    }
    if (!Array.isArray(message.tags)) return
    trace(`heard ${message.tags.length} tags from ${message.from}: ${message.tags.slice(0, 3).join(',')}`)
    handlers.onTags(message.tags.filter((tag) => typeof tag === 'string'), {...message, at: typeof message.at === 'number' ? message.at : undefined})
  }
  let stopped = false
  let retry: ReturnType<typeof setTimeout> | undefined
  const subscribe = async () => {
    try {
      await redis.subscriber.subscribe(channelOf(redis), listener)
    } catch {
      if (!stopped) retry = setTimeout(() => void subscribe(), 1_000)
      retry?.unref?.()
    }
  }
  void subscribe()
  const stopRecovery = redis.onRecovered(() => handlers.onMissedMessages())
  return async () => {
    stopped = true
    clearTimeout(retry)
    stopRecovery()
    await redis.subscriber.unsubscribe(channelOf(redis), listener).catch(() => {})
  }
}
