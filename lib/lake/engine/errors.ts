/**
 * Builders for the errors the engine raises. Each produces a LakeError whose status and body are
 * what Sanity's HTTP API answers in the same situation, so the HTTP layer can send them as they are.
 */
import {LakeError} from './types'

export interface MutationErrorItem {
  /** Position of the failing mutation (or action) in the request. */
  index: number
  error: {type: string; description: string; [key: string]: unknown}
}

/** A failed mutation: `{error: {type: 'mutationError', description, items: [{index, error}]}}`. */
export function mutationError(status: number, item: MutationErrorItem): LakeError {
  return new LakeError(status, {
    error: {type: 'mutationError', description: item.error.description, items: [item]},
  })
}

export function invalidMutation(index: number, description: string): LakeError {
  return mutationError(400, {index, error: {type: 'invalidMutationError', description}})
}

export function documentAlreadyExists(index: number, id: string): LakeError {
  return mutationError(409, {
    index,
    error: {type: 'documentAlreadyExistsError', id, description: `Document by ID "${id}" already exists`},
  })
}

export function documentNotFound(index: number, id: string): LakeError {
  return mutationError(409, {
    index,
    error: {type: 'documentNotFoundError', id, description: `Document "${id}" not found`},
  })
}

export function revisionMismatch(index: number, id: string, currentRevisionID: string, expectedRevisionID: string): LakeError {
  return mutationError(409, {
    index,
    error: {
      type: 'documentRevisionIDDoesNotMatchError',
      id,
      currentRevisionID,
      expectedRevisionID,
      description: `Document "${id}" has unexpected revision ID ("${currentRevisionID}"), expected "${expectedRevisionID}"`,
    },
  })
}

/** Actions API failures carry the failing action's index, like mutation errors. */
export function actionError(status: number, index: number, type: string, description: string, extra: Record<string, unknown> = {}): LakeError {
  return new LakeError(status, {
    error: {type: 'actionError', description, items: [{index, error: {type, description, ...extra}}]},
  })
}

/** Sanity's GROQ error shape: `{error: {type: 'queryParseError', description, start, end, query}}`. */
export function queryParseError(query: string, description: string, start: number, end: number): LakeError {
  return new LakeError(400, {error: {type: 'queryParseError', description, start, end, query}})
}

export function queryExecutionError(query: string, description: string): LakeError {
  return new LakeError(400, {error: {type: 'queryExecutionError', description, query}})
}

/** Bad input outside mutations and queries (dataset names, perspectives, options). */
export function badRequest(description: string): LakeError {
  return new LakeError(400, {error: {type: 'badRequestError', description}})
}
