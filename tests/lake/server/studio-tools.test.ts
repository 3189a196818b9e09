/**
 * Endpoints the Studio's own tools call beyond the data API: the datasets list (Vision), the
 * references of a document (the delete dialog) and the CORS probe of `@sanity/client`'s live API.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startTestLake, type TestLake} from './helpers'

let t: TestLake
beforeAll(async () => {
  t = await startTestLake({allowedOrigins: ['http://localhost:3999']})
})
afterAll(async () => {
  await t?.close()
})

const bearer = (token: string) => ({authorization: `Bearer ${token}`})

describe('datasets list', () => {
  it('answers client.datasets.list() on a project host and on /projects/{id}/datasets', async () => {
    await t.client({token: t.editorToken, dataset: 'staging'}).create({_type: 'note'})
    await t.client({token: t.editorToken, dataset: 'production-comments'}).create({_type: 'comment'})
    // Vision's call: `/datasets` when the client uses the project host name.
    const onHost = await (await fetch(t.api('/datasets'), {headers: bearer(t.viewerToken)})).json()
    expect(onHost.map((d: {name: string}) => d.name)).toEqual(expect.arrayContaining(['production', 'staging', 'production-comments']))
    expect(onHost.find((d: {name: string}) => d.name === 'production')).toMatchObject({aclMode: 'public', addonFor: null, datasetProfile: 'content'})
    const listed = await t.editor.datasets.list()
    expect(listed.map((d) => d.name)).toEqual(onHost.map((d: {name: string}) => d.name))
    expect((await fetch(t.api('/datasets'))).status).toBe(401)
  })

  it('filters by datasetProfile and addonFor, as the Studio looks up the comments dataset', async () => {
    const url = t.api('/projects/dispatch/datasets?datasetProfile=comments&addonFor=production')
    const comments = await (await fetch(url, {headers: bearer(t.editorToken)})).json()
    expect(comments).toEqual([expect.objectContaining({name: 'production-comments', addonFor: 'production', datasetProfile: 'comments'})])
    const none = await (await fetch(t.api('/datasets?datasetProfile=comments&addonFor=staging'), {headers: bearer(t.editorToken)})).json()
    expect(none).toEqual([])
  })
})

describe('references to a document', () => {
  const path = (id: string, query = '?excludeInternalReferences=true&excludePaths=true') => t.api(`/data/references/production/documents/${id}/to${query}`)

  it('lists cross-dataset references as the delete dialog asks, and internal ones on request', async () => {
    await t.editor.createOrReplace({_id: 'author-ref-1', _type: 'author', name: 'Ana'})
    await t.editor.createOrReplace({_id: 'post-ref-1', _type: 'post', author: {_type: 'reference', _ref: 'author-ref-1'}})
    await t.editor.createOrReplace({_id: 'drafts.post-ref-2', _type: 'post', authors: [{_key: 'a', _type: 'reference', _ref: 'author-ref-1'}]})
    const staging = t.client({token: t.editorToken, dataset: 'staging'})
    await staging.createOrReplace({_id: 'mirror-1', _type: 'mirror', source: {_type: 'crossDatasetReference', _ref: 'author-ref-1', _dataset: 'production', _projectId: 'dispatch'}})
    // Same id in another dataset, but a plain reference: it means a document of staging.
    await staging.createOrReplace({_id: 'local-1', _type: 'x', author: {_type: 'reference', _ref: 'author-ref-1'}})

    const cross = await t.editor.request({url: path('author-ref-1').replace(t.api(''), '')})
    expect(cross).toEqual({totalCount: 1, references: [{projectId: 'dispatch', datasetName: 'staging', documentId: 'mirror-1'}]})

    const all = await (await fetch(path('author-ref-1', ''), {headers: bearer(t.viewerToken)})).json()
    expect(all.totalCount).toBe(3)
    expect(all.references.map((ref: {documentId: string}) => ref.documentId).sort()).toEqual(['drafts.post-ref-2', 'mirror-1', 'post-ref-1'])

    const nothing = await (await fetch(path('nobody-refers-to-me'), {headers: bearer(t.viewerToken)})).json()
    expect(nothing).toEqual({totalCount: 0, references: []})
  })

  it('needs a token and rejects malformed input with a 4xx', async () => {
    expect((await fetch(path('author-ref-1'))).status).toBe(401)
    expect((await fetch(path('author-ref-1', '?excludeInternalReferences=maybe'), {headers: bearer(t.viewerToken)})).status).toBe(400)
    expect((await fetch(t.api('/data/references/Bad!/documents/x/to'), {headers: bearer(t.viewerToken)})).status).toBe(400)
  })
})

describe('/check/cors', () => {
  it('tells an allowed origin so, with credentials', async () => {
    const response = await fetch(t.api('/check/cors'), {headers: {origin: 'http://localhost:3999'}})
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3999')
    expect(await response.json()).toEqual({result: {allowed: true, withCredentials: true}})
  })

  it('answers a rejected origin readably, so the client can show its CORS help', async () => {
    const response = await fetch(t.api('/check/cors'), {headers: {origin: 'https://elsewhere.example'}})
    expect(response.status).toBe(200)
    // Readable by the rejected origin (without credentials), unlike every other endpoint.
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    expect(response.headers.get('access-control-allow-credentials')).toBeNull()
    expect(await response.json()).toEqual({result: {allowed: false, withCredentials: false}})
    // Other endpoints stay closed to that origin.
    const ping = await fetch(t.api('/ping'), {headers: {origin: 'https://elsewhere.example'}})
    expect(ping.headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('release limits', () => {
  it('answers the Releases tool’s limit check: no plan limits, the active releases counted', async () => {
    await t.editor.action({actionType: 'sanity.action.release.create', releaseId: 'rLimits', metadata: {releaseType: 'asap'}})
    const answer = await (await fetch(`${t.lake.httpUrl}/vX/projects/dispatch/new-content-release-allowed`, {headers: bearer(t.viewerToken)})).json()
    expect(answer).toEqual({data: {datasetReleaseLimit: Number.MAX_SAFE_INTEGER, orgActiveReleaseLimit: null, orgActiveReleaseCount: 1, orgMeteredActiveReleaseCount: 1}})
    // The Studio's guard (ReleasesUpsellProvider) blocks "Create release" when the dataset's active
    // releases are `>= datasetReleaseLimit`; with a null limit that is always true.
    const activeInDataset = 1
    expect(activeInDataset >= answer.data.datasetReleaseLimit).toBe(false)
    expect((await fetch(`${t.lake.httpUrl}/vX/projects/dispatch/new-content-release-allowed`)).status).toBe(401)
  })
})

describe('comments addon dataset', () => {
  const lookup = (dataset: string, token = t.editorToken) =>
    fetch(t.api(`/projects/dispatch/datasets?datasetProfile=comments&addonFor=${dataset}`), {headers: bearer(token)}).then((res) => res.json())
  const setup = (dataset: string, token?: string) => fetch(t.api(`/comments/${dataset}/setup`), {method: 'POST', headers: token ? bearer(token) : {}})

  it('offers exactly the features the lake backs: releases, scheduled drafts (releases of one document) and comments', async () => {
    expect(await (await fetch(t.api('/features'), {headers: bearer(t.viewerToken)})).json()).toEqual(['contentReleases', 'studioComments', 'singleDocRelease'])
  })

  it('creates <ds>-comments on setup, durably and once; the Studio then finds it by profile and addonFor', async () => {
    expect(await lookup('blog')).toEqual([])
    const first = await setup('blog', t.editorToken)
    expect(first.status).toBe(200)
    expect(await first.json()).toEqual({datasetName: 'blog-comments', addonFor: 'blog', datasetProfile: 'comments'})
    // Listed to every user (a viewer too) before any comment exists.
    expect(await lookup('blog', t.viewerToken)).toEqual([expect.objectContaining({name: 'blog-comments', addonFor: 'blog', datasetProfile: 'comments'})])
    const addon = t.client({token: t.editorToken, dataset: 'blog-comments'})
    const described = await addon.getDocument('_.addon')
    expect(described).toMatchObject({addonFor: 'blog', datasetProfile: 'comments'})
    expect((await setup('blog', t.editorToken)).status).toBe(200)
    expect((await addon.getDocument('_.addon'))?._rev).toBe(described?._rev)
    expect(await addon.fetch('count(*[_type == "comment"])')).toBe(0)
    expect(await lookup('blog')).toHaveLength(1)
  })

  it('refuses setup without write access, for an addon dataset and for bad names', async () => {
    expect((await setup('other')).status).toBe(401)
    expect((await setup('other', t.viewerToken)).status).toBe(403)
    expect((await setup('blog-comments', t.editorToken)).status).toBe(400)
    expect((await setup('a'.repeat(60), t.editorToken)).status).toBe(400)
    expect((await setup('Bad%20Name', t.editorToken)).status).toBe(400)
    expect(await lookup('other')).toEqual([])
  })

  it('keeps comments as the Studio writes, queries and listens to them in the addon dataset', async () => {
    await setup('production', t.editorToken)
    const comments = t.client({token: t.editorToken, dataset: 'production-comments'})
    const query = '*[_type == "comment" && target.document._ref == $documentId]'
    const params = {documentId: 'post-commented'}
    const received: {type: string; transition?: string; result?: {_id: string}}[] = []
    let welcomed: () => void = () => {}
    const ready = new Promise<void>((resolve) => (welcomed = resolve))
    const subscription = comments.listen(query, params, {events: ['welcome', 'mutation'], includeResult: true, visibility: 'query'} as never).subscribe((event) => {
      received.push(event as never)
      if ((event as {type: string}).type === 'welcome') welcomed()
    })
    await ready
    const comment = {
      _id: 'comment-1',
      _type: 'comment',
      status: 'open',
      threadId: 'thread-1',
      authorId: 'someone',
      message: [{_type: 'block', _key: 'b1', children: [{_type: 'span', _key: 's1', text: 'Check this date'}]}],
      target: {
        path: {field: 'title'},
        documentType: 'post',
        document: {_type: 'crossDatasetReference', _dataset: 'production', _projectId: 'dispatch', _ref: 'post-commented', _weak: true},
      },
    }
    await comments.create(comment)
    await expect.poll(() => received.find((event) => event.type === 'mutation')?.transition).toBe('appear')
    subscription.unsubscribe()
    expect(await comments.fetch(query, params)).toEqual([expect.objectContaining({_id: 'comment-1', status: 'open', threadId: 'thread-1'})])
    // The content dataset is untouched, and anonymous readers cannot read comments.
    expect(await t.editor.fetch('count(*[_type == "comment"])')).toBe(0)
    const anonymous = t.client({dataset: 'production-comments', perspective: 'published'})
    await expect(anonymous.fetch('count(*[_type == "comment"])')).rejects.toMatchObject({statusCode: 401})
    await expect(anonymous.getDocument('comment-1')).rejects.toMatchObject({statusCode: 401})
    for (const path of ['/data/listen/production-comments?query=*', '/data/export/production-comments', '/data/query/production%2Dcomments?query=*'])
      expect((await fetch(t.api(path))).status).toBe(401)
  })
})

describe('malformed percent-encoding', () => {
  it('answers 400 with a message, never a 500, wherever a route decodes a segment', async () => {
    for (const path of ['/data/query/%E0%A4%A', '/data/doc/production/%E0%A4%A', '/projects/%E0%A4%A/datasets', '/data/references/production/%zz/to']) {
      const response = await fetch(t.api(path), {headers: bearer(t.editorToken)})
      const body = await response.json()
      expect(response.status, path).toBeLessThan(500)
      expect(response.status, path).toBeGreaterThanOrEqual(400)
      expect(JSON.stringify(body), path).not.toMatch(/at .*\.ts:\d+/)
    }
    const response = await fetch(t.api('/data/doc/production/%E0%A4%A'), {headers: bearer(t.editorToken)})
    expect(response.status).toBe(400)
    expect((await response.json()).error.description).toMatch(/percent-encoding/)
  })
})
