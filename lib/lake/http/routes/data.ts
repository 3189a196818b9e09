/** The data API: ping, query, doc, mutate, actions and export. */
import {MAX_QUERY_LENGTH, MAX_SMALL_BODY_BYTES, MAX_WRITE_BODY_BYTES} from '../../config'
import {isPublicId} from '../../auth/access'
import {canWrite} from '../../auth/types'
import type {Action, Mutation, Visibility} from '../../engine/types'
import {withArrayKeys} from '../array-keys'
import {isPlainObject, readJsonObject} from '../body'
import type {LakeContext, Route, RouteRequest} from '../context'
import {datasetName, documentIds, flag, groqParams, isReleasesApi, perspective} from '../params'
import {contentSourceMap, queryStringLiterals} from '../../csm'
import {syncTagsFor} from '../../live'
import {apiError, badRequest, gatewayError, sendJson, sendText} from '../respond'

const MUTATION_TYPES = new Set(['create', 'createOrReplace', 'createIfNotExists', 'delete', 'patch'])
const VISIBILITIES = new Set<Visibility>(['sync', 'async', 'deferred'])

/** Anonymous callers get 401, read-only tokens 403: in both cases nothing is written. */
export function requireWriter(r: RouteRequest, permission = 'create'): string {
  if (!r.user) throw gatewayError(401, `Insufficient permissions; permission "${permission}" required: sign in or send a token with write access`)
  if (!canWrite(r.user))
    throw apiError(403, 'mutationError', `Insufficient permissions; permission "${permission}" required (role "${r.user.role}" can only read)`)
  return r.user.id
}

function accessOf(r: RouteRequest) {
  return r.user ? ('all' as const) : ('public' as const)
}

async function query(ctx: LakeContext, r: RouteRequest, [rawDataset]: string[]) {
  const dataset = datasetName(rawDataset)
  const search = r.url.searchParams
  let groq: unknown
  let params: Record<string, unknown>
  let requested: unknown = search.get('perspective')
  if (r.req.method === 'POST') {
    const body = await readJsonObject(r.req, MAX_SMALL_BODY_BYTES)
    groq = body.query
    if (body.params !== undefined && !isPlainObject(body.params)) throw badRequest('"params" must be an object')
    params = (body.params as Record<string, unknown> | undefined) ?? {}
    if (body.perspective !== undefined) requested = body.perspective
  } else {
    groq = search.get('query')
    params = groqParams(search)
  }
  if (typeof groq !== 'string' || groq.trim() === '') throw badRequest('Missing "query": a GROQ query is required')
  if (groq.length > MAX_QUERY_LENGTH) throw badRequest(`Query is too long (at most ${MAX_QUERY_LENGTH} characters)`)
  checkLastLiveEventId(search.get('lastLiveEventId'))
  const sourceMap = sourceMapOption(search.get('resultSourceMap'))
  const {result, ms, readSet} = await ctx.engine.query(dataset, groq, params, {
    perspective: perspective(requested, r.apiVersion),
    identity: r.user?.id ?? '',
    access: accessOf(r),
    includeVersions: isReleasesApi(r.apiVersion),
    trackReads: true,
  })
  const returnQuery = flag(search, 'returnQuery', true)
  const syncTags = readSet ? syncTagsFor(dataset, readSet) : []
  const resultSourceMap = sourceMap && readSet ? contentSourceMap(result, readSet.documents, sourceMap === 'withKeyArraySelector', queryStringLiterals(groq)) : undefined
  sendJson(r.res, 200, {...(returnQuery ? {query: groq} : {}), result, ...(resultSourceMap ? {resultSourceMap} : {}), ms, syncTags})
}

/** `resultSourceMap=true|withKeyArraySelector` (what @sanity/client sends for stega); `false` or absent: none. */
function sourceMapOption(value: string | null): false | 'true' | 'withKeyArraySelector' {
  if (value === null || value === '' || value === 'false') return false
  if (value === 'true' || value === 'withKeyArraySelector') return value
  throw badRequest('"resultSourceMap" must be true, false or withKeyArraySelector')
}

/**
 * `lastLiveEventId`: the id of the live event that made a client refetch. Sanity uses it to skip
 * caches older than that event; the lake answers every query from committed state, so a result is
 * always at least that fresh. Only its shape is checked.
 */
function checkLastLiveEventId(value: string | null) {
  if (value !== null && (value.length > 100 || !/^[A-Za-z0-9_.:-]*$/.test(value))) throw badRequest('Invalid "lastLiveEventId"')
}

function getDocuments(ctx: LakeContext, r: RouteRequest, [rawDataset, rawIds]: string[]) {
  const dataset = datasetName(rawDataset)
  const ids = documentIds(rawIds)
  const readable = ids.filter((id) => r.user || isPublicId(id))
  const found = new Map(ctx.engine.getDocuments(dataset, readable).flatMap((doc) => (doc ? [[doc._id, doc] as const] : [])))
  const documents = []
  const omitted: {id: string; reason: 'existence' | 'permission'}[] = []
  for (const id of ids) {
    const doc = found.get(id)
    if (!r.user && !isPublicId(id)) omitted.push({id, reason: 'permission'})
    else if (doc) documents.push(doc)
    else omitted.push({id, reason: 'existence'})
  }
  sendJson(r.res, 200, {documents, omitted})
}

function visibility(search: URLSearchParams): Visibility {
  const value = search.get('visibility') || 'sync'
  if (!VISIBILITIES.has(value as Visibility)) throw badRequest(`Invalid visibility "${value.slice(0, 40)}" (sync, async or deferred)`)
  return value as Visibility
}

function transactionIdOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(value))
    throw badRequest('"transactionId" must be 1-128 characters of letters, digits, ".", "_" or "-"')
  return value
}

function validateMutations(value: unknown): Mutation[] {
  if (!Array.isArray(value) || value.length === 0) throw apiError(400, 'mutationError', '"mutations" must be a non-empty array')
  return value.map((mutation, index) => {
    if (!isPlainObject(mutation)) throw apiError(400, 'mutationError', `Mutation #${index} is not an object`)
    const keys = Object.keys(mutation)
    if (keys.length !== 1 || !MUTATION_TYPES.has(keys[0]))
      throw apiError(400, 'mutationError', `Mutation #${index} has unknown type "${keys.join(',')}" (create, createOrReplace, createIfNotExists, delete or patch)`)
    if (!isPlainObject(mutation[keys[0]])) throw apiError(400, 'mutationError', `Mutation #${index} (${keys[0]}) must be an object`)
    return mutation as Mutation
  })
}

async function mutate(ctx: LakeContext, r: RouteRequest, [rawDataset]: string[]) {
  const dataset = datasetName(rawDataset)
  const author = requireWriter(r)
  const search = r.url.searchParams
  const body = await readJsonObject(r.req, MAX_WRITE_BODY_BYTES)
  let mutations = validateMutations(body.mutations)
  if (flag(search, 'autoGenerateArrayKeys', false)) mutations = withArrayKeys(mutations)
  const returnDocuments = flag(search, 'returnDocuments', false)
  const returnIds = flag(search, 'returnIds', false)
  const result = await ctx.engine.mutate(dataset, mutations, {
    author,
    transactionId: transactionIdOf(body.transactionId),
    dryRun: flag(search, 'dryRun', false),
    visibility: visibility(search),
  })
  const results = result.results.map((res, index) =>
    returnDocuments ? {id: res.id, operation: res.operation, document: result.documents[index]} : {id: res.id, operation: res.operation},
  )
  sendJson(r.res, 200, {
    transactionId: result.transactionId,
    results,
    ...(returnIds ? {documentIds: result.results.map((res) => res.id)} : {}),
  })
}

async function actions(ctx: LakeContext, r: RouteRequest, [rawDataset]: string[]) {
  const dataset = datasetName(rawDataset)
  const author = requireWriter(r)
  const body = await readJsonObject(r.req, MAX_WRITE_BODY_BYTES)
  const list = Array.isArray(body.actions) ? body.actions : isPlainObject(body.actions) ? [body.actions] : null
  if (!list || list.length === 0) throw apiError(400, 'actionError', '"actions" must be a non-empty array')
  list.forEach((action, index) => {
    if (!isPlainObject(action) || typeof action.actionType !== 'string')
      throw apiError(400, 'actionError', `Action #${index} needs an "actionType" string`)
  })
  if (body.dryRun !== undefined && typeof body.dryRun !== 'boolean') throw badRequest('"dryRun" must be a boolean')
  const result = await ctx.engine.act(dataset, list as Action[], {
    author,
    transactionId: transactionIdOf(body.transactionId),
    dryRun: body.dryRun === true || flag(r.url.searchParams, 'dryRun', false),
  })
  sendJson(r.res, 200, {transactionId: result.transactionId})
}

/** NDJSON of every document; anonymous callers get the public documents only. */
function exportDataset(ctx: LakeContext, r: RouteRequest, [rawDataset]: string[]) {
  const dataset = datasetName(rawDataset)
  // Materialized before streaming: an open SQLite cursor held across network waits would block the
  // engine's connection for writers. A news blog's dataset fits in memory comfortably.
  const documents = Array.from(ctx.engine.exportDocuments(dataset))
  const anonymous = !r.user
  const body = documents
    .filter((doc) => !anonymous || isPublicId(doc._id))
    .map((doc) => JSON.stringify(doc) + '\n')
    .join('')
  r.res.writeHead(200, {'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store'})
  r.res.end(body)
}

function ping(_ctx: LakeContext, r: RouteRequest) {
  sendText(r.res, 200, 'PONG')
}

export const dataRoutes: Route[] = [
  {method: ['GET', 'HEAD'], pattern: /^\/ping$/, handler: ping},
  {method: ['GET', 'HEAD'], pattern: /^\/data\/ping\/([^/]+)$/, handler: ping},
  {method: ['GET', 'POST'], pattern: /^\/data\/query\/([^/]+)$/, handler: query},
  {method: 'GET', pattern: /^\/data\/doc\/([^/]+)\/(.+)$/, handler: getDocuments},
  {method: 'POST', pattern: /^\/data\/mutate\/([^/]+)$/, handler: mutate},
  {method: 'POST', pattern: /^\/data\/actions\/([^/]+)$/, handler: actions},
  {method: 'GET', pattern: /^\/data\/export\/([^/]+)$/, handler: exportDataset},
]
