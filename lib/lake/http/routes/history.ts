/** The history API the Studio's review-changes and revision views use. Requires a token. */
import type {HistoryQuery} from '../../engine/types'
import {documentEvents, publishedIdOf} from '../../history/document-events'
import type {LakeContext, Route, RouteRequest} from '../context'
import {datasetName, documentIds, flag} from '../params'
import {badRequest, gatewayError, sendJson} from '../respond'

function requireReader(r: RouteRequest) {
  if (!r.user) throw gatewayError(401, 'History requires a token or a signed-in user')
}

function isoTime(search: URLSearchParams, name: string): string | undefined {
  const value = search.get(name)
  if (!value) return undefined
  if (Number.isNaN(Date.parse(value))) throw badRequest(`"${name}" must be an ISO 8601 timestamp`)
  return new Date(value).toISOString()
}

function historyQuery(search: URLSearchParams): HistoryQuery {
  const limitRaw = search.get('limit')
  let limit: number | undefined
  if (limitRaw) {
    limit = Number(limitRaw)
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw badRequest('"limit" must be an integer from 1 to 10000')
  }
  return {
    fromTime: isoTime(search, 'fromTime'),
    toTime: isoTime(search, 'toTime'),
    fromTransaction: search.get('fromTransaction') || undefined,
    toTransaction: search.get('toTransaction') || undefined,
    reverse: flag(search, 'reverse', false),
    limit,
    excludeMutations: flag(search, 'excludeMutations', false),
    excludeContent: flag(search, 'excludeContent', false),
    includeIdentifiedDocumentsOnly: flag(search, 'includeIdentifiedDocumentsOnly', false),
  }
}

function transactions(ctx: LakeContext, r: RouteRequest, [rawDataset, rawIds]: string[]) {
  requireReader(r)
  const dataset = datasetName(rawDataset)
  const ids = documentIds(rawIds)
  const search = r.url.searchParams
  const effectFormat = search.get('effectFormat')
  if (effectFormat && effectFormat !== 'mendoza') throw badRequest('"effectFormat" must be "mendoza"')
  const entries = ctx.engine.history(dataset, ids, historyQuery(search))
  const body = entries
    .map((entry) => {
      const {effects, ...rest} = entry
      return JSON.stringify(effectFormat === 'mendoza' && effects ? {...rest, effects} : rest) + '\n'
    })
    .join('')
  r.res.writeHead(200, {'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store'})
  r.res.end(body)
}

function documentsAt(ctx: LakeContext, r: RouteRequest, [rawDataset, rawIds]: string[]) {
  requireReader(r)
  const dataset = datasetName(rawDataset)
  const ids = documentIds(rawIds, 100)
  const revision = r.url.searchParams.get('revision') || undefined
  const time = isoTime(r.url.searchParams, 'time')
  // `lastRevision=true`: each document's last revision, also when it was deleted since (the
  // Releases tool shows a published release's documents so).
  const lastRevision = flag(r.url.searchParams, 'lastRevision', false)
  const documents = ids.flatMap((id) => {
    const doc =
      revision || time || lastRevision ? ctx.engine.documentAt(dataset, id, {revision, time, lastRevision}) : ctx.engine.getDocuments(dataset, [id])[0]
    return doc ? [doc] : []
  })
  sendJson(r.res, 200, {documents})
}

/**
 * The Studio's History tab: the document group's events (publish, unpublish, draft created or
 * discarded, deleted), derived from its transactions (lib/lake/history/document-events.ts).
 */
function documentEventsFeed(ctx: LakeContext, r: RouteRequest, [rawDataset, rawId]: string[]) {
  requireReader(r)
  const dataset = datasetName(rawDataset)
  const [documentId] = documentIds(rawId, 1)
  const limitRaw = r.url.searchParams.get('limit')
  const limit = limitRaw === null ? 100 : Number(limitRaw)
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badRequest('"limit" must be an integer from 1 to 1000')
  const publishedId = publishedIdOf(documentId)
  // The newest 10,000 transactions of the group, back in commit order.
  const entries = ctx.engine
    .history(dataset, [publishedId, `drafts.${publishedId}`], {excludeMutations: true, limit: 10_000, reverse: true})
    .reverse()
  sendJson(r.res, 200, {events: {[documentId]: documentEvents(entries, documentId, limit)}, nextCursor: ''})
}

export const historyRoutes: Route[] = [
  {method: 'GET', pattern: /^\/data\/history\/([^/]+)\/transactions\/(.+)$/, handler: transactions},
  {method: 'GET', pattern: /^\/data\/history\/([^/]+)\/events\/documents\/(.+)$/, handler: documentEventsFeed},
  {method: 'GET', pattern: /^\/data\/history\/([^/]+)\/documents\/(.+)$/, handler: documentsAt},
]
