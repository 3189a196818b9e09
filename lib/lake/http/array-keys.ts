/**
 * `autoGenerateArrayKeys=true`: give every object inside an array a `_key` when it lacks one, as
 * Sanity does. Applied to the values mutations write (documents, and patch set/setIfMissing/insert).
 */
import crypto from 'node:crypto'
import type {Mutation} from '../engine/types'

export function withArrayKeys(mutations: Mutation[]): Mutation[] {
  return mutations.map((mutation) => {
    const [type] = Object.keys(mutation)
    const body = mutation[type]
    if (type === 'create' || type === 'createOrReplace' || type === 'createIfNotExists') return {[type]: addKeys(body) as Record<string, unknown>}
    if (type === 'patch') {
      const patch = {...body}
      for (const op of ['set', 'setIfMissing', 'insert'] as const) if (patch[op] !== undefined) patch[op] = addKeys(patch[op])
      return {patch}
    }
    return mutation
  })
}

function addKeys(value: unknown, inArray = false): unknown {
  if (Array.isArray(value)) return value.map((item) => addKeys(item, true))
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value)) out[key] = addKeys(child)
  if (inArray && typeof out._key !== 'string') out._key = crypto.randomBytes(6).toString('hex')
  return out
}
