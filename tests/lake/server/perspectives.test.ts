/**
 * Perspective defaults and release perspectives, through @sanity/client, as Sanity documents them
 * (changelog "Content Releases APIs and new perspective defaults", v2025-02-19): without a
 * `perspective`, queries read `raw` before API version 2025-02-19 and `published` from it on;
 * `versions.*` documents exist only from 2025-02-19 on; a stack `r1,drafts,published` reads each
 * document as if the later entries were published first.
 */
import {createClient, type ClientPerspective} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startTestLake, type TestLake} from './helpers'

let t: TestLake

function client(apiVersion: string, options: {perspective?: ClientPerspective; token?: string | null} = {}) {
  return createClient({
    projectId: 'dispatch',
    dataset: 'production',
    apiVersion,
    apiHost: t.lake.httpUrl,
    useProjectHostname: false,
    useCdn: false,
    token: options.token === null ? undefined : (options.token ?? t.viewerToken),
    ...(options.perspective ? {perspective: options.perspective} : {}),
  })
}

beforeAll(async () => {
  t = await startTestLake()
  await t.editor
    .transaction()
    .createOrReplace({_id: 'p1', _type: 'story', title: 'Published'})
    .createOrReplace({_id: 'drafts.p1', _type: 'story', title: 'Draft'})
    .createOrReplace({_id: 'versions.spring.p1', _type: 'story', title: 'Spring'})
    .createOrReplace({_id: 'versions.summer.p1', _type: 'story', title: 'Summer'})
    .createOrReplace({_id: 'versions.spring.p2', _type: 'story', title: 'Only in spring'})
    .commit()
})
afterAll(() => t?.close())

const titles = (c: ReturnType<typeof client>) => c.fetch<string[]>('*[_type == "story"] | order(title asc).title')

describe('default perspective per API version', () => {
  it('is published from v2025-02-19 on (a token does not turn drafts on)', async () => {
    expect(await titles(client('2025-02-19'))).toEqual(['Published'])
    expect(await titles(client('2026-01-01'))).toEqual(['Published'])
    expect(await titles(client('X'))).toEqual(['Published'])
  })

  it('is raw before v2025-02-19, and versions.* documents do not exist there', async () => {
    expect(await titles(client('2025-02-18'))).toEqual(['Draft', 'Published'])
    expect(await titles(client('2021-03-25'))).toEqual(['Draft', 'Published'])
    expect(await titles(client('1'))).toEqual(['Draft', 'Published'])
  })

  it('raw includes versions.* documents from v2025-02-19 on', async () => {
    expect(await titles(client('2025-02-19', {perspective: 'raw'}))).toEqual(['Draft', 'Only in spring', 'Published', 'Spring', 'Summer'])
  })

  it('drafts overlays drafts only, never release versions', async () => {
    expect(await titles(client('2025-02-19', {perspective: 'drafts'}))).toEqual(['Draft'])
  })
})

describe('release perspectives', () => {
  it('a stack prefers its first release, then the next, then published', async () => {
    const docs = await client('2025-02-19', {perspective: ['spring', 'drafts']}).fetch<{_id: string; _originalId: string; title: string}[]>(
      '*[_type == "story"] | order(_id){_id, _originalId, title}',
    )
    expect(docs).toEqual([
      {_id: 'p1', _originalId: 'versions.spring.p1', title: 'Spring'},
      {_id: 'p2', _originalId: 'versions.spring.p2', title: 'Only in spring'},
    ])
    expect(await titles(client('2025-02-19', {perspective: ['summer', 'spring']}))).toEqual(['Only in spring', 'Summer'])
    expect(await titles(client('2025-02-19', {perspective: ['drafts', 'summer']}))).toEqual(['Draft'])
  })

  it('works on the query string as the client sends it (perspective=summer,drafts,published)', async () => {
    const res = await fetch(t.api(`/data/query/production?query=${encodeURIComponent('*[_id == "p1"][0].title')}&perspective=summer,drafts,published`), {
      headers: {authorization: `Bearer ${t.viewerToken}`},
    })
    expect((await res.json()).result).toBe('Summer')
  })

  it('anonymous callers never see drafts or versions, whatever the stack', async () => {
    expect(await titles(client('2025-02-19', {perspective: ['spring', 'drafts'], token: null}))).toEqual(['Published'])
    expect(await titles(client('2025-02-19', {perspective: 'raw', token: null}))).toEqual(['Published'])
  })

  it('rejects bad perspectives with a 400', async () => {
    const bad = async (apiVersion: string, value: string) =>
      (await fetch(`${t.lake.httpUrl}/v${apiVersion}/data/query/production?query=1&perspective=${encodeURIComponent(value)}`)).status
    expect(await bad('2025-02-19', 'raw,drafts')).toBe(400)
    expect(await bad('2025-02-19', 'spring,previewDrafts')).toBe(400)
    expect(await bad('2025-02-19', 'no spaces')).toBe(400)
    expect(await bad('2024-01-01', 'spring,drafts')).toBe(400)
  })
})
