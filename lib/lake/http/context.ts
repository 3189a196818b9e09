/** What every route handler receives: the lake's services and the parsed request. */
import type {AuthService} from '../auth/service'
import type {LakeUser} from '../auth/types'
import type {Engine} from '../engine/types'
import type {ListenHub} from '../listen/hub'
import type {LiveEventLog} from '../live'
import type {TrustedProxies} from '@/lib/http/client-address'
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
  /**
   * Behind a TLS reverse proxy (PUBLIC_URL): the origin browsers reach the lake's API at, under
   * `/v1/…`. The login provider URL then points there instead of at the lake's own HTTPS port.
   */
  publicUrl?: string
  /** Peers whose X-Forwarded-For names the client (the local TLS proxy); empty by default. */
  trustedProxies: TrustedProxies
  caCertPem: string
  caCertPath: string
  /** Resolved once at start: null when lib/lake/assets is not there (asset paths then answer 404). */
  assets: AssetHandler | null
  log: (line: string) => void
  /** The bulk import route's limits (routes/import.ts); config.ts's defaults when absent. */
  importLimits?: {maxLineBytes?: number; maxBytes?: number}
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
