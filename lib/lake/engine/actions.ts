/**
 * Sanity's Actions API (`sanity.action.document.*`), which the Studio uses for every draft edit,
 * publish and unpublish. Each action becomes plain mutations applied to the shared working set,
 * so a request of several actions commits as one transaction (the client's transactionId).
 */
import {actionError} from './errors'
import {isValidDocumentId, publishedIdOf} from './ids'
import {applyMutations, isPlainObject, type AppliedMutations, type MutationContext} from './mutations'
import {draftIdOf} from './perspective'
import {releaseHandlers} from './releases'
import {LakeError, type Mutation, type SanityDocument} from './types'

type ActionHandler = (action: Record<string, unknown>, index: number, context: MutationContext) => Mutation[]

const SYSTEM_FIELDS_TO_RESET = ['_rev', '_updatedAt'] as const

function requireId(action: Record<string, unknown>, field: string, index: number): string {
  const id = action[field]
  if (!isValidDocumentId(id)) {
    throw actionError(400, index, 'invalidActionError', `"${field}" must be a valid document id; got ${JSON.stringify(id)}`)
  }
  return id
}

function optionalId(action: Record<string, unknown>, field: string, index: number): string | undefined {
  return action[field] === undefined ? undefined : requireId(action, field, index)
}

function requireObject(action: Record<string, unknown>, field: string, index: number): Record<string, unknown> {
  const value = action[field]
  if (!isPlainObject(value)) throw actionError(400, index, 'invalidActionError', `"${field}" must be an object`)
  return value
}

function notFound(index: number, description: string, id: string): LakeError {
  return actionError(409, index, 'documentNotFoundError', description, {id})
}

function revisionMismatch(index: number, id: string, current: string | undefined, expected: string): LakeError {
  return actionError(
    409,
    index,
    'documentRevisionIDDoesNotMatchError',
    `Document "${id}" has unexpected revision ID ("${current ?? ''}"), expected "${expected}"`,
    {id, currentRevisionID: current ?? null, expectedRevisionID: expected},
  )
}

/** A stored document copied to another id (draft ↔ published): its revision fields belong to the copy. */
function copyAs(source: SanityDocument, id: string): Record<string, unknown> {
  const copy: Record<string, unknown> = {...source, _id: id}
  for (const field of SYSTEM_FIELDS_TO_RESET) delete copy[field]
  return copy
}

/** The draft id an action names; defaults to `drafts.<publishedId>`. */
function draftIdFor(action: Record<string, unknown>, index: number): string {
  const publishedId = optionalId(action, 'publishedId', index)
  const draftId = optionalId(action, 'draftId', index) ?? (publishedId ? draftIdOf(publishedId) : undefined)
  if (!draftId) throw actionError(400, index, 'invalidActionError', 'The action needs "draftId" or "publishedId"')
  return draftId
}

function publishedIdFor(action: Record<string, unknown>, index: number, draftId?: string): string {
  return optionalId(action, 'publishedId', index) ?? (draftId ? publishedIdOf(draftId) : requireId(action, 'publishedId', index))
}

const handlers: Record<string, ActionHandler> = {
  'sanity.action.document.create'(action, index, {workingSet}) {
    const attributes = requireObject(action, 'attributes', index)
    const publishedId = optionalId(action, 'publishedId', index)
    const id = attributes._id ?? (publishedId ? draftIdOf(publishedId) : undefined)
    if (!isValidDocumentId(id)) throw actionError(400, index, 'invalidActionError', 'attributes._id or publishedId must give a valid document id')
    if (publishedId && publishedIdOf(id) !== publishedId) {
      throw actionError(400, index, 'invalidActionError', `Document "${id}" is not a draft or version of "${publishedId}"`)
    }
    const ifExists = action.ifExists ?? 'fail'
    if (ifExists !== 'fail' && ifExists !== 'ignore') {
      throw actionError(400, index, 'invalidActionError', '"ifExists" must be "fail" or "ignore"')
    }
    if (workingSet.get(id)) {
      if (ifExists === 'ignore') return []
      throw actionError(409, index, 'documentAlreadyExistsError', `Document by ID "${id}" already exists`, {id})
    }
    return [{create: {...attributes, _id: id}}]
  },

  'sanity.action.document.edit'(action, index, {workingSet}) {
    const draftId = draftIdFor(action, index)
    const publishedId = publishedIdFor(action, index, draftId)
    const patch = requireObject(action, 'patch', index)
    if (patch.id !== undefined || patch.query !== undefined) {
      throw actionError(400, index, 'invalidActionError', 'An edit patch targets the draft: it may not carry "id" or "query"')
    }
    const mutations: Mutation[] = []
    if (!workingSet.get(draftId)) {
      const published = workingSet.get(publishedId)
      if (!published) {
        throw notFound(index, `Cannot edit document "${publishedId}": it exists neither as a draft nor published`, publishedId)
      }
      mutations.push({create: copyAs(published, draftId)})
    }
    mutations.push({patch: {...patch, id: draftId}})
    return mutations
  },

  'sanity.action.document.publish'(action, index, {workingSet}) {
    const draftId = draftIdFor(action, index)
    const publishedId = publishedIdFor(action, index, draftId)
    const draft = workingSet.get(draftId)
    if (!draft) throw notFound(index, `Cannot publish "${publishedId}": there is no draft "${draftId}"`, draftId)
    const published = workingSet.get(publishedId)
    if (typeof action.ifDraftRevisionId === 'string' && draft._rev !== action.ifDraftRevisionId) {
      throw revisionMismatch(index, draftId, draft._rev, action.ifDraftRevisionId)
    }
    if (typeof action.ifPublishedRevisionId === 'string' && published?._rev !== action.ifPublishedRevisionId) {
      throw revisionMismatch(index, publishedId, published?._rev, action.ifPublishedRevisionId)
    }
    // The published document keeps its original creation time across publishes.
    const next = {...copyAs(draft, publishedId), _createdAt: published?._createdAt ?? draft._createdAt}
    const mutations: Mutation[] = [{createOrReplace: next}, {delete: {id: draftId}}]
    return mutations
  },

  'sanity.action.document.unpublish'(action, index, {workingSet}) {
    const draftId = draftIdFor(action, index)
    const publishedId = publishedIdFor(action, index, draftId)
    const published = workingSet.get(publishedId)
    if (!published) throw notFound(index, `Cannot unpublish "${publishedId}": it is not published`, publishedId)
    const mutations: Mutation[] = []
    if (!workingSet.get(draftId)) mutations.push({create: copyAs(published, draftId)})
    mutations.push({delete: {id: publishedId}})
    return mutations
  },

  'sanity.action.document.discard'(action, index, {workingSet}) {
    const draftId = requireId(action, 'draftId', index)
    if (!workingSet.get(draftId)) throw notFound(index, `Cannot discard "${draftId}": the draft does not exist`, draftId)
    return [{delete: {id: draftId}}]
  },

  'sanity.action.document.delete'(action, index, {workingSet}) {
    const publishedId = requireId(action, 'publishedId', index)
    const includeDrafts = action.includeDrafts ?? []
    if (!Array.isArray(includeDrafts) || !includeDrafts.every((id) => isValidDocumentId(id) && publishedIdOf(id) === publishedId)) {
      throw actionError(400, index, 'invalidActionError', `"includeDrafts" must list draft or version ids of "${publishedId}"`)
    }
    const ids = [publishedId, ...(includeDrafts as string[])].filter((id) => workingSet.get(id))
    if (ids.length === 0) throw notFound(index, `Cannot delete "${publishedId}": it does not exist`, publishedId)
    return ids.map((id) => ({delete: {id}}))
  },

  'sanity.action.document.replaceDraft'(action, index) {
    const attributes = requireObject(action, 'attributes', index)
    const publishedId = requireId(action, 'publishedId', index)
    const draftId = attributes._id ?? optionalId(action, 'draftId', index) ?? draftIdOf(publishedId)
    if (!isValidDocumentId(draftId) || publishedIdOf(draftId) !== publishedId || draftId === publishedId) {
      throw actionError(400, index, 'invalidActionError', `The replacement must be a draft or version of "${publishedId}"`)
    }
    return [{createOrReplace: {...attributes, _id: draftId}}]
  },

  // Either {document} (the new version itself) or {baseId, versionId} (a copy of another document).
  'sanity.action.document.version.create'(action, index, {workingSet}) {
    let document: Record<string, unknown>
    if (action.document !== undefined) {
      document = requireObject(action, 'document', index)
    } else {
      const baseId = requireId(action, 'baseId', index)
      const base = workingSet.get(baseId)
      if (!base) throw notFound(index, `Cannot create a version from "${baseId}": it does not exist`, baseId)
      if (typeof action.ifBaseRevisionId === 'string' && base._rev !== action.ifBaseRevisionId) {
        throw revisionMismatch(index, baseId, base._rev, action.ifBaseRevisionId)
      }
      document = copyAs(base, requireId(action, 'versionId', index))
    }
    const id = document._id
    if (!isValidDocumentId(id) || !id.startsWith('versions.')) {
      throw actionError(400, index, 'invalidActionError', 'The version id must be a release version id (versions.<release>.<id>)')
    }
    if (workingSet.get(id)) throw actionError(409, index, 'documentAlreadyExistsError', `Document by ID "${id}" already exists`, {id})
    return [{create: document}]
  },

  // Marks the version so that publishing its release unpublishes the document.
  'sanity.action.document.version.unpublish'(action, index, {workingSet}) {
    const versionId = requireId(action, 'versionId', index)
    if (!workingSet.get(versionId)) throw notFound(index, `Cannot unpublish "${versionId}": the version does not exist`, versionId)
    return [{patch: {id: versionId, setIfMissing: {_system: {}}, set: {'_system.delete': true}}}]
  },

  'sanity.action.document.version.discard'(action, index, {workingSet}) {
    const versionId = requireId(action, 'versionId', index)
    if (!workingSet.get(versionId)) throw notFound(index, `Cannot discard "${versionId}": the version does not exist`, versionId)
    return [{delete: {id: versionId}}]
  },

  'sanity.action.document.version.replace'(action, index, {workingSet}) {
    const document = requireObject(action, 'document', index)
    const id = document._id
    if (!isValidDocumentId(id) || !id.startsWith('versions.')) {
      throw actionError(400, index, 'invalidActionError', 'document._id must be a release version id (versions.<release>.<id>)')
    }
    if (!workingSet.get(id)) throw notFound(index, `Cannot replace "${id}": the version does not exist`, id)
    return [{createOrReplace: document}]
  },

  // Content Releases (releases.ts).
  ...releaseHandlers,
}

export const ACTION_TYPES = Object.keys(handlers)

export async function act(actions: unknown, context: MutationContext): Promise<AppliedMutations> {
  if (!Array.isArray(actions) || actions.length === 0) {
    throw actionError(400, 0, 'invalidActionError', 'Expected a non-empty array of actions')
  }
  const outcome: AppliedMutations = {results: [], applied: []}
  for (const [index, action] of actions.entries()) {
    if (!isPlainObject(action) || typeof action.actionType !== 'string') {
      throw actionError(400, index, 'invalidActionError', 'Each action must be an object with an "actionType"')
    }
    const handler = handlers[action.actionType]
    if (!handler) {
      throw actionError(400, index, 'invalidActionError', `Unknown action type "${action.actionType}": expected one of ${ACTION_TYPES.join(', ')}`)
    }
    const mutations = handler(action, index, context)
    if (mutations.length === 0) continue
    try {
      const applied = await applyMutations(mutations, context)
      outcome.results.push(...applied.results)
      outcome.applied.push(...applied.applied)
    } catch (error) {
      throw error instanceof LakeError ? asActionError(error, index) : error
    }
  }
  return outcome
}

/** A mutation error raised while running an action, re-pointed at the action's index. */
function asActionError(error: LakeError, index: number): LakeError {
  const items = error.body.error.items
  const item = Array.isArray(items) && items.length > 0 ? (items[0] as {error: {type: string; description: string}}) : undefined
  if (!item) return error
  return actionError(error.status, index, item.error.type, item.error.description, item.error)
}
