/**
 * The local Content Lake's storage/query engine (see types.ts for the contract).
 *
 * Modules: store.ts (SQLite: documents, transactions, document versions), document-cache.ts
 * (parsed, frozen documents and per-perspective views in memory), groq.ts + scan-plan.ts (GROQ via
 * groq-js with cached, planned trees), perspective.ts, mutations.ts (via @sanity/mutator),
 * actions.ts (Actions API), working-set.ts (a transaction's view), history.ts, import-export.ts,
 * engine.ts (wiring, write serialization, listeners).
 */
import {LakeEngine, type EngineOptions} from './engine'
import type {Engine} from './types'

export * from './types'
export type {EngineOptions} from './engine'

/** Opens (creating or upgrading if needed) the store at `options.file` (a SQLite path, or ':memory:'). */
export function openEngine(options: EngineOptions): Engine {
  return new LakeEngine(options)
}
