/**
 * Starts what a Dispatch site needs on one machine: the local Content Lake (unless a hosted Sanity
 * project is configured) and Next.js, wired together with a token, a webhook secret and CORS.
 * `npm run dev`, `npm start` and the end-to-end test server are thin wrappers around this.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import path from 'node:path'
import {isHosted, lakeDataDir, lakeHttpPort, lakePort, lakeUrl, publicUrl, trustedProxies} from '@/lib/env'
import {ensureWebhookSecret} from '@/lib/lake/webhooks/secret'

export type NextMode = 'dev' | 'start' | 'build'

export interface LocalStackOptions {
  /** Port Next.js listens on. */
  sitePort: number
  /** Lake HTTPS port (the HTTP port is the next one up unless LAKE_HTTP_PORT says otherwise). */
  lakePort?: number
  lakeHttpPort?: number
  dataDir?: string
  /** Extra environment for Next.js (e.g. NEXT_DIST_DIR). */
  nextEnv?: Record<string, string>
  log?: (line: string) => void
}

export interface LocalLake {
  env: Record<string, string>
  close(): Promise<void>
}

const repoRoot = path.resolve(import.meta.dirname, '..', '..')
const nextBin = path.join(repoRoot, 'node_modules', '.bin', 'next')

/**
 * Starts the local lake (or nothing, when hosted) and returns the environment Next.js needs
 * to talk to it.
 */
export async function startLocalLake(options: LocalStackOptions): Promise<LocalLake> {
  const log = options.log ?? ((line: string) => console.log(line))
  const siteOrigins = [`http://localhost:${options.sitePort}`, `http://127.0.0.1:${options.sitePort}`]
  // Behind a TLS proxy (PUBLIC_URL) the public origin is the site's URL unless set otherwise.
  const publicSiteUrl = process.env.NEXT_PUBLIC_SITE_URL || publicUrl || siteOrigins[0]
  const baseEnv: Record<string, string> = {
    NEXT_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    PORT: String(options.sitePort),
    NEXT_PUBLIC_SITE_URL: publicSiteUrl,
  }
  if (isHosted) {
    log('Using hosted Sanity (NEXT_PUBLIC_SANITY_PROJECT_ID is set); the local lake is not started.')
    return {env: baseEnv, close: async () => {}}
  }
  if (lakeUrl) {
    // Several instances share one lake that runs elsewhere; its tokens and webhook secret come
    // from the environment (SANITY_API_*_TOKEN, SANITY_REVALIDATE_SECRET), as on hosted Sanity.
    log(`Using the lake at ${lakeUrl} (LAKE_URL is set); no local lake is started.`)
    return {env: baseEnv, close: async () => {}}
  }

  const dataDir = path.resolve(repoRoot, options.dataDir ?? lakeDataDir)
  const port = options.lakePort ?? lakePort
  const httpPort = options.lakeHttpPort ?? (options.lakePort ? options.lakePort + 1 : lakeHttpPort)
  const secret = ensureWebhookSecret(dataDir)
  const siteUrl = `http://127.0.0.1:${options.sitePort}`

  const {startLake, ensureToken} = await import('@/lib/lake/server')
  const {demoDocuments} = await import('@/lib/seed/demo')
  const lake = await refuseDamagedStore(() =>
    startLake({
      dataDir,
      port,
      httpPort,
      // Behind PUBLIC_URL only the public origin may call the lake from a browser (CORS, login return).
      allowedOrigins: publicUrl ? [publicSiteUrl] : [...siteOrigins, publicSiteUrl],
      publicUrl: publicUrl || undefined,
      // The TLS proxy (deploy/: TRUSTED_PROXIES=127.0.0.1,::1) names the client in X-Forwarded-For;
      // the lake's login limits key on it, as the site's rate limits do.
      trustedProxies,
      // Content changes reach the site's cache through the Live Content API (sync tags, see
      // lib/site/live-revalidation.ts), not a webhook; mentions still need theirs.
      webhooks: [
        // Pingbacks have private ids; this webhook also hears about them (moderation in the Studio's
        // form, the API or a script), so the post's Pingbacks section updates at once (#16.2).
        {url: `${siteUrl}/api/webhooks/mentions`, secret, privateTypes: ['pingback']},
      ],
      // The demo's pingback links to its target post by absolute URL: use this site's origin.
      seedDocuments: () => demoDocuments({siteUrl: publicSiteUrl}),
      logger: (line: string) => log(`[lake] ${line}`),
    }),
  )
  const token = ensureToken(dataDir, 'site', 'editor')
  log(`[lake] ${lake.httpsUrl} (Studio, browsers) and ${lake.httpUrl} (server side); data in ${dataDir}`)

  return {
    env: {
      ...baseEnv,
      LAKE_DATA_DIR: dataDir,
      NEXT_PUBLIC_LAKE_PORT: String(lake.port),
      LAKE_HTTP_PORT: String(lake.httpPort),
      SANITY_API_READ_TOKEN: token,
      SANITY_API_WRITE_TOKEN: token,
      SANITY_REVALIDATE_SECRET: secret,
      NODE_EXTRA_CA_CERTS: lake.caCertPath,
    },
    close: () => lake.close(),
  }
}

/** A damaged lake database (lib/lake/engine/integrity.ts) ends the launcher with its recovery steps, without a stack trace. */
async function refuseDamagedStore<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start()
  } catch (error) {
    if ((error as Error).name !== 'DamagedDatabaseError') throw error
    console.error(`\n${(error as Error).message}\n`)
    process.exit(1)
  }
}

/** Runs `next <mode>` with the given environment; resolves with its exit code. */
export function runNext(mode: NextMode, env: Record<string, string>, port?: number): ChildProcess {
  const args = [mode, ...(mode === 'build' ? [] : ['-p', String(port ?? env.PORT ?? 3000)])]
  return spawn(nextBin, args, {cwd: repoRoot, stdio: 'inherit', env: {...process.env, ...env}})
}

/** Runs the production server (Next behind the response cache, scripts/serve-site.ts). */
export function runProductionServer(env: Record<string, string>, port: number): ChildProcess {
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx')
  return spawn(tsx, [path.join(repoRoot, 'scripts', 'serve-site.ts')], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: {...process.env, ...env, PORT: String(port), NODE_ENV: 'production'},
  })
}

export function waitForExit(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))))
}

/** Stops the child and the lake on Ctrl-C or SIGTERM, then exits with the child's code. */
export function superviseUntilExit(child: ChildProcess, lake: LocalLake): void {
  let stopping = false
  const stop = async (code: number) => {
    if (stopping) return
    stopping = true
    if (child.exitCode === null) child.kill('SIGTERM')
    await lake.close().catch(() => {})
    process.exit(code)
  }
  process.on('SIGINT', () => void stop(130))
  process.on('SIGTERM', () => void stop(143))
  child.on('exit', (code) => void stop(code ?? 0))
}
