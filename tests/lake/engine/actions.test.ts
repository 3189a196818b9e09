import {describe, expect, it} from 'vitest'
import {author, DS, lakeError, testEngine} from './helpers'

const A = 'sanity.action.document.'

describe('actions', () => {
  it('create makes a draft; ifExists fail → 409, ignore → no-op', async () => {
    const engine = testEngine()
    const {transactionId} = await engine.act(
      DS,
      [{actionType: `${A}create`, publishedId: 'post-1', attributes: {_id: 'drafts.post-1', _type: 'post', title: 'T'}, ifExists: 'fail'}],
      {...author, transactionId: 'studio-tx-1'},
    )
    expect(transactionId).toBe('studio-tx-1')
    expect(engine.getDocuments(DS, ['drafts.post-1'])[0]).toMatchObject({title: 'T', _rev: 'studio-tx-1'})
    const error = await lakeError(() =>
      engine.act(DS, [{actionType: `${A}create`, publishedId: 'post-1', attributes: {_id: 'drafts.post-1', _type: 'post'}, ifExists: 'fail'}], author),
    )
    expect(error.status).toBe(409)
    await engine.act(DS, [{actionType: `${A}create`, publishedId: 'post-1', attributes: {_id: 'drafts.post-1', _type: 'post', title: 'X'}, ifExists: 'ignore'}], author)
    expect(engine.getDocuments(DS, ['drafts.post-1'])[0]!.title).toBe('T')
  })

  it('edit patches the draft (the Studio\'s pattern with _empty_action_guard_pseudo_field_) and the new _rev is the transactionId', async () => {
    const engine = testEngine()
    await engine.act(DS, [{actionType: `${A}create`, publishedId: 'post-1', attributes: {_id: 'drafts.post-1', _type: 'post', title: 'Hello world'}}], author)
    await engine.act(
      DS,
      [
        {
          actionType: `${A}edit`,
          draftId: 'drafts.post-1',
          publishedId: 'post-1',
          patch: {unset: ['_empty_action_guard_pseudo_field_']},
        },
        {
          actionType: `${A}edit`,
          draftId: 'drafts.post-1',
          publishedId: 'post-1',
          patch: {diffMatchPatch: {title: '@@ -1,11 +1,11 @@\n Hello \n-world\n+there\n'}, set: {excerpt: 'E'}},
        },
      ],
      {...author, transactionId: 'edit-tx'},
    )
    expect(engine.getDocuments(DS, ['drafts.post-1'])[0]).toMatchObject({title: 'Hello there', excerpt: 'E', _rev: 'edit-tx'})
  })

  it('edit of a published-only document copies it into a draft first, leaving the published one alone', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'post-1', _type: 'post', title: 'Live', _createdAt: '2020-01-01T00:00:00.000Z'}}], {...author, transactionId: 'pub-rev'})
    await engine.act(DS, [{actionType: `${A}edit`, draftId: 'drafts.post-1', publishedId: 'post-1', patch: {set: {title: 'Editing'}}}], {...author, transactionId: 'e1'})
    const [draft, published] = engine.getDocuments(DS, ['drafts.post-1', 'post-1'])
    expect(draft).toMatchObject({_id: 'drafts.post-1', title: 'Editing', _rev: 'e1', _createdAt: '2020-01-01T00:00:00.000Z'})
    expect(published).toMatchObject({title: 'Live', _rev: 'pub-rev'})
  })

  it('edit of a document that exists nowhere is a 409', async () => {
    const engine = testEngine()
    const error = await lakeError(() => engine.act(DS, [{actionType: `${A}edit`, draftId: 'drafts.x', publishedId: 'x', patch: {set: {a: 1}}}], author))
    expect(error.status).toBe(409)
  })

  it('publish replaces the published document with the draft, keeps its _createdAt and removes the draft', async () => {
    const engine = testEngine()
    await engine.mutate(
      DS,
      [
        {create: {_id: 'post-1', _type: 'post', title: 'Old', _createdAt: '2020-01-01T00:00:00.000Z'}},
        {create: {_id: 'drafts.post-1', _type: 'post', title: 'New'}},
      ],
      {...author, transactionId: 'r1'},
    )
    await engine.act(
      DS,
      [{actionType: `${A}publish`, draftId: 'drafts.post-1', publishedId: 'post-1', ifDraftRevisionId: 'r1', ifPublishedRevisionId: 'r1'}],
      {...author, transactionId: 'pub'},
    )
    const [draft, published] = engine.getDocuments(DS, ['drafts.post-1', 'post-1'])
    expect(draft).toBeNull()
    expect(published).toMatchObject({_id: 'post-1', title: 'New', _rev: 'pub', _createdAt: '2020-01-01T00:00:00.000Z'})
  })

  it('publish with a stale revision is a 409 and changes nothing', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'drafts.post-1', _type: 'post', title: 'New'}}], {...author, transactionId: 'r1'})
    const error = await lakeError(() =>
      engine.act(DS, [{actionType: `${A}publish`, draftId: 'drafts.post-1', publishedId: 'post-1', ifDraftRevisionId: 'old'}], author),
    )
    expect(error.status).toBe(409)
    expect(error.body.error.description).toBe('Document "drafts.post-1" has unexpected revision ID ("r1"), expected "old"')
    const missingPublished = await lakeError(() =>
      engine.act(DS, [{actionType: `${A}publish`, draftId: 'drafts.post-1', publishedId: 'post-1', ifPublishedRevisionId: 'r0'}], author),
    )
    expect(missingPublished.status).toBe(409)
    expect(engine.getDocuments(DS, ['drafts.post-1', 'post-1']).map((d) => d?._id ?? null)).toEqual(['drafts.post-1', null])
    const noDraft = await lakeError(() => engine.act(DS, [{actionType: `${A}publish`, draftId: 'drafts.other', publishedId: 'other'}], author))
    expect(noDraft.status).toBe(409)
  })

  it('unpublish moves the published document back to a draft', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'post-1', _type: 'post', title: 'Live'}}], author)
    await engine.act(DS, [{actionType: `${A}unpublish`, draftId: 'drafts.post-1', publishedId: 'post-1'}], {...author, transactionId: 'u'})
    const [draft, published] = engine.getDocuments(DS, ['drafts.post-1', 'post-1'])
    expect(published).toBeNull()
    expect(draft).toMatchObject({title: 'Live', _rev: 'u'})
    const again = await lakeError(() => engine.act(DS, [{actionType: `${A}unpublish`, draftId: 'drafts.post-1', publishedId: 'post-1'}], author))
    expect(again.status).toBe(409)
  })

  it('unpublish keeps an existing draft as it is', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'post-1', _type: 'post', title: 'Live'}}, {create: {_id: 'drafts.post-1', _type: 'post', title: 'Work'}}], author)
    await engine.act(DS, [{actionType: `${A}unpublish`, draftId: 'drafts.post-1', publishedId: 'post-1'}], author)
    expect(engine.getDocuments(DS, ['drafts.post-1', 'post-1']).map((d) => d?.title ?? null)).toEqual(['Work', null])
  })

  it('discard deletes the draft only', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'post-1', _type: 'post'}}, {create: {_id: 'drafts.post-1', _type: 'post'}}], author)
    await engine.act(DS, [{actionType: `${A}discard`, draftId: 'drafts.post-1'}], author)
    expect(engine.getDocuments(DS, ['drafts.post-1', 'post-1']).map((d) => d?._id ?? null)).toEqual([null, 'post-1'])
    const error = await lakeError(() => engine.act(DS, [{actionType: `${A}discard`, draftId: 'drafts.post-1'}], author))
    expect(error.status).toBe(409)
  })

  it('delete removes the published document and the listed drafts', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'post-1', _type: 'post'}}, {create: {_id: 'drafts.post-1', _type: 'post'}}], author)
    await engine.act(DS, [{actionType: `${A}delete`, publishedId: 'post-1', includeDrafts: ['drafts.post-1']}], author)
    expect(engine.getDocuments(DS, ['drafts.post-1', 'post-1'])).toEqual([null, null])
    const gone = await lakeError(() => engine.act(DS, [{actionType: `${A}delete`, publishedId: 'post-1'}], author))
    expect(gone.status).toBe(409)
    const foreign = await lakeError(() => engine.act(DS, [{actionType: `${A}delete`, publishedId: 'post-1', includeDrafts: ['drafts.other']}], author))
    expect(foreign.status).toBe(400)
  })

  it('replaceDraft replaces the whole draft', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'drafts.post-1', _type: 'post', title: 'A', extra: 1}}], author)
    await engine.act(DS, [{actionType: `${A}replaceDraft`, publishedId: 'post-1', attributes: {_id: 'drafts.post-1', _type: 'post', title: 'B'}}], author)
    const [draft] = engine.getDocuments(DS, ['drafts.post-1'])
    expect(draft).toMatchObject({title: 'B'})
    expect(draft).not.toHaveProperty('extra')
    const wrong = await lakeError(() =>
      engine.act(DS, [{actionType: `${A}replaceDraft`, publishedId: 'post-1', attributes: {_id: 'drafts.other', _type: 'post'}}], author),
    )
    expect(wrong.status).toBe(400)
  })

  it('release versions: create, replace, discard', async () => {
    const engine = testEngine()
    await engine.act(DS, [{actionType: `${A}version.create`, publishedId: 'post-1', document: {_id: 'versions.r1.post-1', _type: 'post', title: 'V1'}}], author)
    await engine.act(DS, [{actionType: `${A}version.replace`, document: {_id: 'versions.r1.post-1', _type: 'post', title: 'V2'}}], author)
    expect(engine.getDocuments(DS, ['versions.r1.post-1'])[0]!.title).toBe('V2')
    await engine.act(DS, [{actionType: `${A}version.discard`, versionId: 'versions.r1.post-1'}], author)
    expect(engine.getDocuments(DS, ['versions.r1.post-1'])).toEqual([null])
  })

  it('release versions: create as a copy of another document, and mark for unpublishing', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'post-1', _type: 'post', title: 'Live'}}], {...author, transactionId: 'base'})
    const stale = await lakeError(() =>
      engine.act(DS, [{actionType: `${A}version.create`, baseId: 'post-1', ifBaseRevisionId: 'old', publishedId: 'post-1', versionId: 'versions.r2.post-1'}], author),
    )
    expect(stale.status).toBe(409)
    await engine.act(DS, [{actionType: `${A}version.create`, baseId: 'post-1', ifBaseRevisionId: 'base', publishedId: 'post-1', versionId: 'versions.r2.post-1'}], author)
    expect(engine.getDocuments(DS, ['versions.r2.post-1'])[0]).toMatchObject({_id: 'versions.r2.post-1', title: 'Live'})
    await engine.act(DS, [{actionType: `${A}version.unpublish`, versionId: 'versions.r2.post-1', publishedId: 'post-1'}], author)
    expect(engine.getDocuments(DS, ['versions.r2.post-1'])[0]).toMatchObject({_system: {delete: true}})
  })

  it('several actions commit as one transaction: all or nothing', async () => {
    const engine = testEngine()
    const transactions: string[] = []
    engine.subscribe((tx) => transactions.push(tx.id))
    await engine.act(
      DS,
      [
        {actionType: `${A}create`, publishedId: 'a', attributes: {_id: 'drafts.a', _type: 'post'}},
        {actionType: `${A}publish`, draftId: 'drafts.a', publishedId: 'a'},
      ],
      {...author, transactionId: 'both'},
    )
    expect(transactions).toEqual(['both'])
    expect(engine.getDocuments(DS, ['a'])[0]!._rev).toBe('both')
    const error = await lakeError(() =>
      engine.act(
        DS,
        [
          {actionType: `${A}create`, publishedId: 'b', attributes: {_id: 'drafts.b', _type: 'post'}},
          {actionType: `${A}discard`, draftId: 'drafts.nothing'},
        ],
        author,
      ),
    )
    expect(error.status).toBe(409)
    expect(error.body.error.items).toEqual([expect.objectContaining({index: 1})])
    expect(engine.getDocuments(DS, ['drafts.b'])).toEqual([null])
  })

  it('unknown or malformed actions are 400s', async () => {
    const engine = testEngine()
    for (const actions of [[{actionType: 'sanity.action.document.teleport'}], [{}], [], [{actionType: `${A}edit`, draftId: 'bad id', patch: {}}]]) {
      const error = await lakeError(() => engine.act(DS, actions as never, author))
      expect(error.status, JSON.stringify(actions)).toBe(400)
    }
  })
})
