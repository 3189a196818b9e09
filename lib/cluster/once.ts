/**
 * "Exactly one instance does this": a claim on a name with `SET key NX PX ttl`. Every instance may
 * notice the same moment (a scheduled post becoming due); the first to claim it acts, the others
 * see the claim and stand down. The claim expires by itself, so a crashed claimant blocks nothing
 * for longer than `ttlMs`.
 *
 * Without Redis (single machine, or Redis unavailable) every claim succeeds: one instance acts as
 * before, and in an outage a duplicate trigger is preferred over a post that never goes live —
 * the revalidation it sends is idempotent.
 */
import type {RedisConnection} from './redis'

export async function claimOnce(redis: RedisConnection | null, name: string, ttlMs: number): Promise<boolean> {
  if (!redis) return true
  try {
    const reply = await redis.client.set(`${redis.prefix}once:${name}`, String(process.pid), {condition: 'NX', expiration: {type: 'PX', value: ttlMs}})
    return reply === 'OK'
  } catch {
    return true
  }
}
