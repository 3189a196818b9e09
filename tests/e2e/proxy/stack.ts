/**
 * The production stack of "Deploy on one server", started for a test: a fresh lake and the site
 * built and served in production mode with PUBLIC_URL=https://blog.test:<port> (scripts/test-server.ts
 * with E2E_BUILD=1), and Caddy from its Debian package running deploy/Caddyfile unchanged, with its
 * own throwaway CA (`tls internal`). A private NSS database holding that CA is made for Chromium,
 * so the browser trusts the proxy the way a browser trusts a real certificate (no ignoreHTTPSErrors).
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export const PUBLIC_HOST = 'blog.test'
const CADDY = process.env.E2E_CADDY_BIN || '/usr/bin/caddy'
const CERTUTIL = '/usr/bin/certutil'
const BUILD_TIMEOUT_MS = 15 * 60_000

export interface ProxyStack {
  origin: string
  proxyPort: number
  sitePort: number
  lakePort: number
  lakeHttpPort: number
  dataDir: string
  /** HOME for Chromium: holds the NSS database that trusts the test CA. */
  browserHome: string
  caCertPath: string
  logs: () => string
  close(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** Two consecutive free ports (the lake's HTTPS port and its plain-HTTP port right above it). */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort()
    if (port < 65535 && (await isFree(port + 1))) return port
  }
  throw new Error('no two consecutive free ports')
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`${what}: the process exited`)
    if (await check().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
  throw new Error(`${what}: timed out after ${timeoutMs} ms`)
}

function stop(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

export async function startProxyStack(): Promise<ProxyStack> {
  for (const bin of [CADDY, CERTUTIL]) {
    if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: apt-get install -y caddy libnss3-tools (.ci/run does)`)
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dispatch-proxy-e2e-'))
  const proxyPort = Number(process.env.E2E_PROXY_PORT) || (await freePort())
  const redirectPort = await freePort()
  const sitePort = await freePort()
  const lakePort = await freePortPair()
  const origin = `https://${PUBLIC_HOST}:${proxyPort}`
  const dataDir = path.join(root, 'lake')
  const output: string[] = []
  const collect = (name: string) => (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean).map((l) => `[${name}] ${l}`))
  let site: ChildProcess | null = null
  let caddy: ChildProcess | null = null

  const close = async () => {
    await stop(caddy)
    await stop(site)
    fs.rmSync(root, {recursive: true, force: true})
  }
  try {
    // The production server, exactly as `npm run build && npm start` with PUBLIC_URL set would run.
    site = spawn(path.resolve('node_modules/.bin/tsx'), ['scripts/test-server.ts'], {
      env: {
        ...process.env,
        E2E_BUILD: '1',
        E2E_SITE_PORT: String(sitePort),
        E2E_LAKE_PORT: String(lakePort),
        E2E_LAKE_DATA_DIR: dataDir,
        E2E_DIST_DIR: '.next-proxy-e2e',
        PUBLIC_URL: origin,
        TRUSTED_PROXIES: '127.0.0.1,::1',
        NEXT_TELEMETRY_DISABLED: '1',
        DO_NOT_TRACK: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    site.stdout!.on('data', collect('site'))
    site.stderr!.on('data', collect('site'))
    const siteProcess = site
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${sitePort}/api/health`)).ok,
      BUILD_TIMEOUT_MS,
      'production server',
      () => siteProcess.exitCode === null,
    )

    // Caddy with the shipped Caddyfile; its state (CA, certificates) in the throwaway dir.
    const caddyHome = path.join(root, 'caddy')
    fs.mkdirSync(caddyHome, {recursive: true})
    const caddyEnv: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: caddyHome,
        XDG_DATA_HOME: path.join(caddyHome, 'data'),
        XDG_CONFIG_HOME: path.join(caddyHome, 'config'),
        DISPATCH_ADDRESS: origin,
        DISPATCH_TLS: 'internal',
        DISPATCH_SITE_PORT: String(sitePort),
        DISPATCH_LAKE_PORT: String(lakePort + 1),
        DISPATCH_HTTPS_PORT: String(proxyPort),
        DISPATCH_HTTP_PORT: String(redirectPort),
        CADDY_ADMIN: 'off',
        CADDY_EXTRA_GLOBAL: 'skip_install_trust',
    }
    const caddyProcess = spawn(CADDY, ['run', '--config', path.resolve('deploy/Caddyfile'), '--adapter', 'caddyfile'], {
      env: caddyEnv as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    caddy = caddyProcess
    caddyProcess.stdout!.on('data', collect('caddy'))
    caddyProcess.stderr!.on('data', collect('caddy'))
    const caCertPath = path.join(caddyHome, 'data', 'caddy', 'pki', 'authorities', 'local', 'root.crt')
    await waitFor(async () => fs.existsSync(caCertPath) && (await isListening(proxyPort)), 60_000, 'caddy', () => caddyProcess.exitCode === null)

    // Chromium on Linux trusts what is in $HOME/.pki/nssdb: a fresh one with only the test CA.
    const browserHome = path.join(root, 'browser-home')
    const nssdb = path.join(browserHome, '.pki', 'nssdb')
    fs.mkdirSync(nssdb, {recursive: true})
    certutil(['-N', '-d', `sql:${nssdb}`, '--empty-password'])
    certutil(['-A', '-d', `sql:${nssdb}`, '-n', 'Dispatch e2e test CA', '-t', 'C,,', '-i', caCertPath])

    return {
      origin,
      proxyPort,
      sitePort,
      lakePort,
      lakeHttpPort: lakePort + 1,
      dataDir,
      browserHome,
      caCertPath,
      logs: () => output.join('\n'),
      close,
    }
  } catch (error) {
    const tail = output.slice(-60).join('\n')
    await close()
    throw new Error(`${(error as Error).message}\n--- last output ---\n${tail}`)
  }
}

function certutil(args: string[]) {
  const result = spawnSync(CERTUTIL, args, {encoding: 'utf8'})
  if (result.status !== 0) throw new Error(`certutil ${args.join(' ')} failed: ${result.stderr}`)
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
