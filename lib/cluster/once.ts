/**
 * "Exactly one instance does this, at least once": the scheduled-post trigger. Every instance may
 * notice the same moment (a scheduled post becoming due); one of them acts, the others stand down —
 * but a claim never outlives a failure, so the action is never lost.
 *
 * One key per name, `<prefix>once:<name>`:
 *   - `SET NX PX lockMs` with `busy:<token>` while one instance acts (a crashed claimant blocks the
 *     others for at most `lockMs`, then its lock expires and another instance acts);
 *   - `done` for `doneMs` once the action succeeded (later passes, and instances started later, see
 *     it and skip);
 *   - deleted again if the action failed, so the next pass of any instance retries.
 *
 * Without Redis (one machine), or while Redis is unavailable, this process remembers what it did
 * in memory and acts itself: in an outage a duplicate action (several instances) is preferred over
 * one that never happens — the revalidation it sends is idempotent.
 */
import crypto from 'node:crypto'
import type {RedisConnection} from './redis'

export type OnceOutcome =
  /** This instance acted, successfully. */
  | 'ran'
  /** Already done (by this or another instance): nothing to do. */
  | 'done'
  /** Another instance is acting right now: check again shortly (it may still fail). */
  | 'busy'

export interface OnceOptions {
  /** How long a claimant may take before another instance may act instead. */
  lockMs: number
  /** How long "done" is remembered. */
  doneMs: number
}

/** Deletes the key only while it still holds this claimant's lock (not someone else's, not `done`). */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

const MEMORY_LIMIT = 10_000
const KEY = Symbol.for('dispatch.cluster.once')
/** What this process did (name → until when it counts as done); on globalThis like the connection. */
function memory(): Map<string, number> {
  const holder = globalThis as typeof globalThis & {[KEY]?: Map<string, number>}
  return (holder[KEY] ??= new Map())
}

function rememberDone(name: string, doneMs: number) {
  const done = memory()
  done.delete(name)
  if (done.size >= MEMORY_LIMIT) done.delete(done.keys().next().value as string)
  done.set(name, Date.now() + doneMs)
}

const doneInMemory = (name: string) => (memory().get(name) ?? 0) > Date.now()

/**
 * Runs `action` unless it is done or another instance is running it. Throws what `action` threw
 * (after releasing the claim, so that any instance's next attempt runs it again).
 */
export async function runOnce(redis: RedisConnection | null, name: string, action: () => Promise<void>, options: OnceOptions): Promise<OnceOutcome> {
  if (doneInMemory(name)) return 'done'
  const key = redis ? `${redis.prefix}once:${name}` : ''
  const token = `busy:${crypto.randomUUID()}`
  let claimed = false
  if (redis) {
    try {
      claimed = (await redis.client.set(key, token, {condition: 'NX', expiration: {type: 'PX', value: options.lockMs}})) === 'OK'
      if (!claimed) return (await redis.client.get(key)) === 'done' ? 'done' : 'busy'
    } catch {
      // Redis unavailable: act ourselves (see the module comment).
      claimed = false
    }
  }
  try {
    await action()
  } catch (error) {
    if (claimed) await redis!.client.eval(RELEASE, {keys: [key], arguments: [token]}).catch(() => {})
    throw error
  }
  rememberDone(name, options.doneMs)
  if (claimed) await redis!.client.set(key, 'done', {expiration: {type: 'PX', value: options.doneMs}}).catch(() => {})
  return 'ran'
}

/**
 * A bare claim (`SET NX PX`): true for the first caller within `ttlMs`, and always true without
 * Redis. For actions that may be lost without harm; use `runOnce` when the action must happen.
 */
export async function claimOnce(redis: RedisConnection | null, name: string, ttlMs: number): Promise<boolean> {
  if (!redis) return true
  try {
    const reply = await redis.client.set(`${redis.prefix}once:${name}`, String(process.pid), {condition: 'NX', expiration: {type: 'PX', value: ttlMs}})
    return reply === 'OK'
  } catch {
    return true
  }
}
