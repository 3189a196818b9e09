/**
 * Several production site instances behind a balancer, on one machine: what the cluster test
 * (tests/cluster/cluster.test.ts) and the bench's cluster line run.
 *
 *   client ─▶ nginx (round robin) ─┬─▶ site 1 ─┐
 *                                  ├─▶ site 2 ─┼─▶ redis-server (shared cache, invalidations, limits)
 *                                  └─▶ site 3 ─┘        and one lake (LAKE_URL) for all of them
 *
 * One lake (in this process, seeded with the demo), ONE `next build` that every instance serves
 * (scripts/serve-site.ts with REDIS_URL and LAKE_URL), nginx from Debian as the balancer (it
 * retries an idempotent request on the next instance when one dies, as a production balancer
 * does). Every port is picked free. Nothing here is a mock: these are the production processes.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {createClient, type SanityClient} from '@sanity/client'
import {apiVersion} from '@/lib/env'
import {ensureToken, startLake, type RunningLake} from '@/lib/lake/server'
import {demoDocuments} from '@/lib/seed/demo'
import {freePort, startTestRedis, type TestRedis} from './redis-server'

const repoRoot = path.resolve(import.meta.dirname, '..', '..')
const nextBin = path.join(repoRoot, 'node_modules', '.bin', 'next')

export interface SiteInstance {
  port: number
  url: string
  /** Everything the instance printed (stdout and stderr), line by line. */
  output: string[]
  child: ChildProcess | null
}

export interface ClusterStack {
  balancerUrl: string
  instances: SiteInstance[]
  redis: TestRedis
  lake: RunningLake
  /** Editor client on the lake (publishes as the Studio would). */
  editor: SanityClient
  /** Kills one instance at once (SIGKILL: no graceful shutdown, like a crashed machine). */
  kill(index: number): void
  close(): Promise<void>
}

export interface ClusterStackOptions {
  instances: number
  /** Next dist dir of the shared build (relative to the repo). */
  distDir: string
  /** Extra environment for every instance. */
  env?: Record<string, string>
  /** Where process logs go (kept). Default: a temp dir, removed by close(). */
  logDir?: string
  /**
   * Fixed ports (balancer = base, lake base+1/base+2, instances from base+3, Redis base+9) instead of free ones.
   * The build bakes the lake's and the balancer's address in, so with fixed ports a build made for
   * the same ports is reused (marker file in the dist dir): quick local iterations. Unset (CI):
   * free ports, fresh build.
   */
  portBase?: number
  log?: (line: string) => void
}

/** nginx from Debian, or a clear message (CI installs it: .ci/run). */
function requireNginx(): string {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) {
    const found = spawnSync(candidate, ['-v'], {encoding: 'utf8'})
    if (!found.error && found.status === 0) return candidate
  }
  throw new Error('nginx is not installed: the cluster harness uses it as the balancer. Install it with `apt-get install -y nginx` (.ci/run does this in CI).')
}

function nginxConfig(dir: string, listenPort: number, upstreamPorts: number[]): string {
  const temp = (name: string) => path.join(dir, name)
  return `worker_processes 1;
pid ${temp('nginx.pid')};
error_log ${temp('error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  upstream site {
${upstreamPorts.map((port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=5s;`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://site;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto http;
      # A dead instance: retry idempotent requests on the next one (nginx never retries a POST).
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 1s;
      proxy_buffering on;
    }
  }
}
`
}

export interface Balancer {
  url: string
  close(): Promise<void>
}

/** nginx round robin over `upstreamPorts` on 127.0.0.1, its files in `dir`; resolves once it answers. */
export async function startBalancer(options: {listenPort: number; upstreamPorts: number[]; dir: string}): Promise<Balancer> {
  const nginx = requireNginx()
  fs.mkdirSync(options.dir, {recursive: true})
  const config = path.join(options.dir, 'nginx.conf')
  fs.writeFileSync(config, nginxConfig(options.dir, options.listenPort, options.upstreamPorts))
  const output: string[] = []
  const args = ['-p', options.dir, '-c', config, '-e', path.join(options.dir, 'error.log'), '-g', 'daemon off;']
  const child = spawnLogged(nginx, args, {}, path.join(options.dir, 'nginx.log'), output)
  const url = `http://127.0.0.1:${options.listenPort}`
  try {
    await waitForHealth(`${url}/api/health`, null, 15_000)
  } catch (error) {
    await stopChild(child, 'SIGQUIT')
    throw new Error(`${(error as Error).message}\n${output.join('\n')}`)
  }
  // SIGQUIT: graceful shutdown (nginx's SIGTERM is a fast one).
  return {url, close: () => stopChild(child, 'SIGQUIT')}
}

async function waitForHealth(url: string, instance: SiteInstance | null, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (instance?.child && instance.child.exitCode !== null) {
      throw new Error(`instance on ${instance.port} exited (${instance.child.exitCode}):\n${instance.output.slice(-30).join('\n')}`)
    }
    try {
      const response = await fetch(url, {signal: AbortSignal.timeout(2_000)})
      await response.arrayBuffer()
      if (response.ok) return
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`)
}

function spawnLogged(command: string, args: string[], env: Record<string, string>, logFile: string, output: string[]): ChildProcess {
  const child = spawn(command, args, {cwd: repoRoot, env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']})
  const log = fs.createWriteStream(logFile, {flags: 'a'})
  let partial = ''
  const onData = (chunk: Buffer) => {
    log.write(chunk)
    const lines = (partial + chunk.toString('utf8')).split('\n')
    partial = lines.pop() ?? ''
    output.push(...lines)
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  child.once('exit', () => log.end())
  return child
}

function stopChild(child: ChildProcess | null, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill(signal)
  })
}

/**
 * Starts everything, building the site first. `beforeInstances` runs once the lake is up, before
 * any instance starts (the test schedules a post there, so every instance's watcher sees it).
 */
export async function startClusterStack(
  options: ClusterStackOptions,
  beforeInstances?: (editor: SanityClient) => Promise<void>,
): Promise<ClusterStack> {
  const log = options.log ?? ((line: string) => console.log(line))
  requireNginx()
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dispatch-cluster-'))
  const logDir = options.logDir ?? work
  fs.mkdirSync(logDir, {recursive: true})
  const closers: (() => Promise<unknown>)[] = []
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => {})
    // The lake, nginx and Redis files; the logs stay when they went to a logDir of their own.
    fs.rmSync(work, {recursive: true, force: true})
  }

  try {
    const base = options.portBase
    // Fixed ports: Redis on the last of the ten (base+9).
    const redis = await startTestRedis(base ? base + 9 : undefined)
    closers.push(() => redis.close())

    const balancerPort = base ?? (await freePort())
    const balancerUrl = `http://127.0.0.1:${balancerPort}`
    const secret = crypto.randomBytes(24).toString('hex')
    const lakeDir = path.join(work, 'lake')
    // The lake announces changes to the balancer, which hands each webhook to one instance.
    const lake = await startLake({
      dataDir: lakeDir,
      port: base ? base + 1 : 0,
      httpPort: base ? base + 2 : 0,
      allowedOrigins: [balancerUrl],
      webhooks: [
        {url: `${balancerUrl}/api/revalidate`, secret},
        {url: `${balancerUrl}/api/webhooks/mentions`, secret},
      ],
      seedDocuments: () => demoDocuments({siteUrl: balancerUrl}),
      logger: (line) => fs.appendFileSync(path.join(logDir, 'lake.log'), line + '\n'),
    })
    closers.push(() => lake.close())
    const token = ensureToken(lakeDir, 'site', 'editor')
    const editor = createClient({
      projectId: 'dispatch',
      dataset: 'production',
      apiVersion,
      apiHost: lake.httpUrl,
      useProjectHostname: false,
      useCdn: false,
      token,
      perspective: 'raw',
    })

    const env: Record<string, string> = {
      NEXT_TELEMETRY_DISABLED: '1',
      DO_NOT_TRACK: '1',
      NODE_ENV: 'production',
      NEXT_DIST_DIR: options.distDir,
      NEXT_PUBLIC_SITE_URL: balancerUrl,
      LAKE_URL: lake.httpUrl,
      NEXT_PUBLIC_LAKE_PORT: String(lake.port),
      NODE_EXTRA_CA_CERTS: lake.caCertPath,
      SANITY_API_READ_TOKEN: token,
      SANITY_API_WRITE_TOKEN: token,
      SANITY_REVALIDATE_SECRET: secret,
      REDIS_URL: redis.url,
      ...options.env,
    }

    // ONE build for every instance (pages are prerendered from the lake; no Redis while building).
    const marker = path.join(repoRoot, options.distDir, 'cluster-build.json')
    const madeFor = JSON.stringify({balancerUrl, lake: lake.httpUrl, lakePort: lake.port})
    const reusable = base !== undefined && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === madeFor
    if (reusable) log(`cluster: reusing the build in ${options.distDir} (same ports)`)
    else {
      log(`cluster: building the site into ${options.distDir} (log: ${path.join(logDir, 'build.log')})`)
      fs.rmSync(marker, {force: true})
      const buildOutput: string[] = []
      // `next build` adds the dist dir's type paths to tsconfig.json: keep the checked-in file as it is.
      const tsconfig = fs.readFileSync(path.join(repoRoot, 'tsconfig.json'), 'utf8')
      const build = spawnLogged(nextBin, ['build'], {...env, REDIS_URL: ''}, path.join(logDir, 'build.log'), buildOutput)
      const code = await new Promise<number>((resolve) => build.once('exit', (exitCode) => resolve(exitCode ?? 1)))
      fs.writeFileSync(path.join(repoRoot, 'tsconfig.json'), tsconfig)
      if (code !== 0) throw new Error(`next build failed (${code}):\n${buildOutput.slice(-40).join('\n')}`)
      fs.writeFileSync(marker, madeFor)
    }

    await beforeInstances?.(editor)

    const instances: SiteInstance[] = []
    for (let i = 0; i < options.instances; i++) {
      const port = base ? base + 3 + i : await freePort()
      instances.push({port, url: `http://127.0.0.1:${port}`, output: [], child: null})
    }
    for (const [i, instance] of instances.entries()) {
      // `node --import tsx`, not the tsx CLI: one process, so a kill reaches the server itself.
      const args = ['--import', 'tsx', path.join(repoRoot, 'scripts', 'serve-site.ts')]
      instance.child = spawnLogged(process.execPath, args, {...env, PORT: String(instance.port)}, path.join(logDir, `site-${i + 1}.log`), instance.output)
      closers.push(() => stopChild(instance.child))
    }
    await Promise.all(instances.map((instance) => waitForHealth(`${instance.url}/api/health`, instance, 120_000)))

    const balancer = await startBalancer({listenPort: balancerPort, upstreamPorts: instances.map((instance) => instance.port), dir: path.join(work, 'nginx')})
    closers.push(() => balancer.close())
    log(`cluster: ${instances.length} instances behind ${balancerUrl}, Redis ${redis.url}, lake ${lake.httpUrl}`)

    return {
      balancerUrl,
      instances,
      redis,
      lake,
      editor,
      kill(index) {
        instances[index].child?.kill('SIGKILL')
      },
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
