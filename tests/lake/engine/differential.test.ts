/**
 * Differential test: the engine's planned evaluation (indexes, top-k walks, counts, match
 * pre-filtering, index maintenance across commits) must give exactly what plain groq-js gives
 * over the same documents. Seeded random documents and queries; LAKE_DIFF_CASES=20000 runs more
 * (default: a few thousand), LAKE_DIFF_SEED picks another seed.
 */
import {evaluate, parse} from 'groq-js'
import {describe, expect, it} from 'vitest'
import type {Engine, Mutation, Perspective} from '@/lib/lake/engine'
import {applyPerspective, resolvePerspective} from '@/lib/lake/engine/perspective'
import {author, DS, testEngine} from './helpers'
import {randomDocument, randomDocuments, randomId, randomQuery, seeded, type Random} from './random-groq'

const CASES = Number(process.env.LAKE_DIFF_CASES ?? 3000)
const SEED = Number(process.env.LAKE_DIFF_SEED ?? 12)
const WORLDS = 6
const ROUNDS = 4
const PERSPECTIVES: Perspective[] = ['raw', 'published', 'drafts', ['r1', 'drafts']]

async function groqJs(dataset: unknown[], query: string, params: Record<string, unknown>): Promise<{value?: unknown; error?: string}> {
  try {
    const tree = parse(query, {params})
    const value = await evaluate(tree, {dataset, params})
    return {value: await value.get()}
  } catch (error) {
    return {error: String(error)}
  }
}

async function planned(engine: Engine, query: string, params: Record<string, unknown>, perspective: Perspective): Promise<{value?: unknown; error?: string}> {
  try {
    return {value: (await engine.query(DS, query, params, {perspective})).result}
  } catch (error) {
    return {error: String(error)}
  }
}

/** Creates, patches, deletes, publishes (draft → published) and discards drafts at random. */
function randomMutations(random: Random, engine: Engine): Mutation[] {
  const existing = [...engine.exportDocuments(DS)].map((doc) => doc._id)
  const mutations: Mutation[] = []
  const touched = new Set<string>()
  for (let i = 0; i < 6; i++) {
    const r = random()
    const id = r < 0.3 || existing.length === 0 ? randomId(random) : existing[Math.floor(random() * existing.length)]
    if (touched.has(id)) continue
    touched.add(id)
    if (r < 0.3) mutations.push({createOrReplace: randomDocument(random, id)})
    else if (r < 0.55) {
      const fresh = randomDocument(random, id)
      const set = Object.fromEntries(Object.entries(fresh).filter(([key]) => !key.startsWith('_')).slice(0, 2))
      mutations.push({patch: {id, set: {...set, _type: fresh._type}}})
    } else if (r < 0.7) mutations.push({delete: {id}})
    else if (r < 0.85 && id.startsWith('drafts.')) {
      // publish: the draft becomes the published document
      const draft = engine.getDocuments(DS, [id])[0]
      const publishedId = id.slice('drafts.'.length)
      if (draft && !touched.has(publishedId)) {
        touched.add(publishedId)
        mutations.push({createOrReplace: {...draft, _id: publishedId}}, {delete: {id}})
      }
    } else if (id.startsWith('drafts.')) mutations.push({delete: {id}}) // discard
  }
  return mutations
}

describe('differential: planner vs plain groq-js', () => {
  it(`agrees on ${CASES} random queries over random documents, across commits`, {timeout: 600_000}, async () => {
    const perWorld = Math.ceil(CASES / WORLDS / ROUNDS)
    const failures: string[] = []
    let compared = 0
    for (let world = 0; world < WORLDS; world++) {
      const random = seeded(SEED * 1000 + world)
      const engine = testEngine()
      await engine.mutate(DS, randomDocuments(random, 60 + world * 10).map((doc) => ({create: doc})), author)
      for (let round = 0; round < ROUNDS; round++) {
        const stored = [...engine.exportDocuments(DS)]
        const datasets = PERSPECTIVES.map((perspective) => applyPerspective(stored, resolvePerspective(perspective), {access: 'all', includeVersions: true}))
        for (let i = 0; i < perWorld; i++) {
          const {query, params} = randomQuery(random)
          const which = Math.floor(random() * PERSPECTIVES.length)
          const perspective = PERSPECTIVES[which]
          const expected = await groqJs(datasets[which], query, params)
          const actual = await planned(engine, query, params, perspective)
          compared++
          const same = expected.error !== undefined ? actual.error !== undefined : JSON.stringify(actual.value) === JSON.stringify(expected.value)
          if (!same && failures.length < 5) {
            failures.push(
              `world ${world} round ${round}: ${query}\n  params ${JSON.stringify(params)} perspective ${JSON.stringify(perspective)}\n` +
                `  groq-js: ${JSON.stringify(expected).slice(0, 400)}\n  engine:  ${JSON.stringify(actual).slice(0, 400)}`,
            )
          }
        }
        // Commits between rounds: the next round's queries run on views derived from these changes.
        const mutations = randomMutations(random, engine)
        if (mutations.length > 0) await engine.mutate(DS, mutations, author)
      }
    }
    expect(failures, failures.join('\n\n')).toEqual([])
    expect(compared).toBeGreaterThanOrEqual(CASES)
  })
})
