/**
 * What the Releases tool's release page reads, as Studio 5.31 asks for it:
 * - its activity panel: the release document's transactions (`/data/history/{ds}/transactions/
 *   _.releases.<id>?effectFormat=mendoza&reverse=true&toTransaction=<its _rev>`), newest first,
 *   whose first id is the release's `_rev` and whose `revert` effects, applied one after the other
 *   from the current document, give each earlier state (the Studio derives "created", "set release
 *   time", "published", "archived" from those states);
 * - a published release's documents: `/data/history/{ds}/documents/{ids}?lastRevision=true` with
 *   the ids of its `finalDocumentStates`, which the publish deleted.
 */
import {applyPatch} from 'mendoza'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startTestLake, type TestLake} from './helpers'

let t: TestLake
beforeAll(async () => {
  t = await startTestLake()
})
afterAll(() => t?.close())

const get = async (pathname: string, token?: string) => {
  const response = await fetch(t.api(pathname), {headers: token ? {authorization: `Bearer ${token}`} : {}})
  return {status: response.status, text: await response.text()}
}

/** Without `_rev`, as the Studio applies mendoza patches. */
function withoutRev(doc: Record<string, unknown> | null) {
  if (!doc) return null
  const {_rev, ...rest} = doc
  void _rev
  return rest
}

describe('a release page in the Studio', () => {
  it('its activity: the release document’s transactions, newest first, revertible step by step', async () => {
    const releaseId = 'rActivity1'
    const act = (action: Record<string, unknown>) => t.editor.action(action as never)
    await act({actionType: 'sanity.action.release.create', releaseId, metadata: {title: 'Spring', releaseType: 'asap'}})
    await act({actionType: 'sanity.action.release.edit', releaseId, patch: {set: {'metadata.releaseType': 'scheduled', 'metadata.intendedPublishAt': '2030-01-01T10:00:00.000Z'}}})
    await t.editor.createVersion({releaseId, publishedId: 'act-post', document: {_type: 'post', title: 'In the release'}} as never)
    await act({actionType: 'sanity.action.release.schedule', releaseId, publishAt: '2030-01-01T10:00:00.000Z'})
    await act({actionType: 'sanity.action.release.unschedule', releaseId})
    await act({actionType: 'sanity.action.release.publish', releaseId})
    const release = (await t.editor.getDocument(`_.releases.${releaseId}`)) as Record<string, unknown> & {_rev: string}
    expect(release.state).toBe('published')

    const {status, text} = await get(
      `/data/history/production/transactions/_.releases.${releaseId}?excludeContent=true&limit=100&includeIdentifiedDocumentsOnly=true&effectFormat=mendoza&reverse=true&toTransaction=${release._rev}`,
      t.viewerToken,
    )
    expect(status).toBe(200)
    const transactions = text.trim().split('\n').map((line) => JSON.parse(line))
    expect(transactions[0].id).toBe(release._rev)
    // Walk back from the current document as buildReleaseEditEvents does.
    let current: Record<string, unknown> | null = withoutRev(release)
    const states: unknown[] = []
    for (const transaction of transactions) {
      expect(transaction.documentIDs).toEqual([`_.releases.${releaseId}`])
      const effect = transaction.effects[`_.releases.${releaseId}`]
      states.push((current as {state?: string} | null)?.state)
      current = applyPatch(current, effect.revert) as Record<string, unknown> | null
    }
    expect(current).toBeNull()
    expect(states).toEqual(['published', 'active', 'scheduled', 'active', 'active'])
    // Without includeIdentifiedDocumentsOnly, the publish lists every document it touched.
    const all = (await get(`/data/history/production/transactions/_.releases.${releaseId}?reverse=true&limit=1`, t.viewerToken)).text
    expect(JSON.parse(all).documentIDs.sort()).toEqual([`_.releases.${releaseId}`, 'act-post', `versions.${releaseId}.act-post`])
    // And forward again with `apply`, from nothing to the published release.
    let forward: unknown = null
    for (const transaction of [...transactions].reverse()) forward = applyPatch(forward, transaction.effects[`_.releases.${releaseId}`].apply)
    expect(forward).toEqual(withoutRev(release))

    // A published release's documents, as they were before the publish deleted the versions.
    const finalStates = release.finalDocumentStates as {id: string}[]
    expect(finalStates.map((state) => state.id)).toEqual([`versions.${releaseId}.act-post`])
    expect(await t.editor.getDocument(`versions.${releaseId}.act-post`)).toBeUndefined()
    const documents = await get(`/data/history/production/documents/${finalStates.map((state) => state.id).join(',')}?lastRevision=true`, t.viewerToken)
    expect(documents.status).toBe(200)
    expect(JSON.parse(documents.text).documents).toMatchObject([{_id: `versions.${releaseId}.act-post`, title: 'In the release'}])
    // Without lastRevision, a deleted document is not there; without a token, nothing is.
    expect(JSON.parse((await get(`/data/history/production/documents/versions.${releaseId}.act-post`, t.viewerToken)).text).documents).toEqual([])
    expect((await get(`/data/history/production/documents/versions.${releaseId}.act-post?lastRevision=true`)).status).toBe(401)
  })
})

describe('the History tab of a document', () => {
  it('reads the draft at each event’s revision: the published draft at a publish, the published document where no draft existed', async () => {
    const created = await t.editor.createOrReplace({_id: 'hist-walk', _type: 'post', title: 'Created as published'})
    await t.editor.createOrReplace({_id: 'drafts.hist-walk', _type: 'post', title: 'Edited in a draft'})
    const {transactionId: publishTx} = await t.editor.action({actionType: 'sanity.action.document.publish', draftId: 'drafts.hist-walk', publishedId: 'hist-walk'} as never)
    const at = async (id: string, revision: string) =>
      JSON.parse((await get(`/data/history/production/documents/${id}?revision=${revision}`, t.viewerToken)).text).documents as {_id: string; title: string}[]
    // The publish deleted the draft: the draft as it was published.
    expect(await at('drafts.hist-walk', publishTx)).toMatchObject([{_id: 'drafts.hist-walk', title: 'Edited in a draft'}])
    // No draft before the first transaction: the published document it created.
    expect(await at('drafts.hist-walk', created._rev)).toMatchObject([{_id: 'hist-walk', title: 'Created as published'}])
    // Written versions are unchanged; an unknown revision is nothing.
    expect(await at('hist-walk', publishTx)).toMatchObject([{_id: 'hist-walk', title: 'Edited in a draft'}])
    expect(await at('drafts.hist-walk', 'no-such-revision')).toEqual([])
  })
})
