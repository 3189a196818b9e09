/**
 * The local Content Lake's storage/query engine (see types.ts for the contract).
 *
 * Modules: store.ts (SQLite: documents, transactions, document versions), document-cache.ts
 * (parsed, frozen documents and one view per perspective, derived commit by commit),
 * view-index.ts (a view's indexes: types, orderings, equality, references), fts.ts (SQLite FTS5
 * full-text index: `match` candidates, written in the commit transaction), field-index.ts
 * (full text of a `match` expression: match and score()), groq.ts (parsing, params, errors),
 * scan-plan.ts (recognises indexable pipelines and filter terms), executor.ts (evaluates: indexes
 * for pipelines, native for simple nodes, groq-js for the rest), groq-order.ts / references.ts /
 * text-index.ts (groq-js's ordering, equality, references() and match tokenisation, reproduced),
 * perspective.ts, mutations.ts (via @sanity/mutator), actions.ts (Actions API), working-set.ts (a
 * transaction's view), history.ts, import-export.ts, engine.ts (wiring, write serialization,
 * listeners).
 */
import {LakeEngine, type EngineOptions} from './engine'
import type {Engine} from './types'

export * from './types'
export type {EngineOptions} from './engine'

/** Opens (creating or upgrading if needed) the store at `options.file` (a SQLite path, or ':memory:'). */
export function openEngine(options: EngineOptions): Engine {
  return new LakeEngine(options)
}
