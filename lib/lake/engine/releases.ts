/**
 * Content Releases (`sanity.action.release.*`), the actions the Studio 5 Releases tool sends.
 *
 * A release is the document `_.releases.<releaseId>` (`_type: 'system.release'`, `name`, `state`,
 * `metadata`, `publishAt`, `publishedAt`, `finalDocumentStates`); its documents are the versions
 * `versions.<releaseId>.<id>`. States: `active` → `scheduled` (unschedule → `active`) →
 * `published`; `active` → `archived` (unarchive → `active`); an archived or published release can
 * be deleted. Publishing writes every version over its published document (or deletes the
 * published document for versions marked by `version.unpublish`) and removes the versions, all in
 * the one transaction of the action, so readers never see half a release.
 *
 * Scheduled releases are published by the lake itself at `publishAt` (release-scheduler.ts), through
 * the same publish action.
 */
import {actionError} from './errors'
import {isValidDocumentId, publishedIdOf, releaseNameOf} from './ids'
import {isPlainObject, type MutationContext} from './mutations'
import type {Mutation, SanityDocument} from './types'

/** How far in the past a `publishAt` may be (clock skew between the Studio and the lake). */
const SCHEDULE_GRACE_MS = 60_000

export const RELEASE_TYPE = 'system.release'
export const releaseDocumentId = (releaseId: string) => `_.releases.${releaseId}`

/** A version id and its revision when its release was archived (to restore it on unarchive). */
interface FinalState {
  id: string
  _rev?: string
}

/** What release handlers need beyond a plain mutation context: earlier revisions (unarchive). */
export type ReleaseContext = MutationContext & {
  documentAt?: (id: string, at: {revision?: string}) => SanityDocument | null
}

type ReleaseHandler = (action: Record<string, unknown>, index: number, context: ReleaseContext) => Mutation[]

const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/
const RELEASE_TYPES = new Set(['asap', 'scheduled', 'undecided'])
const SYSTEM_FIELDS = ['_rev', '_updatedAt', '_createdAt'] as const

function invalid(index: number, description: string) {
  return actionError(400, index, 'invalidActionError', description)
}

function releaseIdOf(action: Record<string, unknown>, index: number): string {
  const id = action.releaseId
  if (typeof id !== 'string' || !RELEASE_ID.test(id)) throw invalid(index, `"releaseId" must be 1-64 characters of a-zA-Z0-9_- starting with a letter or digit`)
  return id
}

function existingRelease(context: ReleaseContext, releaseId: string, index: number): SanityDocument {
  const release = context.workingSet.get(releaseDocumentId(releaseId))
  if (!release) throw actionError(409, index, 'releaseNotFoundError', `Release "${releaseId}" does not exist`, {releaseId})
  return release
}

function requireState(release: SanityDocument, allowed: string[], index: number, doing: string) {
  if (!allowed.includes(String(release.state))) {
    throw actionError(409, index, 'releaseStateError', `Cannot ${doing} release "${String(release.name)}" in state "${String(release.state)}" (needs ${allowed.join(' or ')})`, {
      releaseId: release.name,
      state: release.state,
    })
  }
}

/** The release's version documents, as the transaction currently sees them. */
function versionsOf(context: ReleaseContext, releaseId: string): SanityDocument[] {
  const prefix = `versions.${releaseId}.`
  return context.workingSet.all().flatMap((doc) => (doc._id.startsWith(prefix) ? [context.workingSet.get(doc._id)!] : []))
}

function checkMetadata(metadata: unknown, index: number): Record<string, unknown> {
  if (metadata === undefined) return {}
  if (!isPlainObject(metadata)) throw invalid(index, '"metadata" must be an object')
  if (metadata.releaseType !== undefined && !RELEASE_TYPES.has(metadata.releaseType as string)) {
    throw invalid(index, '"metadata.releaseType" must be asap, scheduled or undecided')
  }
  if (metadata.intendedPublishAt !== undefined && (typeof metadata.intendedPublishAt !== 'string' || Number.isNaN(Date.parse(metadata.intendedPublishAt)))) {
    throw invalid(index, '"metadata.intendedPublishAt" must be an ISO 8601 timestamp')
  }
  return metadata
}

/** Replaces the release document (system fields are the engine's). */
function writeRelease(release: SanityDocument, changes: Record<string, unknown>, remove: string[] = []): Mutation {
  const next: Record<string, unknown> = {...release, ...changes}
  for (const field of [...SYSTEM_FIELDS, ...remove]) if (field !== '_createdAt') delete next[field]
  return {createOrReplace: next}
}

export const releaseHandlers: Record<string, ReleaseHandler> = {
  'sanity.action.release.create'(action, index, context) {
    const releaseId = releaseIdOf(action, index)
    const id = releaseDocumentId(releaseId)
    if (context.workingSet.get(id)) throw actionError(409, index, 'documentAlreadyExistsError', `Release "${releaseId}" already exists`, {id})
    const metadata = {releaseType: 'undecided', ...checkMetadata(action.metadata, index)}
    return [{create: {_id: id, _type: RELEASE_TYPE, name: releaseId, state: 'active', metadata}}]
  },

  'sanity.action.release.edit'(action, index, context) {
    const releaseId = releaseIdOf(action, index)
    const release = existingRelease(context, releaseId, index)
    requireState(release, ['active'], index, 'edit')
    if (!isPlainObject(action.patch)) throw invalid(index, '"patch" must be a patch object (set, unset, …)')
    if (action.patch.id !== undefined || action.patch.query !== undefined) throw invalid(index, 'An edit patch targets the release: it may not carry "id" or "query"')
    return [{patch: {...action.patch, id: releaseDocumentId(releaseId)}}]
  },

  'sanity.action.release.schedule'(action, index, context) {
    const releaseId = releaseIdOf(action, index)
    const release = existingRelease(context, releaseId, index)
    requireState(release, ['active'], index, 'schedule')
    const publishAt = action.publishAt
    if (typeof publishAt !== 'string' || Number.isNaN(Date.parse(publishAt))) throw invalid(index, '"publishAt" must be an ISO 8601 timestamp')
    // A minute of grace for clocks: the Studio checks that an editor may schedule with a dry run at
    // its own `new Date()`, which is already past when the lake commits. Within it the release is due
    // at once (the scheduler publishes it).
    if (Date.parse(publishAt) < Date.parse(context.timestamp) - SCHEDULE_GRACE_MS) throw invalid(index, '"publishAt" must be in the future')
    return [writeRelease(release, {state: 'scheduled', publishAt: new Date(publishAt).toISOString()})]
  },

  'sanity.action.release.unschedule'(action, index, context) {
    const releaseId = releaseIdOf(action, index)
    const release = existingRelease(context, releaseId, index)
    requireState(release, ['scheduled'], index, 'unschedule')
    return [writeRelease(release, {state: 'active'}, ['publishAt'])]
  },

  'sanity.action.release.publish'(action, index, context) {
    const releaseId = releaseIdOf(action, index)
    const release = existingRelease(context, releaseId, index)
    requireState(release, ['active', 'scheduled'], index, 'publish')
    // A scheduled release is published by the lake's scheduler when its time has come, not before.
    if (release.state === 'scheduled' && Date.parse(String(release.publishAt)) > Date.parse(context.timestamp)) {
      throw actionError(409, index, 'releaseStateError', `Release "${releaseId}" is scheduled for ${String(release.publishAt)}: unschedule it to publish now`, {releaseId})
    }
    const mutations: Mutation[] = []
    const finalDocumentStates: FinalState[] = []
    for (const version of versionsOf(context, releaseId)) {
      const publishedId = publishedIdOf(version._id)
      const published = context.workingSet.get(publishedId)
      finalDocumentStates.push({id: version._id})
      if ((version._system as {delete?: boolean} | undefined)?.delete) {
        if (published) mutations.push({delete: {id: publishedId}})
      } else {
        const next: Record<string, unknown> = {...version, _id: publishedId, _createdAt: published?._createdAt ?? version._createdAt}
        delete next._rev
        delete next._updatedAt
        delete next._system
        mutations.push({createOrReplace: next})
      }
      mutations.push({delete: {id: version._id}})
    }
    mutations.push(writeRelease(release, {state: 'published', publishedAt: context.timestamp, finalDocumentStates}))
    return mutations
  },

  'sanity.action.release.archive'(action, index, context) {
    const releaseId = releaseIdOf(action, index)
    const release = existingRelease(context, releaseId, index)
    requireState(release, ['active'], index, 'archive')
    const versions = versionsOf(context, releaseId)
    const finalDocumentStates: FinalState[] = versions.map((doc) => ({id: doc._id, _rev: doc._rev}))
    return [...versions.map((doc) => ({delete: {id: doc._id}})), writeRelease(release, {state: 'archived', finalDocumentStates})]
  },

  'sanity.action.release.unarchive'(action, index, context) {
    const releaseId = releaseIdOf(action, index)
    const release = existingRelease(context, releaseId, index)
    requireState(release, ['archived'], index, 'unarchive')
    const states = Array.isArray(release.finalDocumentStates) ? (release.finalDocumentStates as FinalState[]) : []
    const mutations: Mutation[] = []
    for (const state of states) {
      if (!isValidDocumentId(state.id) || releaseNameOf(state.id) !== releaseId || !state._rev || context.workingSet.get(state.id)) continue
      const archived = context.documentAt?.(state.id, {revision: state._rev})
      if (!archived) continue
      const restored: Record<string, unknown> = {...archived}
      delete restored._rev
      delete restored._updatedAt
      mutations.push({create: restored})
    }
    return [...mutations, writeRelease(release, {state: 'active'}, ['finalDocumentStates'])]
  },

  'sanity.action.release.delete'(action, index, context) {
    const releaseId = releaseIdOf(action, index)
    const release = existingRelease(context, releaseId, index)
    requireState(release, ['archived', 'published'], index, 'delete')
    return [...versionsOf(context, releaseId).map((doc) => ({delete: {id: doc._id}})), {delete: {id: release._id}}]
  },
}
