/**
 * #16.2: pingbacks have private ids, so moderating one (the Studio form, the API, a script) fired
 * no webhook. A webhook target may opt into private documents of chosen types, as a hosted Sanity
 * webhook with a `_type == "pingback"` filter does; drafts and release versions stay unannounced.
 */
import {describe, expect, it} from 'vitest'
import {webhookPayloads} from '@/lib/lake/webhooks/dispatcher'
import type {SanityDocument, Transaction} from '@/lib/lake/engine/types'

const doc = (id: string, type: string, extra: Record<string, unknown> = {}) =>
  ({_id: id, _type: type, _rev: 'r', _createdAt: '', _updatedAt: '', ...extra}) as SanityDocument

const tx = (changes: Transaction['changes']): Transaction => ({
  id: 'tx1',
  dataset: 'production',
  timestamp: '2026-01-01T00:00:00.000Z',
  author: 'editor',
  mutations: [],
  changes,
})

const moderated = tx([
  {id: 'pingback.abc', before: doc('pingback.abc', 'pingback', {status: 'approved'}), after: doc('pingback.abc', 'pingback', {status: 'pending'})},
  {id: 'contact.xyz', before: null, after: doc('contact.xyz', 'contactMessage')},
  {id: 'drafts.post-1', before: null, after: doc('drafts.post-1', 'post')},
  {id: 'versions.r1.post-1', before: null, after: doc('versions.r1.post-1', 'post')},
  {id: 'post-1', before: null, after: doc('post-1', 'post', {slug: {current: 'one'}})},
])

describe('webhook payloads', () => {
  it('announce only public documents by default', () => {
    expect(webhookPayloads(moderated).map((p) => p._id)).toEqual(['post-1'])
  })

  it('also announce private documents of the types a target opts into', () => {
    const payloads = webhookPayloads(moderated, ['pingback'])
    expect(payloads.map((p) => [p._id, p._type, p.operation])).toEqual([
      ['pingback.abc', 'pingback', 'update'],
      ['post-1', 'post', 'create'],
    ])
  })
})
