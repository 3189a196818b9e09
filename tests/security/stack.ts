/**
 * The site under attack: a fresh local lake (demo content, throwaway data dir) and ONE production
 * build of the site (`next build` into .next-security), served by the production server
 * (scripts/serve-site.ts) exactly as `npm start` runs it. A second production server on the same
 * build runs with TRUSTED_PROXIES=127.0.0.1, as behind a local reverse proxy.
 *
 * Started once per `vitest run --project security` by global-setup.ts; every port is a free one
 * picked at start. SECURITY_REUSE_BUILD=1 reuses the last build when its ports are still free
 * (local iteration; the build bakes the lake's port into its rewrites). Logs: test-results/security/.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..')
export const DIST_DIR = '.next-security'
const distPath = path.join(REPO_ROOT, DIST_DIR)
const stackFile = path.join(distPath, 'security-stack.json')
/** Server and build logs (outside the dist dir, which `next build` empties first). */
export const LOG_DIR = path.join(REPO_ROOT, 'test-results', 'security')

/** What the tests get (vitest `provide`/`inject`). */
export interface StackInfo {
  /** The production server: socket address decides who a client is. */
  siteUrl: string
  /** Same build, TRUSTED_PROXIES=127.0.0.1: connections from 127.0.0.1 act as a reverse proxy. */
  proxiedSiteUrl: string
  /** What the site calls itself (NEXT_PUBLIC_SITE_URL): mention targets must be on it. */
  publicSiteUrl: string
  lakeHttpUrl: string
  lakeDataDir: string
  token: string
  webhookSecret: string
  contactFormSecret: string
  /** Process id of the production server (memory checks). */
  sitePid: number
}

interface Ports {
  site: number
  proxiedSite: number
  lake: number
  lakeHttp: number
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

async function choosePorts(): Promise<{ports: Ports; reuse: boolean}> {
  if (process.env.SECURITY_REUSE_BUILD === '1' && fs.existsSync(path.join(distPath, 'BUILD_ID')) && fs.existsSync(stackFile)) {
    const ports = JSON.parse(fs.readFileSync(stackFile, 'utf8')) as Ports
    if ((await Promise.all(Object.values(ports).map(isFree))).every(Boolean)) return {ports, reuse: true}
  }
  const ports = {site: await freePort(), proxiedSite: await freePort(), lake: await freePort(), lakeHttp: await freePort()}
  return {ports, reuse: false}
}

function run(name: string, command: string, args: string[], env: Record<string, string>): ChildProcess {
  fs.mkdirSync(LOG_DIR, {recursive: true})
  const log = fs.openSync(path.join(LOG_DIR, `${name}.log`), 'w')
  return spawn(command, args, {cwd: REPO_ROOT, env: {...process.env, ...env}, stdio: ['ignore', log, log], detached: false})
}

function exited(child: ChildProcess): Promise<number> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)))
}

async function waitForHealth(url: string, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see test-results/security/${name}.log`)
    try {
      if ((await fetch(`${url}/api/health`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`${name} did not become healthy; see test-results/security/${name}.log`)
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited(child)
  clearTimeout(timer)
}

export async function startStack(): Promise<{info: StackInfo; env: Record<string, string>; close(): Promise<void>}> {
  const {ports, reuse} = await choosePorts()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dispatch-security-'))
  fs.mkdirSync(LOG_DIR, {recursive: true})
  const lakeLog = path.join(LOG_DIR, 'lake.log')
  fs.rmSync(lakeLog, {force: true})
  // Imported here so that lib/env.ts sees the environment of this process, not a test's.
  const {startLocalLake} = await import('@/scripts/lib/local-stack')
  const {ensureToken} = await import('@/lib/lake/server')
  const lake = await startLocalLake({
    sitePort: ports.site,
    lakePort: ports.lake,
    lakeHttpPort: ports.lakeHttp,
    dataDir,
    log: (line) => fs.appendFileSync(lakeLog, line + '\n'),
  })
  const contactFormSecret = crypto.randomBytes(16).toString('hex')
  // Production defaults: no private networks for mention fetches, the response cache on.
  const env: Record<string, string> = {
    ...lake.env,
    NEXT_DIST_DIR: DIST_DIR,
    CONTACT_FORM_SECRET: contactFormSecret,
    MENTIONS_ALLOW_PRIVATE_NETWORKS: '0',
    NODE_ENV: 'production',
  }
  const children: ChildProcess[] = []
  const close = async () => {
    await Promise.all(children.map(stop))
    await lake.close().catch(() => {})
    fs.rmSync(dataDir, {recursive: true, force: true})
  }
  try {
    const nextBin = path.join(REPO_ROOT, 'node_modules', '.bin', 'next')
    const tsxBin = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx')
    if (!reuse) {
      fs.rmSync(distPath, {recursive: true, force: true})
      const build = run('build', nextBin, ['build'], env)
      children.push(build)
      const code = await exited(build)
      if (code !== 0) throw new Error(`next build failed (${code}); see test-results/security/build.log`)
      fs.writeFileSync(stackFile, JSON.stringify(ports))
    }
    const serveSite = path.join(REPO_ROOT, 'scripts', 'serve-site.ts')
    const site = run('site', tsxBin, [serveSite], {...env, PORT: String(ports.site)})
    const proxied = run('proxied-site', tsxBin, [serveSite], {...env, PORT: String(ports.proxiedSite), TRUSTED_PROXIES: '127.0.0.1'})
    children.push(site, proxied)
    const siteUrl = `http://127.0.0.1:${ports.site}`
    const proxiedSiteUrl = `http://127.0.0.1:${ports.proxiedSite}`
    await Promise.all([waitForHealth(siteUrl, site, 'site'), waitForHealth(proxiedSiteUrl, proxied, 'proxied-site')])
    return {
      info: {
        siteUrl,
        proxiedSiteUrl,
        publicSiteUrl: env.NEXT_PUBLIC_SITE_URL,
        lakeHttpUrl: `http://127.0.0.1:${ports.lakeHttp}`,
        lakeDataDir: dataDir,
        token: ensureToken(dataDir, 'site', 'editor'),
        webhookSecret: env.SANITY_REVALIDATE_SECRET,
        contactFormSecret,
        sitePid: site.pid!,
      },
      env,
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
