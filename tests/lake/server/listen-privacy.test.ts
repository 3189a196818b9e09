/** Which mutations a listener event carries, by what the listener may read (#18, finding 6). */
import {describe, expect, it} from 'vitest'
import {mutationsFor} from '@/lib/lake/listen/events'

const byId = {patch: {id: 'post-1', set: {title: 'x'}}}
const other = {patch: {id: 'post-2', set: {title: 'y'}}}
const byQuery = {patch: {query: '*[_type == "contactMessage"]', set: {note: 'secret'}}}
const createWithoutId = {create: {_type: 'contactMessage', name: 'n'}}
const created = {createOrReplace: {_id: 'post-1', _type: 'post'}}

describe('mutationsFor', () => {
  it('anonymous listeners get only the mutations that name the document', () => {
    expect(mutationsFor([byId, other, byQuery, createWithoutId, created] as never, 'post-1', 'public')).toEqual([byId, created])
  })

  it('token holders also get mutations without an id', () => {
    expect(mutationsFor([byId, other, byQuery, createWithoutId] as never, 'post-1', 'all')).toEqual([byId, byQuery, createWithoutId])
  })
})
