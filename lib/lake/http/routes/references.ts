/**
 * `GET /data/references/{ds}/documents/{id}/to`: which documents refer to a document. The Studio's
 * delete and unpublish dialogs ask it for cross-dataset references
 * (`?excludeInternalReferences=true&excludePaths=true`) and list the answers by project, dataset
 * and document id; references inside the same dataset they find with GROQ themselves.
 *
 * A cross-dataset reference is an object `{_ref, _dataset, _projectId?}` in a document of another
 * dataset; without `excludeInternalReferences` plain `{_ref}` objects of the same dataset count too.
 * Reading it needs a token: referring ids would otherwise reveal private documents.
 */
import type {SanityDocument} from '../../engine/types'
import type {LakeContext, Route, RouteRequest} from '../context'
import {datasetName, documentIds, flag} from '../params'
import {gatewayError, sendJson} from '../respond'

/** The dialog shows this many and "N more"; `totalCount` always counts them all. */
const MAX_LISTED = 100

interface Reference {
  projectId: string
  datasetName: string
  documentId: string
}

/** True when some object inside `value` refers to `id` in `dataset` (cross-dataset or, if allowed, plain). */
function refersTo(value: unknown, id: string, target: {dataset: string; projectId: string; sameDataset: boolean}): boolean {
  if (Array.isArray(value)) return value.some((item) => refersTo(item, id, target))
  if (typeof value !== 'object' || value === null) return false
  const object = value as Record<string, unknown>
  if (object._ref === id) {
    const dataset = object._dataset
    const project = object._projectId
    if (typeof dataset === 'string') {
      if (dataset === target.dataset && (project === undefined || project === target.projectId)) return true
    } else if (target.sameDataset) {
      return true
    }
  }
  return Object.values(object).some((child) => refersTo(child, id, target))
}

function references(ctx: LakeContext, r: RouteRequest, [rawDataset, rawId]: string[]) {
  if (!r.user) throw gatewayError(401, 'Listing references requires a token or a signed-in user')
  const dataset = datasetName(rawDataset)
  const [id] = documentIds(rawId, 1)
  const excludeInternal = flag(r.url.searchParams, 'excludeInternalReferences', false)
  // `excludePaths` is accepted; the lake never returns paths (see README, Sanity API compatibility).
  flag(r.url.searchParams, 'excludePaths', false)

  const found: Reference[] = []
  for (const name of new Set([dataset, ...ctx.engine.datasets()])) {
    const sameDataset = name === dataset
    if (sameDataset && excludeInternal) continue
    const target = {dataset, projectId: ctx.projectId, sameDataset}
    for (const document of ctx.engine.exportDocuments(name) as Iterable<SanityDocument>) {
      if (document._id === id) continue
      if (refersTo(document, id, target)) found.push({projectId: ctx.projectId, datasetName: name, documentId: document._id})
    }
  }
  sendJson(r.res, 200, {totalCount: found.length, references: found.slice(0, MAX_LISTED)})
}

export const referenceRoutes: Route[] = [
  {method: 'GET', pattern: /^\/data\/references\/([^/]+)\/documents\/([^/]+)\/to$/, handler: references},
]
