/**
 * Projections, maps and the other expressions the executor evaluates without a promise per node
 * (executor.ts `runSync`: the Studio's search projects 1,000 rows) must give groq-js's values,
 * including where part of an expression is groq-js's to decide (`==` of objects or arrays, a
 * function call, a sub-query): then the whole expression is evaluated the ordinary way.
 */
import {evaluate, parse} from 'groq-js'
import {describe, expect, it} from 'vitest'
import type {Perspective, SanityDocument} from '@/lib/lake/engine'
import {applyPerspective, resolvePerspective} from '@/lib/lake/engine/perspective'
import {author, DS, testEngine} from './helpers'

const block = (key: string, text: string) => ({_key: key, _type: 'block', style: 'normal', markDefs: [], children: [{_key: `${key}s`, _type: 'span', marks: [], text}]})

const documents = [
  {_id: 'author-a', _type: 'author', name: 'Ada', bio: [block('b1', 'Writes about engines.')]},
  {_id: 'author-b', _type: 'author', name: 'Bo', nick: null},
  {_id: 'cat-1', _type: 'category', title: 'One', tags: ['x', 'y', 3, null, {k: 1}]},
  {
    _id: 'p1',
    _type: 'post',
    title: 'First',
    count: 2,
    flag: true,
    author: {_type: 'reference', _ref: 'author-a'},
    meta: {a: {b: 'deep'}, list: [{v: 1}, {v: 2}, {w: 3}]},
    body: [block('k1', 'Hello world.'), block('k2', 'Second paragraph.')],
    publishedAt: '2024-01-01T00:00:00Z',
  },
  {_id: 'p2', _type: 'post', title: 'Second', count: 0, flag: false, author: {_type: 'reference', _ref: 'author-missing'}, meta: {a: 'flat'}},
  {_id: 'drafts.p1', _type: 'post', title: 'First (draft)', author: {_type: 'reference', _ref: 'author-b'}, body: []},
]

const queries = [
  // The Studio's global search shape (projection before order and slice).
  `*[_type in ["post", "author"]] {_type, _id, _originalId, "orderings": [_id], ...select(_type == "post" => {"w0": _id, "w2": title, "w7": pt::text(body)}, _type == "author" => {"w2": name})} | order(orderings[0] asc) [0...10]`,
  `*[_type in ["post", "author"]] {_id, "orderings": [_id, title], ...select(_type == "post" => {"t": title})} | order(orderings[0] desc) [1...4]`,
  // Attributes, nested access, derefs, arrays, splats, conditional splats.
  `*[_type == "post"] | order(_id) {_id, "a": meta.a.b, "who": author->name, "whoAll": author->, "list": meta.list[].v, "flat": meta.list[]{v}, ...meta}`,
  `*[_type == "post"] | order(_id) {_id, flag => {"flagged": title}, !flag => {"quiet": true}, count > 0 => {"n": count}, ...select(flag => {"s": 1}, {"s": 2})}`,
  `*[_type == "post"] | order(_id) {"values": [title, count, flag, null, ...meta.list[].v, ...title]}`,
  // Boolean logic with null, equality of scalars, of objects and arrays (groq-js's to decide).
  `*[_type == "post"] | order(_id) {_id, "and": flag && count > 0, "or": flag || missing, "not": !missing, "eq": title == "First", "neq": count != 2, "nullEq": missing == null}`,
  `*[_type == "post"] | order(_id) {_id, "objEq": meta == meta, "arrEq": meta.list == meta.list, "refEq": author == {"_type": "reference", "_ref": "author-a"}, "mixed": meta.a == "flat"}`,
  `*[_type == "post"] | order(_id) {_id, "date": dateTime(publishedAt) == dateTime("2024-01-01T00:00:00Z"), "sub": count(*[_type == "author"])}`,
  // Functions evaluated natively, and parent scopes.
  `*[_type == "post"] | order(_id) {_id, "text": pt::text(body), "hasBody": defined(body), "n": count(body), "nTitle": count(title), "bioText": author->{"t": pt::text(bio)}.t}`,
  `*[_type == "category"][0] {title, "posts": *[_type == "post"] | order(_id) {_id, "cat": ^.title, "same": ^.title == title}}`,
  `*[_type == "category"] {"tags": tags[]{"k": k, "self": @}, "mapped": tags[] {...}, "firstTag": tags[0], "group": (title)}`,
  `*[_type == "author"] | order(_id) {name, "nick": nick, "missing": missing.deep.path, "selectNull": select(false => 1), "selectFallback": select(name == "Bo" => "b", "other")}`,
]

describe('expressions evaluated without promises (runSync) give groq-js values', () => {
  for (const perspective of ['raw', 'published', 'drafts'] as Perspective[]) {
    for (const query of queries) {
      it(`${perspective}: ${query}`, async () => {
        const engine = testEngine()
        await engine.mutate(DS, documents.map((doc) => ({create: doc})), author)
        const stored = [...engine.exportDocuments(DS)] as SanityDocument[]
        const dataset = applyPerspective(stored, resolvePerspective(perspective), {access: 'all', includeVersions: true})
        const expected = await (await evaluate(parse(query), {dataset})).get()
        expect((await engine.query(DS, query, {}, {perspective})).result).toEqual(expected)
      })
    }
  }
})
