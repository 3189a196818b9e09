/** The local Content Lake's storage/query engine. See types.ts for the contract. */
import {LakeEngine, type EngineOptions} from './engine'
import type {Engine} from './types'

export * from './types'
export type {EngineOptions} from './engine'

/** Opens (creating or upgrading if needed) the store at `options.file` (a SQLite path, or ':memory:'). */
export function openEngine(options: EngineOptions): Engine {
  return new LakeEngine(options)
}
