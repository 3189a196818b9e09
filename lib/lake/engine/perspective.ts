/**
 * Perspectives: which version of each document a query sees. `raw` sees every document as stored;
 * `published` hides drafts and release versions; `drafts` (alias `previewDrafts`) shows each
 * document's draft in place of the published version (with the published `_id` and `_originalId`
 * of the draft); a release stack `['r1', 'r2', 'drafts']` prefers versions.r1.x, then
 * versions.r2.x, then drafts.x, then x.
 */
import {badRequest} from './errors'
import {DRAFTS_PREFIX, isDraftId, isPublicId, isVersionId, publishedIdOf, releaseNameOf} from './ids'
import type {Perspective, SanityDocument} from './types'

const RELEASE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/

/** A perspective checked and reduced to what the overlay needs. */
export type ResolvedPerspective =
  | {kind: 'raw'}
  | {kind: 'published'}
  /** Layers from highest to lowest priority: release names, or 'drafts'. Published is always the base. */
  | {kind: 'stack'; layers: string[]}

export function resolvePerspective(perspective: Perspective | undefined): ResolvedPerspective {
  if (perspective === undefined || perspective === 'raw') return {kind: 'raw'}
  if (perspective === 'published') return {kind: 'published'}
  if (perspective === 'drafts' || perspective === 'previewDrafts') return {kind: 'stack', layers: ['drafts']}
  if (Array.isArray(perspective)) {
    if (perspective.length === 0 || perspective.length > 32) throw badRequest('A perspective stack needs 1 to 32 entries')
    const layers: string[] = []
    for (const entry of perspective) {
      if (typeof entry !== 'string' || !RELEASE_NAME.test(entry) || entry === 'raw' || entry === 'previewDrafts') {
        throw badRequest(`Invalid perspective entry ${JSON.stringify(entry)}`)
      }
      // 'published' is the implicit base of every stack.
      if (entry !== 'published' && !layers.includes(entry)) layers.push(entry)
    }
    return layers.length === 0 ? {kind: 'published'} : {kind: 'stack', layers}
  }
  throw badRequest(`Invalid perspective ${JSON.stringify(perspective)}: use raw, published, drafts or a release stack`)
}

/** Who reads, and whether release versions exist for them (not before API version 2025-02-19). */
export interface ReaderScope {
  access: 'all' | 'public'
  includeVersions: boolean
}

export function perspectiveKey(perspective: ResolvedPerspective, scope: ReaderScope): string {
  const base = perspective.kind === 'stack' ? `stack:${perspective.layers.join(',')}` : perspective.kind
  return `${scope.access}|${scope.includeVersions ? 'v' : '-'}|${base}`
}

/**
 * The documents a perspective sees, from all stored documents (sorted by `_id`). Anonymous
 * (`public`) callers only ever see documents whose id has no dot-separated prefix.
 */
export function applyPerspective(
  stored: readonly SanityDocument[],
  perspective: ResolvedPerspective,
  scope: ReaderScope,
  overlaid: (doc: SanityDocument, publishedId: string) => SanityDocument = overlayCopy,
): SanityDocument[] {
  const visible =
    scope.access === 'public'
      ? stored.filter((doc) => isPublicId(doc._id))
      : scope.includeVersions
        ? stored
        : stored.filter((doc) => !isVersionId(doc._id))
  switch (perspective.kind) {
    case 'raw':
      return visible.slice()
    case 'published':
      return visible.filter((doc) => !isDraftId(doc._id) && !isVersionId(doc._id))
    case 'stack':
      return overlay(visible, perspective.layers, overlaid)
  }
}

/** 'drafts', a release name, null for published ids, undefined for `versions.x` (no document part: in no layer). */
function layerOf(id: string): string | null | undefined {
  if (isDraftId(id)) return 'drafts'
  if (isVersionId(id)) return releaseNameOf(id)
  return null
}

/** A stack perspective's version of `doc`: shown under its published id, with `_originalId`. */
function overlayCopy(doc: SanityDocument, publishedId: string): SanityDocument {
  return doc._id === publishedId ? {...doc, _originalId: doc._id} : {...doc, _id: publishedId, _originalId: doc._id}
}

function overlay(
  stored: readonly SanityDocument[],
  layers: string[],
  overlaid: (doc: SanityDocument, publishedId: string) => SanityDocument,
): SanityDocument[] {
  const rank = new Map(layers.map((layer, index) => [layer, index]))
  // For each published id: the best version seen so far and its rank (published = layers.length).
  const chosen = new Map<string, {doc: SanityDocument; rank: number}>()
  for (const doc of stored) {
    const layer = layerOf(doc._id)
    if (layer === undefined) continue
    const docRank = layer === null ? layers.length : rank.get(layer)
    if (docRank === undefined) continue
    const publishedId = layer === null ? doc._id : publishedIdOf(doc._id)
    const current = chosen.get(publishedId)
    if (!current || docRank < current.rank) chosen.set(publishedId, {doc, rank: docRank})
  }
  const result: SanityDocument[] = []
  for (const [publishedId, {doc}] of chosen) {
    result.push(overlaid(doc, publishedId))
  }
  return result.sort((a, b) => compareIds(a._id, b._id))
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export function draftIdOf(publishedId: string): string {
  return `${DRAFTS_PREFIX}${publishedId}`
}
