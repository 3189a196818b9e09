/**
 * Content Releases as the Studio's Releases tool drives them: create, add versions, edit, schedule,
 * publish together (by hand and by the lake's scheduler), archive and unarchive, delete.
 */
import {describe, expect, it} from 'vitest'
import {ReleaseScheduler} from '@/lib/lake/releases'
import {author, DS, lakeError, testEngine} from './helpers'

const R = 'sanity.action.release.'
const V = 'sanity.action.document.version.'

async function releaseWithTwoVersions() {
  const engine = testEngine()
  const act = (...actions: Record<string, unknown>[]) => engine.act(DS, actions as never, author)
  await engine.mutate(DS, [{create: {_id: 'post-a', _type: 'post', title: 'A live'}}, {create: {_id: 'post-gone', _type: 'post', title: 'to be removed'}}], author)
  await act({actionType: `${R}create`, releaseId: 'rSpring', metadata: {title: 'Spring issue', releaseType: 'asap'}})
  await act(
    {actionType: `${V}create`, publishedId: 'post-a', baseId: 'post-a', versionId: 'versions.rSpring.post-a'},
    {actionType: `${V}create`, publishedId: 'post-b', document: {_id: 'versions.rSpring.post-b', _type: 'post', title: 'B new'}},
    {actionType: `${V}create`, publishedId: 'post-gone', baseId: 'post-gone', versionId: 'versions.rSpring.post-gone'},
  )
  await engine.mutate(DS, [{patch: {id: 'versions.rSpring.post-a', set: {title: 'A in spring'}}}], author)
  await act({actionType: `${V}unpublish`, publishedId: 'post-gone', versionId: 'versions.rSpring.post-gone'})
  return {engine, act}
}

const get = (engine: ReturnType<typeof testEngine>, id: string) => engine.getDocuments(DS, [id])[0]

describe('content releases', () => {
  it('creates the release document the Releases tool lists', async () => {
    const {engine} = await releaseWithTwoVersions()
    expect(get(engine, '_.releases.rSpring')).toMatchObject({
      _type: 'system.release',
      name: 'rSpring',
      state: 'active',
      metadata: {title: 'Spring issue', releaseType: 'asap'},
    })
    const {result} = await engine.query(DS, '*[_type=="system.release" && _id in path("_.releases.*")]{_id, state}', {}, {perspective: 'raw'})
    expect(result).toEqual([{_id: '_.releases.rSpring', state: 'active'}])
  })

  it('publishes all versions in one transaction: updates, creations and unpublishes', async () => {
    const {engine, act} = await releaseWithTwoVersions()
    await act({actionType: `${R}edit`, releaseId: 'rSpring', patch: {set: {'metadata.description': 'All at once'}}})
    const {transactionId} = await act({actionType: `${R}publish`, releaseId: 'rSpring'})
    expect(get(engine, 'post-a')).toMatchObject({title: 'A in spring', _rev: transactionId})
    expect(get(engine, 'post-b')).toMatchObject({title: 'B new'})
    expect(get(engine, 'post-b')).not.toHaveProperty('_system')
    expect(get(engine, 'post-gone')).toBeNull()
    expect(get(engine, 'versions.rSpring.post-a')).toBeNull()
    const release = get(engine, '_.releases.rSpring')!
    expect(release).toMatchObject({state: 'published', publishedAt: expect.any(String), metadata: {description: 'All at once'}})
    expect((release.finalDocumentStates as {id: string}[]).map((s) => s.id).sort()).toEqual(['versions.rSpring.post-a', 'versions.rSpring.post-b', 'versions.rSpring.post-gone'])
    // One transaction for everything.
    expect(engine.history(DS, ['post-a', 'post-b', 'post-gone']).at(-1)!.id).toBe(transactionId)
    // A published release can only be deleted.
    expect((await lakeError(() => act({actionType: `${R}publish`, releaseId: 'rSpring'}))).status).toBe(409)
    await act({actionType: `${R}delete`, releaseId: 'rSpring'})
    expect(get(engine, '_.releases.rSpring')).toBeNull()
  })

  it('schedules, refuses early publishing, unschedules, and validates input with 4xx', async () => {
    const {engine, act} = await releaseWithTwoVersions()
    const publishAt = new Date(Date.now() + 3_600_000).toISOString()
    await act({actionType: `${R}schedule`, releaseId: 'rSpring', publishAt})
    const early = await lakeError(() => act({actionType: `${R}publish`, releaseId: 'rSpring'}))
    expect(early.status).toBe(409)
    expect((await lakeError(() => act({actionType: `${R}edit`, releaseId: 'rSpring', patch: {set: {'metadata.title': 'x'}}}))).status).toBe(409)
    await act({actionType: `${R}unschedule`, releaseId: 'rSpring'})
    expect((await lakeError(() => act({actionType: `${R}schedule`, releaseId: 'rSpring', publishAt: '2001-01-01T00:00:00Z'}))).status).toBe(400)
    expect((await lakeError(() => act({actionType: `${R}schedule`, releaseId: 'rSpring', publishAt: 'soon'}))).status).toBe(400)
    expect((await lakeError(() => act({actionType: `${R}schedule`, releaseId: 'rSpring', publishAt: new Date(Date.now() - 90_000).toISOString()}))).status).toBe(400)
    // The Studio's permission probe: a dry run at the browser's "now", already past when it arrives.
    await engine.act(DS, [{actionType: `${R}schedule`, releaseId: 'rSpring', publishAt: new Date(Date.now() - 2_000).toISOString()}], {author: 'x', dryRun: true})
    expect(get(engine, '_.releases.rSpring')).toMatchObject({state: 'active'})
    expect((await lakeError(() => act({actionType: `${R}create`, releaseId: 'rSpring'}))).status).toBe(409)
    expect((await lakeError(() => act({actionType: `${R}create`, releaseId: 'bad id!'}))).status).toBe(400)
    expect((await lakeError(() => act({actionType: `${R}archive`, releaseId: 'nope'}))).status).toBe(409)
    expect((await lakeError(() => act({actionType: `${R}delete`, releaseId: 'rSpring'}))).status).toBe(409)
  })

  it('archives (removing the versions) and unarchives (restoring them from history)', async () => {
    const {engine, act} = await releaseWithTwoVersions()
    await act({actionType: `${R}archive`, releaseId: 'rSpring'})
    expect(get(engine, 'versions.rSpring.post-a')).toBeNull()
    expect(get(engine, '_.releases.rSpring')).toMatchObject({state: 'archived'})
    await act({actionType: `${R}unarchive`, releaseId: 'rSpring'})
    expect(get(engine, 'versions.rSpring.post-a')).toMatchObject({title: 'A in spring'})
    expect(get(engine, 'versions.rSpring.post-gone')).toMatchObject({_system: {delete: true}})
    expect(get(engine, '_.releases.rSpring')).toMatchObject({state: 'active'})
    expect(get(engine, '_.releases.rSpring')).not.toHaveProperty('finalDocumentStates')
  })

  it('the lake publishes a scheduled release at its time, and on start when it came due while down', async () => {
    const {engine, act} = await releaseWithTwoVersions()
    const lines: string[] = []
    const scheduler = new ReleaseScheduler(engine, {log: (line) => lines.push(line)})
    try {
      await act({actionType: `${R}schedule`, releaseId: 'rSpring', publishAt: new Date(Date.now() + 400).toISOString()})
      expect(get(engine, 'post-a')!.title).toBe('A live')
      await expect.poll(() => get(engine, 'post-a')!.title, {timeout: 5000, interval: 50}).toBe('A in spring')
      expect(get(engine, '_.releases.rSpring')).toMatchObject({state: 'published'})
      expect(lines.join('\n')).toContain('published scheduled release "rSpring"')
    } finally {
      scheduler.close()
    }

    await act({actionType: `${R}create`, releaseId: 'rLate'})
    await act({actionType: `${V}create`, publishedId: 'post-late', document: {_id: 'versions.rLate.post-late', _type: 'post', title: 'late'}})
    await act({actionType: `${R}schedule`, releaseId: 'rLate', publishAt: new Date(Date.now() + 200).toISOString()})
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(get(engine, 'post-late')).toBeNull() // no scheduler running: the lake was "down"
    const restarted = new ReleaseScheduler(engine, {log: () => {}})
    try {
      await restarted.idle()
      expect(get(engine, 'post-late')).toMatchObject({title: 'late'})
    } finally {
      restarted.close()
    }
  })
})
