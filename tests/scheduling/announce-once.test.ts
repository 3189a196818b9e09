/**
 * The scheduled-post trigger across instances (lib/scheduling + lib/cluster/once.ts) against a real
 * redis-server: every instance watches, exactly one announces each post when things work, and a
 * failed or abandoned announcement is announced again by someone — at least once, never lost.
 */
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'
import {connect, runOnce, type RedisConnection} from '@/lib/cluster'
import {startTestRedis, type TestRedis} from '@/scripts/lib/redis-server'

vi.stubEnv('SANITY_REVALIDATE_SECRET', 'test-secret-for-announce-once')
const {publishDuePosts} = await import('@/lib/scheduling/scheduled-posts')
type ScheduledPost = {_id: string; slug: string; publishedAt: string}

let redis: TestRedis
const connections: RedisConnection[] = []

async function instance(prefix: string): Promise<RedisConnection> {
  const connection = connect(redis.url, prefix, () => {})
  connections.push(connection)
  const deadline = Date.now() + 5_000
  while (!connection.isReady()) {
    if (Date.now() > deadline) throw new Error('Redis connection not ready')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return connection
}

beforeAll(async () => {
  redis = await startTestRedis()
})
afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.close()))
  await redis?.close()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const post = (id: string): ScheduledPost => ({_id: id, slug: id, publishedAt: '2026-01-01T10:00:00.000Z'})

/** One instance's view: the due posts the backend returns, and an announcer that records (or fails). */
function deps(redisConnection: RedisConnection | null, due: ScheduledPost[], announced: string[], announce?: (post: ScheduledPost) => Promise<void>) {
  return {
    fetchDue: async () => due,
    announce: async (_origin: string, scheduled: ScheduledPost) => {
      await (announce ?? (async () => {}))(scheduled)
      announced.push(scheduled._id)
    },
    redis: redisConnection,
    log: () => {},
  }
}

describe('scheduled posts on several instances', () => {
  it('are announced by exactly one instance, and never again by later passes', async () => {
    const prefix = 'sched-one:'
    const instances = await Promise.all([instance(prefix), instance(prefix), instance(prefix)])
    const announced: string[] = []
    const due = [post('post-a'), post('post-b')]
    const passes = await Promise.all(instances.map((connection) => publishDuePosts('http://x', 0, 1, deps(connection, due, announced))))
    expect(announced.sort()).toEqual(['post-a', 'post-b'])
    // Whoever lost the claim saw it either done or in progress; a pass right after sees it done.
    const again = await Promise.all(instances.map((connection) => publishDuePosts('http://x', 0, 1, deps(connection, due, announced))))
    expect(again.every((pass) => !pass.pending)).toBe(true)
    expect(announced).toHaveLength(2)
    expect(passes.every((pass) => pass.due.length === 2)).toBe(true)
  })

  it('are announced again after a failed announcement: the claim is released, not kept', async () => {
    const prefix = 'sched-fail:'
    const [a, b] = await Promise.all([instance(prefix), instance(prefix)])
    const announced: string[] = []
    const due = [post('post-c')]
    // Instance A claims, but its own server refuses (not ready, 5xx): the pass throws.
    await expect(publishDuePosts('http://x', 0, 1, deps(a, due, announced, async () => Promise.reject(new Error('/api/revalidate answered 503'))))).rejects.toThrow('503')
    expect(announced).toEqual([])
    // The retry — by B here, by anyone in general — finds the claim free and announces.
    expect((await publishDuePosts('http://x', 0, 1, deps(b, due, announced))).pending).toBe(false)
    expect(announced).toEqual(['post-c'])
    await publishDuePosts('http://x', 0, 1, deps(a, due, announced))
    expect(announced).toEqual(['post-c'])
  })

  it('keep the window open while another instance is announcing, so the post is never passed by', async () => {
    const prefix = 'sched-busy:'
    const [a, b] = await Promise.all([instance(prefix), instance(prefix)])
    const announced: string[] = []
    const due = [post('post-d')]
    let finish!: () => void
    const slow = publishDuePosts('http://x', 0, 1, deps(a, due, announced, () => new Promise<void>((resolve) => (finish = resolve))))
    await sleep(50)
    // B sees A's claim in progress: it does not announce, and reports the window as pending.
    expect((await publishDuePosts('http://x', 0, 1, deps(b, due, announced))).pending).toBe(true)
    finish()
    await slow
    expect((await publishDuePosts('http://x', 0, 1, deps(b, due, announced))).pending).toBe(false)
    expect(announced).toEqual(['post-d'])
  })

  it('are announced by another instance when the claimant dies mid-announcement (its lock expires)', async () => {
    const prefix = 'sched-crash:'
    const [a, b] = await Promise.all([instance(prefix), instance(prefix)])
    const ran: string[] = []
    // A claims and never finishes (a crash: no release, no "done").
    void runOnce(a, 'scheduled:post-e', () => new Promise<void>(() => {}), {lockMs: 300, doneMs: 60_000})
    await sleep(50)
    expect(await runOnce(b, 'scheduled:post-e', async () => void ran.push('b'), {lockMs: 300, doneMs: 60_000})).toBe('busy')
    await sleep(400)
    expect(await runOnce(b, 'scheduled:post-e', async () => void ran.push('b'), {lockMs: 300, doneMs: 60_000})).toBe('ran')
    expect(ran).toEqual(['b'])
  })

  it('without Redis: one process announces each post once, and retries one that failed', async () => {
    const announced: string[] = []
    const due = [post('post-f')]
    let fail = true
    const flaky = async () => {
      if (fail) throw new Error('not ready')
    }
    await expect(publishDuePosts('http://x', 0, 1, deps(null, due, announced, flaky))).rejects.toThrow('not ready')
    fail = false
    await publishDuePosts('http://x', 0, 1, deps(null, due, announced, flaky))
    await publishDuePosts('http://x', 0, 1, deps(null, due, announced, flaky))
    expect(announced).toEqual(['post-f'])
  })
})
