/**
 * The local Content Lake server: one engine, two ports, one router.
 * - HTTPS with HTTP/2 (`port`) for browsers: the Studio keeps more live event streams open than
 *   HTTP/1.1's six connections per host allow; browsers only do HTTP/2 over TLS.
 * - plain HTTP on loopback (`httpPort`) for server-side Node clients (Next.js, scripts, tests),
 *   which then need no certificate setup.
 */
import fs from 'node:fs'
import http from 'node:http'
import http2 from 'node:http2'
import path from 'node:path'
import type {Socket} from 'node:net'
import {fileURLToPath} from 'node:url'
import {siteUrl} from '@/lib/env'
import {parseTrustedProxies} from '@/lib/http/client-address'
import {ensureFirstAccount} from './auth/bootstrap'
import {AuthService} from './auth/service'
import {AuthStore} from './auth/store'
import {DEFAULT_DATASET, DEFAULT_HOST, DEFAULT_PROJECT_ID, LISTEN_MAX_BUFFERED_BYTES} from './config'
import {openEngine} from './engine'
import type {Engine} from './engine/types'
import type {AssetHandler, LakeContext} from './http/context'
import {createRequestHandler} from './http/router'
import {ListenHub} from './listen/hub'
import {LiveEventLog} from './live'
import {removeRunningFile, writeRunningFile} from './running'
import {ensureCertificates} from './tls/certificates'
import {attachPresenceSockets} from './presence'
import {ReleaseScheduler} from './releases'
import {WebhookDispatcher, type WebhookTarget} from './webhooks/dispatcher'
import {WebhookOutbox} from './webhooks/outbox'

export {createToken, ensureToken} from './auth/tokens'
export type {LakeUser, LakeRole} from './auth/types'

export interface StartLakeOptions {
  dataDir: string
  /** Interface for the HTTPS port; default 127.0.0.1. The plain HTTP port is always on loopback. */
  host?: string
  /** HTTPS + HTTP/2 port for browsers; 0 picks a free port. */
  port: number
  /** Plain HTTP port for server-side clients; 0 picks a free port. */
  httpPort: number
  projectId?: string
  /** Browser origins allowed to call the lake (CORS) and to receive logins. Default: the site's origin. */
  allowedOrigins?: string[]
  /** PUBLIC_URL: the origin a TLS reverse proxy serves the lake's browser API under (also allowed for CORS). */
  publicUrl?: string
  /** Addresses/CIDRs of proxies whose X-Forwarded-For names the client (login limits, logs). Default: none. */
  trustedProxies?: string[]
  webhooks?: WebhookTarget[]
  /** Open Live Content API streams at most (default 2000); one more is sent `goaway`. */
  maxLiveStreams?: number
  /**
   * How far back `/data/live/events` and `/data/listen` resume from a `Last-Event-ID` (default:
   * 10,000 events, 24 hours; lib/lake/live/event-log.ts); older ids get `restart` / `reset`.
   */
  resumeWindow?: {events?: number; ms?: number}
  /** Imported into the default dataset when it is empty (first start). */
  seedDocuments?: () => Iterable<Record<string, unknown>>
  /** Limits of the bulk import route, `POST /data/import/{dataset}` (default: config.ts). */
  importLimits?: {maxLineBytes?: number; maxBytes?: number}
  logger?: (line: string) => void
}

export interface RunningLake {
  httpsUrl: string
  httpUrl: string
  port: number
  httpPort: number
  caCertPath: string
  engine: Engine
  /** Resolves when webhook deliveries in progress have finished (for tests). */
  webhooksIdle(): Promise<void>
  close(): Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

export async function startLake(options: StartLakeOptions): Promise<RunningLake> {
  const dataDir = path.resolve(options.dataDir)
  fs.mkdirSync(dataDir, {recursive: true})
  const log = options.logger ?? ((line: string) => console.log(line))
  const projectId = options.projectId ?? DEFAULT_PROJECT_ID
  const host = options.host ?? DEFAULT_HOST
  const httpHost = LOOPBACK.has(host) ? host : DEFAULT_HOST
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(projectId)) throw new Error(`Invalid project id "${projectId}"`)

  const certificates = ensureCertificates(dataDir, projectId)
  const engine = openEngine({file: path.join(dataDir, 'lake.sqlite')})
  let authStore: AuthStore
  try {
    authStore = new AuthStore(dataDir)
  } catch (error) {
    engine.close()
    throw error
  }
  const closers: (() => unknown)[] = [() => engine.closeWhenSettled(), () => authStore.close()]
  try {
    // A damaged store ends the start here (the check ran while the rest opened).
    await engine.intact()
    await ensureFirstAccount(authStore, dataDir, log)
    if (options.seedDocuments) await seedIfEmpty(engine, options.seedDocuments, log)

    const listeners = new ListenHub(engine, {maxBufferedBytes: LISTEN_MAX_BUFFERED_BYTES, log, resumeWindow: options.resumeWindow})
    // Deliveries wait in the lake's own database, so a restart resumes them (webhooks/outbox.ts).
    const outbox = new WebhookOutbox(path.join(dataDir, 'lake.sqlite'))
    closers.unshift(() => outbox.close())
    const webhooks = new WebhookDispatcher(engine, options.webhooks ?? [], {log, outbox})
    const live = new LiveEventLog(engine, {maxStreams: options.maxLiveStreams, keepEvents: options.resumeWindow?.events, keepMs: options.resumeWindow?.ms})
    closers.unshift(() => listeners.close(), () => webhooks.close(), () => live.close())
    const releaseScheduler = new ReleaseScheduler(engine, {log})
    closers.unshift(() => releaseScheduler.close())

    let httpsPort = options.port
    const ctx: LakeContext = {
      engine,
      auth: new AuthService(authStore),
      listeners,
      live,
      dataDir,
      projectId,
      defaultDataset: DEFAULT_DATASET,
      allowedOrigins: new Set([...(options.allowedOrigins ?? [siteUrl]), ...(options.publicUrl ? [options.publicUrl] : [])].map((origin) => new URL(origin).origin)),
      httpsOrigin: () => `https://localhost:${httpsPort}`,
      publicUrl: options.publicUrl ? new URL(options.publicUrl).origin : undefined,
      trustedProxies: parseTrustedProxies(options.trustedProxies ?? []),
      caCertPem: certificates.caCertPem,
      caCertPath: certificates.caCertPath,
      assets: await loadAssetHandler(),
      log,
      importLimits: options.importLimits,
    }
    const handler = createRequestHandler(ctx)

    const secureServer = http2.createSecureServer(
      {allowHTTP1: true, key: certificates.serverKeyPem, cert: certificates.serverCertPem},
      handler,
    )
    const sessions = new Set<http2.ServerHttp2Session>()
    secureServer.on('session', (session: http2.ServerHttp2Session) => {
      sessions.add(session)
      session.on('close', () => sessions.delete(session))
    })
    const http1Sockets = trackSockets(secureServer)
    const plainServer = http.createServer(handler)
    // Listeners are long-lived; the default per-request timeout would cut them off.
    plainServer.requestTimeout = 0
    plainServer.headersTimeout = 60_000

    httpsPort = await listen(secureServer, options.port, host)
    closers.unshift(() => closeSecure(secureServer, sessions, http1Sockets))
    const boundHttpPort = await listen(plainServer, options.httpPort, httpHost)
    closers.unshift(() => closePlain(plainServer))
    // The Studio's presence socket (WebSocket upgrade on both ports).
    const presence = attachPresenceSockets([secureServer, plainServer], ctx)
    closers.unshift(() => presence.close())

    const httpsUrl = `https://localhost:${httpsPort}`
    const httpUrl = `http://${httpHost.includes(':') ? `[${httpHost}]` : httpHost}:${boundHttpPort}`
    log(`Local Content Lake (project "${projectId}") at ${httpsUrl} (HTTP/2, browsers) and ${httpUrl} (server-side)`)
    // Lets the CLI and importers write through this process instead of beside it (lib/lake/running.ts).
    writeRunningFile(dataDir, {httpUrl, pid: process.pid})
    closers.unshift(() => removeRunningFile(dataDir))

    let closing: Promise<void> | null = null
    return {
      httpsUrl,
      httpUrl,
      port: httpsPort,
      httpPort: boundHttpPort,
      caCertPath: certificates.caCertPath,
      engine,
      webhooksIdle: () => webhooks.idle(),
      close: () => (closing ??= runClosers(closers)),
    }
  } catch (error) {
    await runClosers(closers)
    throw error
  }
}

async function seedIfEmpty(engine: Engine, seed: () => Iterable<Record<string, unknown>>, log: (line: string) => void) {
  const {result} = await engine.query(DEFAULT_DATASET, 'count(*)', {}, {perspective: 'raw'})
  if (result !== 0) return
  const {count} = await engine.importDocuments(DEFAULT_DATASET, seed(), {mode: 'createIfNotExists', author: 'lake-seed'})
  log(`Seeded the empty "${DEFAULT_DATASET}" dataset with ${count} documents`)
}

/** lib/lake/assets is optional: without it asset paths answer 404. */
async function loadAssetHandler(): Promise<AssetHandler | null> {
  const file = fileURLToPath(new URL('./assets/index.ts', import.meta.url))
  if (!fs.existsSync(file)) return null
  const specifier = './assets/index'
  const mod = (await import(/* @vite-ignore */ specifier)) as {handleAssetRequest?: AssetHandler}
  return typeof mod.handleAssetRequest === 'function' ? mod.handleAssetRequest : null
}

function listen(server: http.Server | http2.Http2SecureServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const address = server.address()
      resolve(typeof address === 'object' && address ? address.port : port)
    })
  })
}

function trackSockets(server: http2.Http2SecureServer): Set<Socket> {
  const sockets = new Set<Socket>()
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  return sockets
}

function closeSecure(server: http2.Http2SecureServer, sessions: Set<http2.ServerHttp2Session>, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    for (const session of sessions) session.destroy()
    for (const socket of sockets) socket.destroy()
  })
}

function closePlain(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

async function runClosers(closers: (() => unknown)[]): Promise<void> {
  for (const close of closers) {
    try {
      await close()
    } catch {
      // Shutting down: one failing step must not keep the others from running.
    }
  }
}
