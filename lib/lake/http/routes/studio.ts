/**
 * Project, user and product endpoints the Studio calls around the data API. Answers describe the
 * local lake truthfully (one project, its datasets, the caller's real role); product endpoints that
 * have no local meaning (journeys, announcements, telemetry) answer "nothing here".
 */
import {MAX_SMALL_BODY_BYTES} from '../../config'
import {canWrite, type LakeUser} from '../../auth/types'
import {isPlainObject, readJson} from '../body'
import type {LakeContext, Route, RouteRequest} from '../context'
import {badRequest, gatewayError, notFound, sendJson} from '../respond'

function requireUser(r: RouteRequest): LakeUser {
  if (!r.user) throw gatewayError(401, 'Unauthorized - Session not found')
  return r.user
}

function requireProject(ctx: LakeContext, id: string) {
  if (decodeURIComponent(id) !== ctx.projectId) throw notFound(`Project "${decodeURIComponent(id).slice(0, 80)}" not found`)
}

function datasetNames(ctx: LakeContext): string[] {
  const names = new Set([ctx.defaultDataset, ...ctx.engine.datasets()])
  return [...names].sort()
}

function project(ctx: LakeContext, r: RouteRequest, [id]: string[]) {
  const user = requireUser(r)
  requireProject(ctx, id)
  sendJson(r.res, 200, {
    id: ctx.projectId,
    displayName: 'Dispatch (local lake)',
    studioHost: null,
    isBlocked: false,
    isDisabled: false,
    isDisabledByUser: false,
    metadata: {},
    maxRetentionDays: 3650,
    activityFeedEnabled: false,
    organizationId: null,
    createdAt: '2020-01-01T00:00:00.000Z',
    members: [
      {id: user.id, role: user.role, roles: [{name: user.role, title: user.role}], isRobot: user.id.startsWith('robot-'), isCurrentUser: true},
    ],
    features: [],
    pendingInvites: 0,
  })
}

/** Sanity names a dataset's comments addon `<dataset>-comments` and describes it with these two fields. */
function describeDataset(name: string) {
  const addonFor = name.endsWith('-comments') ? name.slice(0, -'-comments'.length) : null
  return {
    name,
    aclMode: 'public',
    createdAt: '2020-01-01T00:00:00.000Z',
    createdByUserId: '',
    addonFor,
    datasetProfile: addonFor ? 'comments' : 'content',
    features: [],
    tags: [],
  }
}

/**
 * The project's datasets, as `/projects/{id}/datasets` and as `/datasets` (what `client.datasets.list()`
 * asks on a project host, e.g. Vision). `datasetProfile` and `addonFor` filter, as the Studio uses
 * them to find the comments dataset of the current one.
 */
function listDatasets(ctx: LakeContext, r: RouteRequest) {
  requireUser(r)
  const profile = r.url.searchParams.get('datasetProfile')
  const addonFor = r.url.searchParams.get('addonFor')
  const list = datasetNames(ctx)
    .map(describeDataset)
    .filter((dataset) => (!profile || dataset.datasetProfile === profile) && (!addonFor || dataset.addonFor === addonFor))
  sendJson(r.res, 200, list)
}

function datasets(ctx: LakeContext, r: RouteRequest, [id]: string[]) {
  requireUser(r)
  requireProject(ctx, id)
  listDatasets(ctx, r)
}

function permissionsOf(user: LakeUser): string[] {
  return canWrite(user) ? ['read', 'create', 'update', 'delete', 'history', 'manage'] : ['read', 'history']
}

function acl(ctx: LakeContext, r: RouteRequest, [id]: string[]) {
  const user = requireUser(r)
  requireProject(ctx, id)
  sendJson(r.res, 200, [{filter: '_id in path("**")', permissions: permissionsOf(user)}])
}

function grants(ctx: LakeContext, r: RouteRequest, [id]: string[]) {
  const user = requireUser(r)
  requireProject(ctx, id)
  const grant = (names: string[]) => names.map((name) => ({name, params: {}}))
  sendJson(r.res, 200, {
    'sanity.project': [{grants: grant(canWrite(user) ? ['read', 'update', 'createSession'] : ['read']), config: {}}],
    'sanity.project.datasets': [{grants: grant(['read']), config: {}}],
    'sanity.document.filter.mode': [{grants: grant(permissionsOf(user)), config: {filter: '_id in path("**")'}}],
  })
}

function roles(ctx: LakeContext, r: RouteRequest, [id]: string[]) {
  requireUser(r)
  requireProject(ctx, id)
  const role = (name: string, title: string, description: string) => ({
    name,
    title,
    description,
    isCustom: false,
    projectId: ctx.projectId,
    appliesToUsers: true,
    appliesToRobots: true,
  })
  sendJson(r.res, 200, [
    role('administrator', 'Administrator', 'Read and write everything'),
    role('editor', 'Editor', 'Read and write all content'),
    role('viewer', 'Viewer', 'Read all content, including drafts'),
  ])
}

/** `/users/{ids}`: public profiles of local accounts (names in history and presence). */
function users(ctx: LakeContext, r: RouteRequest, [rawIds]: string[]) {
  requireUser(r)
  const ids = rawIds.split(',').map((id) => decodeURIComponent(id)).slice(0, 100)
  const profiles = ids.map((id) => {
    const account = id === 'me' ? (r.user && ctx.auth.store.getUser(r.user.id)) : ctx.auth.store.getUser(id)
    if (account) return {id: account.id, displayName: account.name, givenName: null, familyName: null, imageUrl: null}
    return {id, displayName: id.startsWith('robot-') ? 'API token' : 'Unknown user', imageUrl: null}
  })
  sendJson(r.res, 200, ids.length === 1 ? profiles[0] : profiles)
}

// The Studio's own keys include `$` (e.g. `studio.structure-tool.layout.$root`).
const KEY_PATTERN = /^[A-Za-z0-9._:$-]{1,200}$/

function getKeyValues(ctx: LakeContext, r: RouteRequest, [rawKeys]: string[]) {
  const user = requireUser(r)
  const keys = rawKeys.split(',').map((key) => decodeURIComponent(key))
  if (keys.length > 100 || !keys.every((key) => KEY_PATTERN.test(key))) throw badRequest('Invalid keys')
  sendJson(r.res, 200, ctx.auth.store.getValues(user.id, keys))
}

async function setKeyValues(ctx: LakeContext, r: RouteRequest) {
  const user = requireUser(r)
  const body = await readJson(r.req, MAX_SMALL_BODY_BYTES)
  const items = Array.isArray(body) ? body : [body]
  if (items.length === 0 || items.length > 100) throw badRequest('Expected 1 to 100 {key, value} items')
  for (const item of items)
    if (!isPlainObject(item) || typeof item.key !== 'string' || !KEY_PATTERN.test(item.key) || !('value' in item))
      throw badRequest('Each item must be {key, value} with a key of letters, digits, ".", "_", ":" or "-"')
  const typed = items as {key: string; value: unknown}[]
  ctx.auth.store.setValues(user.id, typed)
  sendJson(r.res, 200, typed)
}

/**
 * The Releases tool asks whether one more release may be created (hosted Sanity meters releases per
 * plan). The lake has no plan limits. The Studio compares its dataset's active releases with
 * `datasetReleaseLimit` as a number (`count >= null` is true in JavaScript, and a null there made
 * every "Create release" end in the upsell guard without sending an action), so the dataset limit
 * is the largest safe integer; `orgActiveReleaseLimit: null` is how hosted Sanity says "no org
 * limit". The counts are the active and scheduled releases the lake holds.
 */
async function newReleaseAllowed(ctx: LakeContext, r: RouteRequest, [id]: string[]) {
  requireUser(r)
  requireProject(ctx, id)
  let active = 0
  for (const dataset of datasetNames(ctx)) {
    const {result} = await ctx.engine.query(dataset, 'count(*[_type == "system.release" && state in ["active", "scheduled"]])', {}, {perspective: 'raw'})
    active += Number(result) || 0
  }
  sendJson(r.res, 200, {data: {datasetReleaseLimit: Number.MAX_SAFE_INTEGER, orgActiveReleaseLimit: null, orgActiveReleaseCount: active, orgMeteredActiveReleaseCount: active}})
}

const empty = (body: unknown) => (_ctx: LakeContext, r: RouteRequest) => sendJson(r.res, 200, body)

/**
 * `@sanity/client`'s live API asks here, without credentials, whether its origin is allowed, to
 * tell a CORS rejection apart from other failures. The answer is readable from any origin (see
 * cors.ts): a rejected origin must be able to read `allowed: false` to show its CORS help.
 */
function checkCors(ctx: LakeContext, r: RouteRequest) {
  const origin = r.req.headers.origin
  const allowed = !origin || ctx.allowedOrigins.has(origin)
  sendJson(r.res, 200, {result: {allowed, withCredentials: allowed}})
}

async function drainAndAnswer(_ctx: LakeContext, r: RouteRequest) {
  await readJson(r.req, MAX_SMALL_BODY_BYTES).catch(() => undefined)
  sendJson(r.res, 200, {})
}

export const studioRoutes: Route[] = [
  {method: 'GET', pattern: /^\/projects\/([^/]+)$/, handler: project},
  {method: 'GET', pattern: /^\/projects\/([^/]+)\/datasets$/, handler: datasets},
  {method: 'GET', pattern: /^\/datasets$/, handler: listDatasets},
  {method: 'GET', pattern: /^\/projects\/([^/]+)\/datasets\/[^/]+\/acl$/, handler: acl},
  {method: 'GET', pattern: /^\/projects\/([^/]+)\/grants$/, handler: grants},
  {method: 'GET', pattern: /^\/projects\/([^/]+)\/roles$/, handler: roles},
  {method: 'GET', pattern: /^\/projects\/[^/]+\/user-applications$/, handler: empty([])},
  {method: 'GET', pattern: /^\/projects\/([^/]+)\/new-content-release-allowed$/, handler: newReleaseAllowed},
  {method: 'GET', pattern: /^\/users\/me\/keyvalue\/(.+)$/, handler: getKeyValues},
  {method: ['POST', 'PUT'], pattern: /^\/users\/me\/keyvalue(?:\/keys)?$/, handler: setKeyValues},
  {method: 'GET', pattern: /^\/users\/([^/]+)$/, handler: users},
  // Plan features the Studio checks before offering a tool: only those the lake really backs
  // (comments: routes/comments.ts and the `<ds>-comments` addon dataset).
  {method: 'GET', pattern: /^\/features$/, handler: empty(['contentReleases', 'studioComments', 'singleDocRelease'])},
  {method: 'GET', pattern: /^\/journey\/announcements$/, handler: empty([])},
  {method: 'GET', pattern: /^\/journey\/.+$/, handler: empty({})},
  {method: 'GET', pattern: /^\/help$/, handler: empty({})},
  {method: 'GET', pattern: /^\/schedules\/[^/]+\/[^/]+$/, handler: empty({schedules: []})},
  {method: 'GET', pattern: /^\/intake\/telemetry-status$/, handler: empty({status: 'denied'})},
  {method: 'POST', pattern: /^\/intake\/.+$/, handler: drainAndAnswer},
  {method: 'POST', pattern: /^\/descriptors\/(claim|synchronize)$/, handler: drainAndAnswer},
  {method: 'GET', pattern: /^\/check\/cors$/, handler: checkCors},
]
