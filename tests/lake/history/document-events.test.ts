import {describe, expect, it} from 'vitest'
import {documentEvents} from '@/lib/lake/history/document-events'
import {author, DS, testEngine} from '../engine/helpers'

const A = 'sanity.action.document.'
const draft = {publishedId: 'post-1', draftId: 'drafts.post-1'}

/** A post's life as the Studio lives it, one transaction id per step. */
async function life() {
  const engine = testEngine()
  const act = (transactionId: string, actions: Record<string, unknown>[]) =>
    engine.act(DS, actions.map((a) => ({actionType: '', ...a})) as never, {...author, transactionId})
  await act('tx-create', [{actionType: `${A}create`, publishedId: 'post-1', attributes: {_id: 'drafts.post-1', _type: 'post', title: 'One'}}])
  await act('tx-edit', [{actionType: `${A}edit`, ...draft, patch: {set: {title: 'One, edited'}}}])
  await act('tx-publish', [{actionType: `${A}publish`, ...draft}])
  await act('tx-edit-2', [{actionType: `${A}edit`, ...draft, patch: {set: {title: 'Two'}}}])
  await act('tx-discard', [{actionType: `${A}discard`, draftId: 'drafts.post-1'}])
  await act('tx-unpublish', [{actionType: `${A}unpublish`, ...draft}])
  await act('tx-publish-2', [{actionType: `${A}publish`, ...draft}])
  await act('tx-delete', [{actionType: `${A}delete`, publishedId: 'post-1', includeDrafts: []}])
  return engine
}

describe('document events feed', () => {
  it('turns the transactions of a document group into the Studio’s events, newest first', async () => {
    const engine = await life()
    const entries = engine.history(DS, ['post-1', 'drafts.post-1'], {excludeMutations: true})
    const events = documentEvents(entries, 'drafts.post-1', 100)
    expect(events.map((e) => [e.type, e.id])).toEqual([
      ['deleteDocumentGroup', 'tx-delete'],
      ['publishDocumentVersion', 'tx-publish-2'],
      ['unpublishDocument', 'tx-unpublish'],
      ['deleteDocumentVersion', 'tx-discard'],
      ['createDocumentVersion', 'tx-edit-2'],
      ['publishDocumentVersion', 'tx-publish'],
      ['createDocumentVersion', 'tx-create'],
    ])
    // A publish names the draft revision it published: the Studio fetches the edits from there.
    const firstPublish = events.find((e) => e.id === 'tx-publish')!
    expect(firstPublish).toMatchObject({documentId: 'post-1', revisionId: 'tx-publish', versionId: 'drafts.post-1', versionRevisionId: 'tx-edit'})
    expect(events.every((e) => e.documentId === 'post-1' && e.author === 'test-user')).toBe(true)
  })

  it('bounds the answer by limit, keeping the newest', async () => {
    const engine = await life()
    const events = documentEvents(engine.history(DS, ['post-1', 'drafts.post-1'], {}), 'post-1', 2)
    expect(events.map((e) => e.id)).toEqual(['tx-delete', 'tx-publish-2'])
  })

  it('reports documents created or patched directly as published', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'post-2', _type: 'post', title: 'API'}}], {...author, transactionId: 'tx-api-create'})
    await engine.mutate(DS, [{patch: {id: 'post-2', set: {title: 'API 2'}}}], {...author, transactionId: 'tx-api-patch'})
    const events = documentEvents(engine.history(DS, ['post-2', 'drafts.post-2'], {}), 'post-2', 10)
    expect(events.map((e) => [e.type, e.id])).toEqual([
      ['updateLiveDocument', 'tx-api-patch'],
      ['publishDocumentVersion', 'tx-api-create'],
    ])
  })
})
