/**
 * The lists shared by pipelines with the same document-only terms (executor.ts: `static:` lists
 * and their orderings) are carried across commits (view-index.ts, deriveMemos) instead of being
 * built again by the first query after every edit. Differential: queries of the site's shapes
 * interleaved with small commits (create, patch, delete, publish, discard) give exactly what
 * groq-js gives; a query started before a commit answers from the documents as they were; and
 * after a one-document edit the next query finds the lists carried, not rebuilt.
 */
import {evaluate, parse} from 'groq-js'
import {describe, expect, it} from 'vitest'
import type {Engine, Mutation, Perspective} from '@/lib/lake/engine'
import type {LakeEngine} from '@/lib/lake/engine/engine'
import {applyPerspective, resolvePerspective} from '@/lib/lake/engine/perspective'
import {author, DS, testEngine} from './helpers'
import {randomDocument, randomDocuments, randomId, seeded, type Random} from './random-groq'

const STEPS = Number(process.env.LAKE_SHARED_STEPS ?? 400)
const SEED = Number(process.env.LAKE_DIFF_SEED ?? 12)
const PERSPECTIVES: Perspective[] = ['raw', 'published', 'drafts']
const VISIBLE = '_type == "post" && defined(slug.current) && !(_id in path("drafts.**"))'
const QUERIES: string[] = [
  `*[${VISIBLE}] | order(publishedAt desc, _id desc)[0...6]._id`,
  `*[${VISIBLE}] | order(publishedAt asc)[2...7]{_id, publishedAt}`,
  `count(*[${VISIBLE}])`,
  `*[${VISIBLE} && $c in categories[]._ref] | order(publishedAt desc, _id desc)[0...5]._id`,
  `count(*[${VISIBLE} && $c in categories[]._ref])`,
  `*[${VISIBLE} && publishedAt < $d] | order(publishedAt desc)[0]._id`,
  `*[_type == "post" && defined(title)] | order(title desc, _id)[0...8]._id`,
  `*[defined(slug.current) && !(_id in path("versions.**"))] | order(n desc)[0...5]._id`,
  `count(*[_type in ["post", "page"] && defined(publishedAt)])`,
]
const CATEGORY_IDS = ['a', 'b', 'c', 'd']
const DATES = ['2020-01-01', '2022-06-01', '2024-01-01', '2025-12-31T00:00:00Z']

function params(random: Random): Record<string, unknown> {
  return {c: CATEGORY_IDS[Math.floor(random() * CATEGORY_IDS.length)], d: DATES[Math.floor(random() * DATES.length)]}
}

async function groqJs(stored: unknown[], perspective: Perspective, query: string, values: Record<string, unknown>): Promise<unknown> {
  const dataset = applyPerspective(stored as never[], resolvePerspective(perspective), {access: 'all', includeVersions: true})
  return (await evaluate(parse(query, {params: values}), {dataset, params: values})).get()
}

/** One small commit: create, patch, delete, publish or discard one document. */
function oneChange(random: Random, engine: Engine): Mutation[] {
  const existing = [...engine.exportDocuments(DS)].map((doc) => doc._id)
  const r = random()
  const id = r < 0.3 || existing.length === 0 ? randomId(random) : existing[Math.floor(random() * existing.length)]
  if (r < 0.3) return [{createOrReplace: randomDocument(random, id)}]
  if (r < 0.6) {
    const fresh = randomDocument(random, id)
    const set = Object.fromEntries(Object.entries(fresh).filter(([key]) => !key.startsWith('_')).slice(0, 3))
    return [{patch: {id, set: {...set, _type: random() < 0.7 ? 'post' : fresh._type}}}]
  }
  if (r < 0.75) return [{delete: {id}}]
  if (id.startsWith('drafts.')) {
    const draft = engine.getDocuments(DS, [id])[0]
    if (r < 0.9 && draft) return [{createOrReplace: {...draft, _id: id.slice('drafts.'.length)}}, {delete: {id}}]
    return [{delete: {id}}]
  }
  return [{patch: {id, set: {slug: {_type: 'slug', current: `s${Math.floor(random() * 9)}`}}}}]
}

describe('shared static lists across commits', () => {
  it(`agree with groq-js over ${STEPS} queries interleaved with one-document commits, in-flight queries keeping their snapshot`, {timeout: 300_000}, async () => {
    const random = seeded(SEED * 7 + 3)
    const engine = testEngine()
    const documents = randomDocuments(random, 120).map((doc) => ({...doc, categories: doc.categories ? (doc.categories as {_ref: string}[]).map((c, i) => ({...c, _ref: CATEGORY_IDS[i % 4]})) : undefined}))
    await engine.mutate(DS, documents.map((doc) => ({create: doc})), author)
    const failures: string[] = []
    for (let step = 0; step < STEPS && failures.length < 5; step++) {
      const query = QUERIES[Math.floor(random() * QUERIES.length)]
      const perspective = PERSPECTIVES[Math.floor(random() * PERSPECTIVES.length)]
      const values = params(random)
      const before = [...engine.exportDocuments(DS)]
      // Started before the commit (its view is taken now), finished after it.
      const inFlight = engine.query(DS, query, values, {perspective})
      const change = random() < 0.6 ? oneChange(random, engine) : []
      if (change.length > 0) await engine.mutate(DS, change, author)
      const after = [...engine.exportDocuments(DS)]
      const checks: [string, Promise<unknown>, unknown[]][] = [
        ['in flight across the commit', inFlight.then(({result}) => result), before],
        ['after the commit', engine.query(DS, query, values, {perspective}).then(({result}) => result), after],
      ]
      for (const [when, answer, stored] of checks) {
        const [actual, expected] = await Promise.all([answer, groqJs(stored, perspective, query, values)])
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          failures.push(`step ${step}, ${when}: ${query} ${JSON.stringify(values)} ${JSON.stringify(perspective)}\n  groq-js ${JSON.stringify(expected)}\n  engine  ${JSON.stringify(actual)}`)
        }
      }
    }
    expect(failures, failures.join('\n\n')).toEqual([])
  })

  it('after a one-document edit, the next query finds its shared list and ordering carried, not built again', async () => {
    const random = seeded(SEED)
    const engine = testEngine() as LakeEngine & {file: string}
    await engine.mutate(DS, randomDocuments(random, 100).map((doc) => ({create: doc})), author)
    const query = `*[${VISIBLE}] | order(publishedAt desc, _id desc)[0...6]._id`
    await engine.query(DS, query, {}, {perspective: 'published'})
    const posts = [...engine.exportDocuments(DS)].filter((doc) => doc._type === 'post' && !doc._id.startsWith('drafts.'))
    await engine.mutate(DS, [{patch: {id: posts[0]._id, set: {publishedAt: '2030-01-01', slug: {_type: 'slug', current: 'moved'}}}}], author)
    const builds = engine.workingSet(DS).indexBuilds
    const {result} = await engine.query(DS, query, {}, {perspective: 'published'})
    expect(result).toEqual(await groqJs([...engine.exportDocuments(DS)], 'published', query, {}))
    expect(result).toContain(posts[0]._id)
    // Nothing built: the list and its ordering were derived with the commit.
    expect(engine.workingSet(DS).indexBuilds).toBe(builds)
  })
})
