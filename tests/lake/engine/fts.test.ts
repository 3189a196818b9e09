/**
 * Full-text search (fts.ts): the FTS5 index only produces candidates, so it must never miss a
 * document groq-js's `match` keeps, and the engine's answers (filters, `||` of matches, score())
 * must be exactly groq-js's. Seeded random texts and patterns: unicode (case folding outside
 * ASCII, surrogate pairs), punctuation, numbers, dots at word edges, wildcards anywhere, empty
 * and non-string patterns, arrays on both sides, nested Portable Text. LAKE_FTS_CASES runs more.
 */
import Database from 'better-sqlite3'
import {evaluate, parse} from 'groq-js'
import {join} from 'node:path'
import {describe, expect, it, vi} from 'vitest'
import type {Engine, Mutation, Perspective, SanityDocument} from '@/lib/lake/engine'
import {textIndexing} from '@/lib/lake/engine/engine'
import {planner} from '@/lib/lake/engine/executor'
import {fieldIndexLimits, fieldIndexStats} from '@/lib/lake/engine/field-index'
import {ftsQuery, persistedFields} from '@/lib/lake/engine/fts'
import {escapeWord} from '@/lib/lake/engine/text-index'
import {wordCounts} from '@/lib/lake/engine/text-postings'
import {applyPerspective, resolvePerspective} from '@/lib/lake/engine/perspective'
import {Store} from '@/lib/lake/engine/store'
import {evaluateQuery, prepareQuery} from '@/lib/lake/engine/groq'
import type {ViewIndex} from '@/lib/lake/engine/view-index'
import {author, DS, tempDir, testEngine} from './helpers'
import {seeded, type Random} from './random-groq'

const CASES = Number(process.env.LAKE_FTS_CASES ?? 1500)
const SEED = Number(process.env.LAKE_FTS_SEED ?? 5)

const PIECES = [
  'inflation', 'Inflation', 'INFLATION', 'government', 'gov', 'Straße', 'STRASSE', 'café', 'CAFÉ', 'İstanbul', 'ıi', 'ſun',
  '\u212Aelvin', 'kelvin', 'Σίσυφος', 'σς', 'Москва', 'москва', '東京', '😀', 'a😀b', 'x\uD83D', 'don\'t', 'e.g.', '...dots',
  'dots...', 'a.b', '3.14', '2025', '42', 'x_y', 'a=b', '~tilde', '`tick`', 'hyphen-ated', 'slash/ed', 'C++', 'C#', '#tag',
  '@user', 'foo*bar', 'ok!', '(paren)', '[br]', '{c}', 'q?', 'semi;colon', 'tab\there', 'new\nline', '\u00A0nbsp', 'zero\u200Bwidth',
  'ÆØÅ', 'æøå', 'ǅ', 'ﬁ', 'ß', 'ẞ', 'Ω', 'ω', 'µ', 'Μ',
]
const WILD = ['*', '.', '']

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]
}

function text(random: Random, words = 1 + Math.floor(random() * 5)): string {
  const parts: string[] = []
  for (let i = 0; i < words; i++) parts.push(pick(random, PIECES))
  return parts.join(pick(random, [' ', ' ', ', ', '-', '. ', '', '\n\n']))
}

function block(random: Random) {
  const children = Array.from({length: 1 + Math.floor(random() * 3)}, (_, i) =>
    random() < 0.85 ? {_type: 'span', _key: `s${i}`, text: text(random, 2)} : {_type: 'link', _key: `l${i}`, text: text(random, 1)},
  )
  return {_type: 'block', _key: `b${Math.floor(random() * 1e6)}`, children}
}

function randomDoc(random: Random, id: string): SanityDocument {
  const doc: Record<string, unknown> = {_id: id, _type: pick(random, ['post', 'page'])}
  if (random() < 0.85) doc.title = random() < 0.9 ? text(random) : pick(random, [42, true, null, ['x', 'y']])
  if (random() < 0.6) doc.tags = Array.from({length: Math.floor(random() * 4)}, () => (random() < 0.85 ? text(random, 1) : 7))
  if (random() < 0.7) doc.body = Array.from({length: Math.floor(random() * 4)}, () => (random() < 0.85 ? block(random) : [block(random)]))
  if (random() < 0.4) doc.nested = {deep: {text: text(random)}, list: [{label: text(random, 1)}, {label: text(random, 1)}]}
  // Few distinct dates (ties), some missing or not strings: the order after `_score`.
  if (random() < 0.8) doc.publishedAt = random() < 0.9 ? `2025-0${1 + Math.floor(random() * 3)}-01T00:00:00Z` : 7
  if (random() < 0.05) doc._score = pick(random, [2, 0.5, 'x'])
  return doc as SanityDocument
}

/** A pattern term built from a piece (so it often hits), with case changes and wildcards anywhere. */
function term(random: Random): string {
  // Ids: in the drafts and release perspectives `_id` is the published id, not the stored one.
  if (random() < 0.05) return pick(random, ['doc1*', 'doc2', 'DOC3', 'drafts*', 'versions.r1*', 'r1*', '*oc4'])
  let piece = pick(random, PIECES)
  const r = random()
  if (r < 0.2) piece = piece.toUpperCase()
  else if (r < 0.35) piece = piece.toLowerCase()
  if (random() < 0.5 && piece.length > 1) {
    const at = 1 + Math.floor(random() * (piece.length - 1))
    const wild = pick(random, WILD)
    piece = random() < 0.5 ? piece.slice(0, at) + wild : piece.slice(0, at) + wild + piece.slice(at + (wild === '.' ? 1 : 0))
  }
  if (random() < 0.08) piece = `*${piece}`
  return piece
}

function pattern(random: Random): unknown {
  const r = random()
  if (r < 0.04) return ''
  if (r < 0.07) return pick(random, ['*', '...', ' - ', '**'])
  if (r < 0.09) return pick(random, [42, null, true])
  const one = () => Array.from({length: 1 + Math.floor(random() * 2)}, () => term(random)).join(pick(random, [' ', ', ', '-']))
  if (r < 0.25) return random() < 0.85 ? [one(), one()] : [one(), 3]
  return one()
}

const LEFTS = [
  'title', 'tags', 'tags[]', 'pt::text(body)', '[title, pt::text(body)]', 'body[].children[].text', 'nested.deep.text',
  'nested.list[].label', '[title, tags[0], nested.deep.text]', '_id', 'pt::text(body[0])',
]

function randomQuery(random: Random): string {
  const left = pick(random, LEFTS)
  const r = random()
  if (r < 0.5) return `*[${left} match $p]._id`
  if (r < 0.6) return `*[_type == "post" && (${left} match $p || ${pick(random, LEFTS)} match $q)]._id`
  // The Studio's search shape: `_type in $types && (a match $t || b[] match $t || …)`.
  if (r < 0.7) return `*[_type in $types && (${left} match $p || tags[] match $p || nested.list[].label match $p)] {_id, _type} | order(_id desc) [0...$limit]`
  // The Studio's real shape (Sanity 5.31.2 groqLegacy): a projection before order(…)[0...limit],
  // ordered by `orderings[i]` the projection sets from document paths (pushed down), or not.
  if (r < 0.76) {
    const key = pick(random, ['_id', 'title', 'nested.deep.text', 'tags', '_type'])
    const extra = pick(random, ['', '', ', ...select(_type == "post" => {"w0": _id, "w2": title}, _type == "page" => {"w2": pt::text(body)})', ', ...@', ', ...{"orderings": [title]}', ', "orderings": [_id]'])
    const order = pick(random, ['orderings[0] asc', 'orderings[0] desc, orderings[1] asc', 'orderings[1] desc', 'orderings asc', 'orderings[2]', 'w2 desc'])
    const slice = pick(random, [' [0...$limit]', ' [1..2]', '[0]', ''])
    return `*[_type in $types && (${left} match $p || title match $p)] {_type, _id, _originalId, "orderings": [${key}, _id]${extra}} | order(${order})${slice}`
  }
  // The site's searchQuery shape (sanity/lib/queries.ts).
  if (r < 0.82) {
    const texts = pick(random, ['[title, pt::text(body)]', '[title, tags, pt::text(body), nested.deep.text]', left])
    const scores = pick(random, ['title match $p, pt::text(body) match $p', `title match $p, ${left} match $p, tags match $p`, `${left} match $p`])
    const order = pick(random, ['_score desc, publishedAt desc', '_score desc', 'publishedAt desc, _score desc', '_score asc, _id desc'])
    const visible = '_type == "post" && defined(title) && !(_id in path("drafts.**")) && !(_id in path("versions.**"))'
    return `*[${pick(random, [visible, '_type == "post"', 'true'])} && ${texts} match $p] | score(${scores}) | order(${order})${pick(random, ['[0...$limit]', '[1...4]', '[0]', ''])}{_id, _score, publishedAt}`
  }
  if (r < 0.85) return `*[${left} match $p] | score(${left} match $p, boost(title match $q, 2)) | order(_score desc, _id asc) {_id, _score}`
  return `*[${left} match $p && ${pick(random, LEFTS)} match $q] | score(${pick(random, LEFTS)} match $q) | order(_score desc)[0...5] {_id, _score}`
}

async function groqJs(dataset: unknown[], query: string, params: Record<string, unknown>): Promise<unknown> {
  try {
    return await (await evaluate(parse(query, {params}), {dataset, params})).get()
  } catch (error) {
    return {error: String(error)}
  }
}

async function planned(engine: Engine, query: string, params: Record<string, unknown>, perspective: Perspective): Promise<unknown> {
  try {
    return (await engine.query(DS, query, params, {perspective})).result
  } catch (error) {
    return {error: String(error)}
  }
}

/** The site's search shape, scored on persisted texts only (the walk over the persisted lists). */
function persistedSearchQuery(random: Random): string {
  const texts = pick(random, ['[title, pt::text(body)]', '[title, tags, pt::text(body), nested.deep.text]', 'title'])
  const scores = pick(random, ['title match $p, pt::text(body) match $p', 'title match $p', 'pt::text(body) match $p, title match $q'])
  const order = pick(random, ['_score desc, publishedAt desc', '_score desc', '_score desc, _id asc'])
  const visible = '_type == "post" && defined(title) && !(_id in path("drafts.**")) && !(_id in path("versions.**"))'
  return `*[${pick(random, [visible, '_type == "post"', 'true'])} && ${texts} match $p] | score(${scores}) | order(${order})${pick(random, ['[0...$limit]', '[1...4]', '[0]'])}{_id, _score, publishedAt}`
}

/** A query whose document view (and full-text search) is taken now, as the engine takes them, and evaluated when called. */
function staleQuery(engine: Engine, query: string, params: Record<string, unknown>, perspective: Perspective): () => Promise<unknown> {
  const internals = engine as unknown as {documents(dataset: string): {view: (perspective: unknown, options: unknown) => ViewIndex}; store: Store}
  const {compiled, params: checked} = prepareQuery(query, params)
  const resolved = resolvePerspective(perspective)
  const view = internals.documents(DS).view(resolved, {access: 'all', includeVersions: true})
  const text = internals.store.fullText.search(DS, {overlaid: resolved.kind === 'stack'})
  return async () => {
    try {
      return await evaluateQuery(query, compiled, {view, params: checked, text})
    } catch (error) {
      return {error: String(error)}
    }
  }
}

function randomIds(random: Random, n: number): string[] {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const base = `doc${i}`
    const r = random()
    ids.push(r < 0.2 ? `drafts.${base}` : r < 0.25 ? `versions.r1.${base}` : base)
    if (r < 0.1) ids.push(base)
  }
  return [...new Set(ids)]
}

describe('full-text index (FTS5) for GROQ match', () => {
  it('escapes words so FTS5 keeps each as one token, prefixes preserved', () => {
    expect(escapeWord('ABC')).toBe('ABC')
    expect(escapeWord("DON'T")).toBe('DON_27T')
    expect(escapeWord('A.B_C')).toBe('A_2eB_5fC')
    expect(escapeWord('😀')).toBe('_ud83d_ude00')
    expect(escapeWord('É')).toBe('É')
    // The prefix of a word escapes to a prefix of its escape.
    expect(escapeWord('A😀B').startsWith(escapeWord('A\uD83D'))).toBe(true)
  })

  it('turns patterns into FTS5 queries on each term’s literal prefix', () => {
    expect(ftsQuery('foo bar*')).toBe('"FOO" AND "BAR" *')
    expect(ftsQuery('f*o')).toBe('"F" *')
    expect(ftsQuery('*foo')).toBeNull()
    // groq-js drops dots next to ASCII word characters; others are "any character" in a term.
    expect(ftsQuery('x.y')).toBe('"XY"')
    expect(ftsQuery('é.é')).toBe('"É" *')
    expect(ftsQuery('')).toBe('')
    expect(ftsQuery(['a', 3])).toBe('')
    expect(ftsQuery(42)).toBe('')
    expect(ftsQuery(['a', 'b*c'])).toBe('"A" AND "B" *')
  })

  it(`never misses a document groq-js's match keeps (${CASES} random patterns, every text path)`, {timeout: 300_000}, async () => {
    const random = seeded(SEED)
    const store = new Store(join(tempDir(), 'lake.sqlite'))
    try {
      const docs = randomIds(random, 80).map((id) => randomDoc(random, id))
      store.commit({id: 'tx1', dataset: DS, timestamp: new Date().toISOString(), author: 'test', mutations: [], changes: docs.map((doc) => ({id: doc._id, after: withSystemFields(doc)}))})
      const stored = docs.map(withSystemFields)
      let narrowed = 0
      for (let i = 0; i < CASES; i++) {
        const left = pick(random, LEFTS)
        const p = pattern(random)
        const kept = (await groqJs(stored, `*[${left} match $p]._id`, {p})) as string[]
        const candidates = store.fullText.search(DS).candidates(p)
        if (candidates === null) continue
        narrowed++
        const missing = kept.filter((id) => !candidates.has(id))
        expect(missing, `${left} match ${JSON.stringify(p)}`).toEqual([])
      }
      expect(narrowed).toBeGreaterThan(CASES / 2)
    } finally {
      store.close()
    }
  })

  it.each([
    ['each document’s words and the persisted lists', undefined, true],
    ['the inverted lists (bulk mode) and the persisted lists', 0, true],
    ['the in-memory inverted lists alone (bulk mode)', 0, false],
    // A large archive: bulk mode never builds in-memory lists (memory does not grow with the archive).
    ['the persisted lists and each document’s words read and dropped (bulk mode, no in-memory lists)', 0, true, 0],
    ['each document’s words read and dropped (bulk mode, no lists at all)', 0, false, 0],
  ])(`gives exactly groq-js's answers for match filters, || of matches and score() from %s (${CASES} random queries, 4 perspectives, across commits)`, {timeout: 600_000}, async (_, bulkMin, persistedLists, memoryListsMax?: number) => {
    const saved = {...planner}
    const savedLimits = {...fieldIndexLimits}
    const before = {...fieldIndexStats}
    planner.persistedLists = persistedLists
    if (memoryListsMax !== undefined) fieldIndexLimits.memoryListsMax = memoryListsMax
    // Bulk mode for any number of candidates, and the top-k selection for any result size.
    if (bulkMin !== undefined) Object.assign(planner, {bulkTextMin: bulkMin, topScoreFactor: 0, walkBatch: 1, walkShare: 1e9, textProbeAfter: 2, textSample: 3})
    // Unbuilt field indexes replaced by fresh ones at every commit.
    fieldIndexLimits.refreshAfter = 0
    try {
      await differential(bulkMin === undefined ? SEED + 1 : (persistedLists ? SEED + 11 : SEED + 13) + (memoryListsMax === undefined ? 0 : 100))
      if (memoryListsMax === 0) {
        // Not one document filed into an in-memory list; bulk answers read the persisted lists or the documents.
        expect(fieldIndexStats.filed).toBe(before.filed)
        expect(fieldIndexStats.direct).toBeGreaterThan(before.direct)
        if (persistedLists) expect(fieldIndexStats.persisted).toBeGreaterThan(before.persisted)
      } else if (bulkMin !== undefined) expect(fieldIndexStats.filed).toBeGreaterThan(before.filed)
    } finally {
      Object.assign(planner, saved)
      Object.assign(fieldIndexLimits, savedLimits)
    }
  })

  it('answers bulk `match` and score() from the persisted lists without in-memory lists: an array where an element of `[a, b]` reads only a string adds nothing', async () => {
    const saved = {...planner}
    const savedLimits = {...fieldIndexLimits}
    const before = {...fieldIndexStats}
    Object.assign(planner, {bulkTextMin: 0, persistedLists: true})
    fieldIndexLimits.memoryListsMax = 0
    try {
      const engine = testEngine()
      const body = (text: string) => [{_type: 'block', _key: 'k', children: [{_type: 'span', _key: 's', text}]}]
      await engine.mutate(DS, [
        {create: {_id: 'a', _type: 'post', title: ['Inflation rises', 'inflation'], body: body('weather')}},
        {create: {_id: 'b', _type: 'post', title: 'Inflation falls', body: body('inflation inflation')}},
        {create: {_id: 'c', _type: 'post', title: 'Nothing', body: body('Inflationary times')}},
        {create: {_id: 'd', _type: 'post', title: 42, body: body('none')}},
        {create: {_id: 'drafts.b', _type: 'post', title: 'Inflation draft', body: body('x')}},
      ], author)
      const stored = [...engine.exportDocuments(DS)]
      for (const query of [
        '*[[title, pt::text(body)] match $p]._id',
        '*[title match $p]._id',
        'count(*[_type == "post" && [title, pt::text(body)] match $p])',
        '*[[title, pt::text(body)] match $p] | score(title match $p, [title, pt::text(body)] match $p, pt::text(body) match $p) | order(_id desc) {_id, _score}',
      ]) {
        for (const p of ['inflation', 'inflation*', 'infl*ion']) {
          for (const perspective of ['raw', 'published'] as Perspective[]) {
            const view = applyPerspective(stored, resolvePerspective(perspective), {access: 'all', includeVersions: true})
            expect(await planned(engine, query, {p}, perspective), `${query} ${p} ${perspective}`).toEqual(await groqJs(view, query, {p}))
          }
        }
      }
      expect(fieldIndexStats.persisted).toBeGreaterThan(before.persisted)
      expect(fieldIndexStats.filed).toBe(before.filed)
    } finally {
      Object.assign(planner, saved)
      Object.assign(fieldIndexLimits, savedLimits)
    }
  })

  it("reads the texts the persisted lists hold from them in an ordered walk over `||` of matches (the Studio's search), exactly", async () => {
    const saved = {...planner}
    const before = {...fieldIndexStats}
    Object.assign(planner, {persistedLists: true})
    try {
      const engine = testEngine()
      const body = (text: string) => [{_type: 'block', _key: 'k', children: [{_type: 'span', _key: 's', text}]}]
      await engine.mutate(DS, [
        {create: {_id: 'a', _type: 'post', title: 'Inflation rises', body: body('weather'), slug: {current: 'a'}}},
        {create: {_id: 'b', _type: 'post', title: 'Falls', body: body('inflation inflation'), slug: {current: 'inflation-b'}}},
        {create: {_id: 'c', _type: 'post', title: ['Nothing', 'inflationary'], body: body('Inflationary times')}},
        {create: {_id: 'd', _type: 'post', title: 42, excerpt: 'about inflation', body: body('none')}},
        {create: {_id: 'e', _type: 'author', name: 'Inflation Ida'}},
        {create: {_id: 'drafts.b', _type: 'post', title: 'Inflation draft', body: body('x')}},
      ], author)
      // Edited after the first round: the view's versions of these come from their own words.
      const rounds: Mutation[][] = [[], [{patch: {id: 'a', set: {title: 'Calm'}}}, {patch: {id: 'c', set: {body: body('inflation')}}}]]
      for (const mutations of rounds) {
        if (mutations.length > 0) await engine.mutate(DS, mutations, author)
        const stored = [...engine.exportDocuments(DS)]
        const query = `*[_type in $types && (_id match $p || title match $p || slug.current match $p || excerpt match $p || pt::text(body) match $p || name match $p)] {_type, _id, "orderings": [_id]} | order(orderings[0] asc) [0...$limit]`
        for (const p of ['inflation', 'inflation*', 'infl*ion', 'nothing*']) {
          for (const limit of [1, 3, 10]) {
            for (const perspective of ['raw', 'published'] as Perspective[]) {
              const params = {p, limit, types: ['post', 'author']}
              const view = applyPerspective(stored, resolvePerspective(perspective), {access: 'all', includeVersions: true})
              expect(await planned(engine, query, params, perspective), `${p} ${limit} ${perspective}`).toEqual(await groqJs(view, query, params))
            }
          }
        }
      }
      expect(fieldIndexStats.persisted).toBeGreaterThan(before.persisted)
    } finally {
      Object.assign(planner, saved)
    }
  })

  async function differential(seed: number) {
    const random = seeded(seed)
    const staleRandom = seeded(seed + 1000)
    const persistedRandom = seeded(seed + 2000)
    const engine = testEngine()
    await engine.mutate(DS, randomIds(random, 70).map((id) => ({create: randomDoc(random, id)})), author)
    const perspectives: Perspective[] = ['raw', 'published', 'drafts', ['r1', 'drafts']]
    const failures: string[] = []
    const rounds = 3
    for (let round = 0; round < rounds; round++) {
      const stored = [...engine.exportDocuments(DS)]
      const views = perspectives.map((perspective) => applyPerspective(stored, resolvePerspective(perspective), {access: 'all', includeVersions: true}))
      for (let i = 0; i < CASES / rounds; i++) {
        const query = randomQuery(random)
        const params = {p: pattern(random), q: pattern(random), types: pick(random, [['post'], ['post', 'page'], 'post', [null, 1], []]), limit: pick(random, [3, 1000])}
        const which = Math.floor(random() * perspectives.length)
        const expected = await groqJs(views[which], query, params)
        // Twice: the first run may build what the second uses (the inverted lists, then the score walk).
        for (let run = 0; run < 2; run++) {
          const actual = await planned(engine, query, params, perspectives[which])
          if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            failures.push(`${query} ${JSON.stringify(params)} [${JSON.stringify(perspectives[which])}] run ${run}\n  groq-js: ${JSON.stringify(expected)}\n  engine:  ${JSON.stringify(actual)}`)
          }
        }
      }
      // Searches whose view is taken now and evaluated after the commits below (a search racing
      // edits): the persisted lists are newer than these views by then.
      // (Their own random stream: the queries above stay those of earlier runs of this seed.)
      const stale: {label: string; params: {p: unknown; q: unknown}; expected: unknown; run: () => Promise<unknown>}[] = []
      // Every score() shape (in-memory lists of old and new versions side by side), then the site's
      // search on persisted texts only (the walk over the persisted lists).
      for (let i = 0; i < CASES / rounds / 5; i++) {
        const from = i < CASES / rounds / 10 ? staleRandom : persistedRandom
        let query = from === staleRandom ? randomQuery(from) : persistedSearchQuery(from)
        while (!query.includes('score(')) query = randomQuery(from)
        const params = {p: pattern(from), q: pattern(from), limit: pick(from, [3, 1000])}
        const which = Math.floor(from() * perspectives.length)
        stale.push({label: `${query} ${JSON.stringify(params)} [${JSON.stringify(perspectives[which])}] stale view`, params, expected: await groqJs(views[which], query, params), run: staleQuery(engine, query, params, perspectives[which])})
      }
      // Documents those views show now hold their patterns (in the lists, they would score high).
      const shown = stored.map((doc) => doc._id).slice(20, 40)
      await engine.mutate(DS, shown.map((id, i) => {
        const {p, q} = stale[i % stale.length].params
        return {patch: {id, set: {title: [p, q].filter((x) => typeof x === 'string').join(' ').repeat(3)}}}
      }), author)
      // Change some documents: the index must follow creates, replaces, patches and deletes…
      const existing = stored.map((doc) => doc._id).filter((id) => !id.startsWith('drafts.'))
      const mutations = existing.slice(0, 15).map((id, i): Mutation =>
        i % 5 === 0 ? {delete: {id}} : i % 5 === 1 ? {patch: {id, set: {title: text(random)}, unset: ['tags']}} : i % 5 === 2 ? {patch: {id, unset: ['body', 'title']}} : {createOrReplace: randomDoc(random, id)},
      )
      await engine.mutate(DS, [...mutations, ...randomIds(random, 5).map((id) => ({createOrReplace: randomDoc(random, `${id}x${round}`)}))], author)
      // …and the Studio's publish and discard of drafts.
      const drafts = [...engine.exportDocuments(DS)].map((doc) => doc._id).filter((id) => id.startsWith('drafts.'))
      for (const [i, draftId] of drafts.slice(0, 6).entries()) {
        const action = i % 2 === 0 ? {actionType: 'sanity.action.document.publish', draftId, publishedId: draftId.slice('drafts.'.length)} : {actionType: 'sanity.action.document.discard', draftId}
        await engine.act(DS, [action], author)
      }
      for (const {label, expected, run} of stale) {
        const actual = await run()
        if (JSON.stringify(actual) !== JSON.stringify(expected)) failures.push(`${label}\n  groq-js: ${JSON.stringify(expected)}\n  engine:  ${JSON.stringify(actual)}`)
      }
    }
    expect(failures.slice(0, 5).join('\n')).toBe('')
  }

  it('keeps the index with the documents: reopened stores answer without rebuilding, older stores get it built once', async () => {
    const dir = tempDir()
    const file = join(dir, 'lake.sqlite')
    const engine = testEngine(file)
    await engine.mutate(DS, [{create: {_id: 'a', _type: 'post', title: 'Refinery blackout'}}, {create: {_id: 'b', _type: 'post', title: 'Election day'}}], author)
    await engine.mutate(DS, [{patch: {id: 'a', set: {title: 'Harvest report'}}}, {delete: {id: 'b'}}], author)
    engine.close()

    const reopened = new Store(file)
    try {
      // The index narrows searches once its own check (in the background) passed.
      expect(reopened.fullText.search(DS).candidates('harvest')).toBeNull()
      expect((await reopened.textIndexChecked).outcome).toBe('ok')
      expect([...reopened.fullText.search(DS).candidates('harvest')!]).toEqual(['a'])
      expect([...reopened.fullText.search(DS).candidates('refinery')!]).toEqual([])
      expect([...reopened.fullText.search(DS).candidates('election')!]).toEqual([])
      // A store from before the index: drop it (and its version), reopen, and it is built again.
      const db = (reopened as unknown as {db: import('better-sqlite3').Database}).db
      db.exec('DROP TABLE fts_words; DROP TABLE fts_documents; DROP TABLE fts_meta;')
    } finally {
      reopened.close()
    }
    const migrated = testEngine(file)
    expect((await migrated.query(DS, '*[title match "harv*"]._id', {})).result).toEqual(['a'])
    expect((await migrated.query(DS, '*[title match "election"]._id', {})).result).toEqual([])
  })

  it('builds the inverted lists without blocking: concurrent searches and a commit during the build get exact answers', async () => {
    const saved = {...planner}
    Object.assign(planner, {bulkTextMin: 0})
    try {
      const random = seeded(SEED + 21)
      const engine = testEngine()
      const docs = Array.from({length: 2500}, (_, i) => randomDoc(random, `doc${i}`))
      await engine.mutate(DS, docs.map((doc) => ({create: doc})), author)
      const query = '*[[title, pt::text(body)] match $p] | score(title match $p, pt::text(body) match $p) | order(_score desc, _id desc)[0...10]{_id, _score}'
      const params = {p: 'inflation*'}
      const before = [...engine.exportDocuments(DS)]
      const expectedBefore = await groqJs(before, query, params)
      // A search starts the build (yielding every few hundred documents); a second search and a
      // commit arrive while it runs: the second waits for the lists, the commit files its documents.
      const tick = () => new Promise((resolve) => setImmediate(resolve))
      const searches = [engine.query(DS, query, params)]
      for (let i = 0; i < 3; i++) await tick()
      searches.push(engine.query(DS, query, params))
      const commit = engine.mutate(DS, [{createOrReplace: {_id: 'doc1', _type: 'post', title: 'inflation '.repeat(40), body: [{_type: 'block', _key: 'k', children: [{_type: 'span', _key: 's', text: 'Inflation '.repeat(40)}]}]}}, {delete: {id: 'doc2'}}], author)
      const [first, second] = await Promise.all(searches)
      await commit
      expect(first.result).toEqual(expectedBefore)
      expect(second.result).toEqual(expectedBefore)
      const expectedAfter = await groqJs([...engine.exportDocuments(DS)], query, params)
      expect(expectedAfter).not.toEqual(expectedBefore)
      expect((await engine.query(DS, query, params)).result).toEqual(expectedAfter)
      expect((await engine.query(DS, query, params)).result).toEqual(expectedAfter)
    } finally {
      Object.assign(planner, saved)
    }
  })

  it('replaces an unbuilt field index once commits pile up, and the fresh one covers the new view', async () => {
    const saved = {...planner}
    const savedLimits = {...fieldIndexLimits}
    Object.assign(planner, {bulkTextMin: 0, walkShare: 1e9})
    fieldIndexLimits.refreshAfter = 0
    try {
      const engine = testEngine()
      await engine.mutate(DS, Array.from({length: 40}, (_, i) => ({create: {_id: `p${i}`, _type: 'post', title: i % 3 ? 'oil prices' : 'wheat', tags: ['x']}})), author)
      // `title match` used per document only (inside ||, a few rows): its index is made, not built.
      expect((await engine.query(DS, '*[_type == "post" && (title match $p || tags match $p)] | order(_id)[0...2]._id', {p: 'oil'})).result).toEqual(['p1', 'p10'])
      // More documents than an eighth of the view: the next view gets a fresh index.
      await engine.mutate(DS, Array.from({length: 8}, (_, i) => ({create: {_id: `q${i}`, _type: 'post', title: 'oil oil oil oil'}})), author)
      const query = '*[title match $p] | score(title match $p) | order(_score desc, _id asc)[0...3]._id'
      const expected = await groqJs([...engine.exportDocuments(DS)], query, {p: 'oil'})
      expect(expected).toEqual(['q0', 'q1', 'q2'])
      // Twice: built (bulk), then walked by score.
      expect((await engine.query(DS, query, {p: 'oil'})).result).toEqual(expected)
      expect((await engine.query(DS, query, {p: 'oil'})).result).toEqual(expected)
    } finally {
      Object.assign(planner, saved)
      Object.assign(fieldIndexLimits, savedLimits)
    }
  })

  it('gives up narrowing past a limit without reading every id', () => {
    const store = new Store(join(tempDir(), 'lake.sqlite'))
    try {
      const docs = ['a', 'b', 'c'].map((id, i) => withSystemFields({_id: id, _type: 'post', title: i < 2 ? 'oil exports' : 'oil'} as unknown as SanityDocument))
      store.commit({id: 'tx1', dataset: DS, timestamp: new Date().toISOString(), author: 'test', mutations: [], changes: docs.map((doc) => ({id: doc._id, after: doc}))})
      const search = store.fullText.search(DS)
      expect(search.candidates('exports', 2)).toEqual(new Set(['a', 'b']))
      expect(search.candidates('oil', 2)).toBeNull()
      expect(search.candidates('oil', 3)).toEqual(new Set(['a', 'b', 'c']))
      expect(search.candidates('oil')).toEqual(new Set(['a', 'b', 'c']))
    } finally {
      store.close()
    }
  })

  it('finds drafts and release versions under the id a perspective shows them with', async () => {
    const engine = testEngine()
    await engine.mutate(DS, [{create: {_id: 'drafts.story1', _type: 'post', title: 'x'}}, {create: {_id: 'versions.r1.story2', _type: 'post', title: 'y'}}], author)
    // The stored ids tokenise as "draftsstory1" and "versionsr1story2" (groq-js drops the dots).
    expect((await engine.query(DS, '*[_id match "story*"]._id', {}, {perspective: 'drafts'})).result).toEqual(['story1'])
    expect((await engine.query(DS, '*[_id match "story*"]._id', {}, {perspective: ['r1', 'drafts']})).result).toEqual(['story1', 'story2'])
    expect((await engine.query(DS, '*[_originalId match "drafts*"]._id', {}, {perspective: 'drafts'})).result).toEqual(['story1'])
    expect((await engine.query(DS, '*[_id match "story*"]._id', {}, {perspective: 'raw'})).result).toEqual([])
  })

  it('a commit racing a query never hides a document the query’s view shows', async () => {
    const file = join(tempDir(), 'lake.sqlite')
    const store = new Store(file)
    try {
      const tx = (id: string, changes: {id: string; after: SanityDocument | null}[]) => ({id, dataset: DS, timestamp: new Date().toISOString(), author: 'test', mutations: [], changes})
      store.commit(tx('t1', [{id: 'a', after: withSystemFields({_id: 'a', _type: 'post', title: 'oil exports'} as unknown as SanityDocument)}]))
      // The query's view was taken here (showing "oil exports"); then the document changes.
      const search = store.fullText.search(DS)
      store.commit(tx('t2', [{id: 'a', after: withSystemFields({_id: 'a', _type: 'post', title: 'wages'} as unknown as SanityDocument)}]))
      expect(search.candidates('oil')!.has('a')).toBe(true)
      expect(store.fullText.search(DS).candidates('oil')!.has('a')).toBe(false)
    } finally {
      store.close()
    }
  })

  it('while the index\'s own check runs, a search waits for it (not narrowed before) and keeps the process alive meanwhile', async () => {
    const store = new Store(join(tempDir(), 'lake.sqlite'))
    try {
      // As just after a start: the check (integrity.ts, part 2) still running.
      let finish!: () => void
      store.fullText.verified = false
      store.fullText.checking = new Promise<void>((resolve) => (finish = resolve))
      const search = store.fullText.search(DS)
      expect(search.candidates('oil')).toBeNull()
      const started = vi.spyOn(globalThis, 'setInterval')
      const stopped = vi.spyOn(globalThis, 'clearInterval')
      try {
        let waited = false
        const ready = search.ready()!.then(() => (waited = true))
        // The check's worker does not hold the process open; the waiting search does (a ref'd timer).
        expect(started).toHaveBeenCalledTimes(1)
        const handle = started.mock.results[0].value as NodeJS.Timeout
        expect(handle.hasRef()).toBe(true)
        await new Promise((resolve) => setTimeout(resolve, 20))
        expect(waited).toBe(false)
        expect(stopped).not.toHaveBeenCalledWith(handle)
        store.fullText.verified = true
        finish()
        await ready
        expect(stopped).toHaveBeenCalledWith(handle)
      } finally {
        started.mockRestore()
        stopped.mockRestore()
      }
      expect(search.ready()).toBeNull()
      expect(search.candidates('oil')).toEqual(new Set())
    } finally {
      store.close()
    }
  })

    it('an import leaves the index behind (durably noted): stored documents not filed yet are candidates, and catchUp files them', () => {
    const store = new Store(join(tempDir(), 'lake.sqlite'))
    try {
      const tx = (id: string, changes: {id: string; after: SanityDocument | null; before?: SanityDocument | null}[]) => ({id, dataset: DS, timestamp: new Date().toISOString(), author: 'test', mutations: [], changes})
      const doc = (id: string, title: string) => withSystemFields({_id: id, _type: 'post', title} as unknown as SanityDocument)
      store.commit(tx('t1', [{id: 'a', after: doc('a', 'oil exports')}, {id: 'b', after: doc('b', 'wages')}]))
      store.commit(tx('t2', [{id: 'b', after: doc('b', 'oil fields')}, {id: 'c', after: doc('c', 'harvest')}, {id: 'a', after: null}]), {deferTextIndex: true})
      expect(store.fullText.behind).toBe(3)
      // Pending documents (even deleted ones) are candidates; stale words of pending ones may stay.
      expect(store.fullText.search(DS).candidates('oil')).toEqual(new Set(['a', 'b', 'c']))
      expect(store.fullText.search(DS).candidates('oil', 2)).toBeNull()
      // A normal commit of a pending document files it and clears its note.
      store.commit(tx('t3', [{id: 'c', after: doc('c', 'oil harvest')}]))
      expect(store.fullText.behind).toBe(2)
      const automerge = () => (store as unknown as {db: Database.Database}).db.prepare(`SELECT v FROM fts_words_config WHERE k = 'automerge'`).pluck().get()
      expect(automerge()).toBeUndefined()
      expect(store.catchUpTextIndex(1000)).toBe(0)
      expect(store.fullText.behind).toBe(0)
      // The catch-up set FTS5's automerge (fewer merges while it files many documents).
      expect(automerge()).toBe(8)
      expect(store.fullText.search(DS).candidates('oil')).toEqual(new Set(['b', 'c']))
      expect(store.fullText.search(DS).candidates('exports')).toEqual(new Set())
      expect(store.fullText.search(DS).candidates('wages')).toEqual(new Set())
    } finally {
      store.close()
    }
  })

  it('a rolled-back deferred commit leaves no note, and a rolled-back catch-up leaves them pending', () => {
    const store = new Store(join(tempDir(), 'lake.sqlite'))
    try {
      const tx = (id: string, changes: {id: string; after: SanityDocument | null}[]) => ({id, dataset: DS, timestamp: new Date().toISOString(), author: 'test', mutations: [], changes})
      const doc = (id: string, title: string) => withSystemFields({_id: id, _type: 'post', title} as unknown as SanityDocument)
      store.attach(() => (transaction) => {
        if (transaction.id === 'boom') throw new Error('hook failed')
      })
      expect(() => store.commit(tx('boom', [{id: 'x', after: doc('x', 'oil')}]), {deferTextIndex: true})).toThrow('hook failed')
      expect(store.fullText.behind).toBe(0)
      expect(store.fullText.search(DS).candidates('oil')).toEqual(new Set())
      store.commit(tx('t1', [{id: 'y', after: doc('y', 'oil')}]), {deferTextIndex: true})
      const db = (store as unknown as {db: import('better-sqlite3').Database}).db
      db.exec(`CREATE TEMP TRIGGER fail_catch_up BEFORE DELETE ON fts_pending BEGIN SELECT RAISE(ABORT, 'disk gone'); END`)
      expect(() => store.catchUpTextIndex(1000)).toThrow('disk gone')
      expect(store.fullText.behind).toBe(1)
      expect(store.fullText.search(DS).candidates('oil')).toEqual(new Set(['y']))
      db.exec('DROP TRIGGER fail_catch_up')
      expect(store.catchUpTextIndex(1000)).toBe(0)
      expect(store.fullText.search(DS).candidates('oil')).toEqual(new Set(['y']))
    } finally {
      store.close()
    }
  })

  it('answers exactly as groq-js while an import is not indexed yet, across create/patch/delete/publish/discard, during and after the catch-up', {timeout: 300_000}, async () => {
    const saved = {...textIndexing}
    textIndexing.background = false
    try {
      const random = seeded(SEED + 31)
      const engine = testEngine()
      // Few pending documents among many indexed ones, so the index narrows (candidates are at most a quarter of the view).
      const indexed = randomIds(random, 400)
      await engine.mutate(DS, indexed.map((id) => ({create: randomDoc(random, id)})), author)
      await engine.catchUpTextIndex()
      // Imported: new documents, and replacements of indexed ones (whose filed words are then stale).
      const replaced = indexed.filter((_, i) => i % 20 === 0).map((id) => randomDoc(random, id))
      await engine.importDocuments(DS, [...replaced, ...randomIds(random, 40).map((id) => randomDoc(random, `i${id}`))], {mode: 'createOrReplace', author: 'test'})
      expect(engine.textIndexBehind).toBeGreaterThan(40)
      const perspectives: Perspective[] = ['raw', 'published', 'drafts', ['r1', 'drafts']]
      const failures: string[] = []
      const check = async (label: string, cases: number) => {
        const stored = [...engine.exportDocuments(DS)]
        const views = perspectives.map((perspective) => applyPerspective(stored, resolvePerspective(perspective), {access: 'all', includeVersions: true}))
        for (let i = 0; i < cases; i++) {
          const query = randomQuery(random)
          const params = {p: pattern(random), q: pattern(random), types: pick(random, [['post'], ['post', 'page']]), limit: pick(random, [3, 1000])}
          const which = Math.floor(random() * perspectives.length)
          const expected = await groqJs(views[which], query, params)
          const actual = await planned(engine, query, params, perspectives[which])
          if (JSON.stringify(actual) !== JSON.stringify(expected)) failures.push(`${label}: ${query} ${JSON.stringify(params)}\n  groq-js: ${JSON.stringify(expected)}\n  engine:  ${JSON.stringify(actual)}`)
        }
      }
      await check('behind', 150)
      // Writes to documents not indexed yet: the commit files them (and clears their notes).
      const imported = [...engine.exportDocuments(DS)].map((doc) => doc._id).filter((id) => /(^|\.)idoc/.test(id))
      const plain = imported.filter((id) => !id.includes('.'))
      await engine.mutate(DS, [
        {delete: {id: plain[0]}},
        {patch: {id: plain[1], set: {title: 'inflation government'}}},
        {createOrReplace: randomDoc(random, plain[2])},
        {create: {_id: 'fresh', _type: 'post', title: 'Inflation café'}},
      ], author)
      const drafts = imported.filter((id) => id.startsWith('drafts.'))
      for (const [i, draftId] of drafts.slice(0, 4).entries()) {
        const action = i % 2 === 0 ? {actionType: 'sanity.action.document.publish', draftId, publishedId: draftId.slice('drafts.'.length)} : {actionType: 'sanity.action.document.discard', draftId}
        await engine.act(DS, [action], author)
      }
      const behind = engine.textIndexBehind
      expect(behind).toBeGreaterThan(0)
      await check('after writes, behind', 150)
      // Part of the way: queries between catch-up steps.
      const catchUp = engine.catchUpTextIndex()
      await check('during catch-up', 60)
      await catchUp
      expect(engine.textIndexBehind).toBe(0)
      await check('caught up', 150)
      expect(failures.slice(0, 5).join('\n')).toBe('')
    } finally {
      Object.assign(textIndexing, saved)
    }
  })
})

/** The store's persisted lists hold exactly each current document's word counts (and nothing of other versions). */
function expectListsExact(store: Store, docs: SanityDocument[], label: string): void {
  const {postings} = store.fullText
  const live = postings.liveOrdinals(DS)
  expect(new Set(live.values()), label).toEqual(new Set(docs.map((doc) => doc._id)))
  for (const field of persistedFields) {
    const expected = new Map<string, Map<string, number>>()
    for (const doc of docs) {
      for (const [word, count] of wordCounts(field.textOf(doc))) {
        if (!expected.has(word)) expected.set(word, new Map())
        expected.get(word)!.set(doc._id, count)
      }
    }
    const words = postings.wordsWithPrefix(DS, field.key, '')
    for (const word of expected.keys()) expect(words, `${label}: ${word}`).toContain(word)
    for (const word of words) {
      const {ords, counts} = postings.posting(DS, field.key, word)
      const actual = new Map<string, number>()
      for (let i = 0; i < ords.length; i++) if (live.has(ords[i])) actual.set(live.get(ords[i])!, counts[i])
      expect(actual, `${label}: ${field.key} ${word}`).toEqual(expected.get(word) ?? new Map())
    }
  }
}

describe('the catch-up of the persisted lists', () => {
  const post = (random: Random, id: string) => ({...randomDoc(random, id), excerpt: text(random, 3), _type: 'post'})

  it('commits leave the lists to the catch-up (a durable note, no list rows); searches stay exact meanwhile; a rolled-back commit files nothing', async () => {
    const saved = {...textIndexing}
    const savedPlanner = {...planner}
    textIndexing.background = false
    // The score walk over the persisted lists for any word, and bulk mode for any number of candidates.
    Object.assign(planner, {bulkTextMin: 0, walkShare: 1e9})
    try {
      const random = seeded(SEED + 41)
      const engine = testEngine(join(tempDir(), 'lake.sqlite'))
      await engine.mutate(DS, Array.from({length: 40}, (_, i) => ({create: post(random, `p${i}`)})), author)
      await engine.catchUpTextIndex()
      const store = (engine as unknown as {store: Store}).store
      const db = (store as unknown as {db: Database.Database}).db
      const listRows = () => db.prepare('SELECT count(*) FROM text_postings').pluck().get() as number
      const before = listRows()
      await engine.mutate(DS, [{patch: {id: 'p1', set: {title: 'Zeitgeist zeitgeist'}}}, {create: {...post(random, 'p99'), title: 'zeitgeist'}}, {delete: {id: 'p2'}}], author)
      expect(listRows()).toBe(before)
      expect(store.fullText.listsBehind).toBe(3)
      expect(store.fullText.search(DS).lists()?.changed).toEqual(new Set(['p1', 'p2', 'p99']))
      const docs = [...engine.exportDocuments(DS)]
      for (const query of [
        '*[_type == "post" && [title, excerpt, pt::text(body)] match $p] | score(title match $p, excerpt match $p, pt::text(body) match $p) | order(_score desc, _id asc)[0...5]{_id, _score}',
        'count(*[_type == "post" && pt::text(body) match $p])',
        '*[title match $p]._id',
      ]) {
        for (const p of ['zeitgeist', 'inflation*', 'government']) {
          for (const perspective of ['raw', 'published'] as Perspective[]) {
            const view = applyPerspective(docs, resolvePerspective(perspective), {access: 'all', includeVersions: true})
            expect(await planned(engine, query, {p}, perspective), `${query} ${p} ${perspective}`).toEqual(await groqJs(view, query, {p}))
          }
        }
      }
      // A transaction that rolls back after its full-text step (the store then recounts): nothing of it is filed later.
      const ghost = {...post(random, 'ghost'), title: 'zeitgeist'} as SanityDocument
      // This writes around the engine, which would hold its writes while a path index's build (the
      // `_score` index the searches above asked for) holds SQLite's write lock.
      await store.pathIndexes.idle()
      expect(() =>
        db.transaction(() => {
          store.fullText.index(DS, [{id: 'ghost', after: ghost}])
          throw new Error('abort')
        })(),
      ).toThrow('abort')
      store.fullText.recount()
      await engine.catchUpTextIndex()
      expect(store.fullText.listsBehind).toBe(0)
      expect(listRows()).toBeGreaterThan(before)
      expect(store.fullText.search(DS).lists()?.changed.size).toBe(0)
      expectListsExact(store, docs, 'after the catch-up')
      engine.close()
    } finally {
      Object.assign(textIndexing, saved)
      Object.assign(planner, savedPlanner)
    }
  })

  it('refiles only the lists of a store whose FTS words are current (a store from before the lists)', async () => {
    const saved = {...textIndexing}
    textIndexing.background = false
    try {
      const file = join(tempDir(), 'lake.sqlite')
      const random = seeded(SEED + 40)
      const engine = testEngine(file)
      await engine.mutate(DS, Array.from({length: 300}, (_, i) => ({create: post(random, `p${i}`)})), author)
      // (A transaction of 300 creates files its words after the commit: engine.ts, mutate.)
      await engine.catchUpTextIndex()
      const docs = [...engine.exportDocuments(DS)]
      engine.close()
      // As a store written before the lists existed: no lists, FTS words current.
      const raw = new Database(file)
      raw.exec(`DELETE FROM fts_meta WHERE key = 'postings'; DROP TABLE text_postings; DROP TABLE text_documents;`)
      const words = () => raw.prepare('SELECT group_concat(hex(block)) FROM (SELECT block FROM fts_words_data ORDER BY id)').pluck().get()
      const before = words()
      raw.close()

      const store = new Store(file)
      try {
        expect(store.fullText.behind).toBe(0)
        expect(store.fullText.listsBehind).toBe(300)
        // (A few hundred documents not filed: the lists are used, those documents scored from their own words.)
        expect(store.fullText.search(DS).lists()?.changed.size).toBe(300)
        while (store.catchUpTextIndex(5) > 0 || store.fullText.needsWork) {
          // steps
        }
        expect(store.fullText.listsBehind).toBe(0)
        expect(store.fullText.search(DS).lists()).not.toBeNull()
        expectListsExact(store, docs, 'refiled')
      } finally {
        store.close()
      }
      const after = new Database(file, {readonly: true})
      // The FTS words were not written again.
      expect(after.prepare('SELECT group_concat(hex(block)) FROM (SELECT block FROM fts_words_data ORDER BY id)').pluck().get()).toBe(before)
      after.close()
    } finally {
      Object.assign(textIndexing, saved)
    }
  })

  it('stay exact when commits change documents whose lists are counted and not written yet', async () => {
    const saved = {...textIndexing}
    textIndexing.background = false
    try {
      const file = join(tempDir(), 'lake.sqlite')
      const random = seeded(SEED + 41)
      const engine = testEngine(file)
      await engine.importDocuments(DS, Array.from({length: 400}, (_, i) => post(random, `p${i}`)), {mode: 'create', author: 'test'})
      const store = (engine as unknown as {store: Store}).store
      const build = (store.fullText as unknown as {build: {size: number}}).build
      // Part of the way: some documents' words filed, their lists counted in memory only.
      while (build.size < 100) store.catchUpTextIndex(1)
      expect(store.fullText.behind).toBeGreaterThan(0)
      const counted = [...(store.fullText as unknown as {build: {datasets: Map<string, Map<string, unknown>>}}).build.datasets.get(DS)!.keys()]
      // A normal commit of counted documents, a deferred one (an import replacing them), a delete.
      await engine.mutate(DS, [{patch: {id: counted[0], set: {title: 'inflation government', excerpt: 'inflation'}}}, {delete: {id: counted[1]}}], author)
      await engine.importDocuments(DS, [post(random, counted[2]), post(random, counted[3])], {mode: 'createOrReplace', author: 'test'})
      await engine.mutate(DS, [{patch: {id: 'p399', set: {title: 'café café café'}}}], author)
      await engine.catchUpTextIndex()
      expect(store.fullText.listsBehind).toBe(0)
      expectListsExact(store, [...engine.exportDocuments(DS)], 'after the catch-up')
      expect(store.fullText.search(DS).lists()).not.toBeNull()
    } finally {
      Object.assign(textIndexing, saved)
    }
  })
})

function withSystemFields(doc: SanityDocument): SanityDocument {
  return {...doc, _rev: 'r', _createdAt: '2025-01-01T00:00:00Z', _updatedAt: '2025-01-01T00:00:00Z'}
}
