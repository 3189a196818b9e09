/** What every route handler receives: the lake's services and the parsed request. */
import type {AuthService} from '../auth/service'
import type {LakeUser} from '../auth/types'
import type {Engine} from '../engine/types'
import type {ListenHub} from '../listen/hub'
import type {LiveEventLog} from '../live'
import type {LakeRequest, LakeResponse} from './respond'

export type AssetHandler = (
  req: LakeRequest,
  res: LakeResponse,
  url: URL,
  ctx: {engine: Engine; dataDir: string; projectId: string; dataset: string; user: LakeUser | null},
) => Promise<boolean>

export interface LakeContext {
  engine: Engine
  auth: AuthService
  listeners: ListenHub
  /** Live Content API events (sync tags per commit), resumable by id. */
  live: LiveEventLog
  dataDir: string
  projectId: string
  defaultDataset: string
  allowedOrigins: ReadonlySet<string>
  /** `https://localhost:<port>`: where the login page and CA download live. */
  httpsOrigin: () => string
  caCertPem: string
  caCertPath: string
  /** Resolved once at start: null when lib/lake/assets is not there (asset paths then answer 404). */
  assets: AssetHandler | null
  log: (line: string) => void
}

export interface RouteRequest {
  req: LakeRequest
  res: LakeResponse
  url: URL
  /** The path without its `/v{apiVersion}` prefix. */
  path: string
  /** `2025-02-19`, `1` or `X`; null when the path had no version prefix. */
  apiVersion: string | null
  user: LakeUser | null
  /** The caller's bearer token (to log it out). */
  token: string | null
  remoteAddress: string
}

export type RouteHandler = (ctx: LakeContext, r: RouteRequest, params: string[]) => Promise<void> | void

export interface Route {
  method: string | string[]
  pattern: RegExp
  handler: RouteHandler
}
