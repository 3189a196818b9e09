/**
 * Three places where the engine once disagreed with GROQ's semantics (issue #12): each test would
 * fail on the old behaviour.
 */
import {describe, expect, it} from 'vitest'
import {author, DS, lakeError, testEngine} from './helpers'

async function engineWithPosts() {
  const engine = testEngine()
  await engine.mutate(
    DS,
    [
      {create: {_id: 'a', _type: 'post', title: 'A', n: 1}},
      {create: {_id: 'b', _type: 'post', title: 'B', n: 2}},
      {create: {_id: 'versions.r1', _type: 'post', title: 'no document part'}},
      {create: {_id: 'versions.r1.a', _type: 'post', title: 'A in r1'}},
      {create: {_id: 'drafts.b', _type: 'post', title: 'B draft', n: 3}},
    ],
    author,
  )
  return engine
}

describe('a parameter inside brackets', () => {
  it('is element access when it is a number', async () => {
    const engine = await engineWithPosts()
    const q = '*[_type == "post" && _id in ["a", "b"]] | order(_id)[$i]._id'
    expect((await engine.query(DS, q, {i: 0})).result).toBe('a')
    expect((await engine.query(DS, q, {i: 1})).result).toBe('b')
    expect((await engine.query(DS, q, {i: -1})).result).toBe('b')
    expect((await engine.query(DS, '*[_id == "a"][$i + 1]', {i: -1})).result).toMatchObject({_id: 'a'})
  })

  it("is element access in the issue's own form: *[_type == \"post\"][$i]._id with {i: 0}", async () => {
    const engine = await engineWithPosts()
    const first = (await engine.query(DS, '*[_type=="post"][0]._id', {})).result
    expect(typeof first).toBe('string')
    expect((await engine.query(DS, '*[_type=="post"][$i]._id', {i: 0})).result).toBe(first)
    expect((await engine.query(DS, '*[_type=="post"][$i]', {i: 99})).result).toBeNull()
  })

  it('is attribute access when it is a string', async () => {
    const engine = await engineWithPosts()
    expect((await engine.query(DS, '*[_id == "a"][0][$f]', {f: 'title'})).result).toBe('A')
    expect((await engine.query(DS, '*[_id == "a"][0][$f]', {f: 'n'})).result).toBe(1)
  })

  it('is a filter otherwise (a boolean keeps or drops everything)', async () => {
    const engine = await engineWithPosts()
    expect((await engine.query(DS, 'count(*[_type == "post"][$keep])', {keep: true})).result).toBe(5)
    expect((await engine.query(DS, 'count(*[_type == "post"][$keep])', {keep: false})).result).toBe(0)
  })

  it('still reports a missing param', async () => {
    const engine = await engineWithPosts()
    const error = await lakeError(() => engine.query(DS, '*[_type == "post"][$i]', {}))
    expect(error.body.error).toMatchObject({type: 'queryParseError', description: 'param $i referenced, but not provided'})
  })
})

describe('parameter names that exist on Object.prototype', () => {
  for (const name of ['toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__']) {
    it(`$${name} counts as missing unless given`, async () => {
      const engine = await engineWithPosts()
      const error = await lakeError(() => engine.query(DS, `*[title == $${name}]`, {}))
      expect(error.status).toBe(400)
      expect(error.body.error.description).toBe(`param $${name} referenced, but not provided`)
    })
  }

  it('works when given', async () => {
    const engine = await engineWithPosts()
    expect((await engine.query(DS, '*[title == $constructor]._id', {constructor: 'A'})).result).toEqual(['a'])
    expect((await engine.query(DS, '*[_id == "a"][0][$toString]', {toString: 'title'})).result).toBe('A')
  })
})

describe('a document with id versions.<name> and no document part', () => {
  it('is in no perspective but raw', async () => {
    const engine = await engineWithPosts()
    const ids = async (perspective?: 'raw' | 'published' | 'drafts' | string[]) =>
      (await engine.query(DS, '*[_type == "post"] | order(_id)._id', {}, {perspective})).result
    expect(await ids('raw')).toContain('versions.r1')
    expect(await ids('published')).toEqual(['a', 'b'])
    expect(await ids('drafts')).toEqual(['a', 'b'])
    expect(await ids(['r1', 'drafts'])).toEqual(['a', 'b'])
    const r1 = await engine.query(DS, '*[_id == "a"][0].title', {}, {perspective: ['r1']})
    expect(r1.result).toBe('A in r1')
  })
})
