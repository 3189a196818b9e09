/**
 * A real, throwaway `redis-server` (tests, the cluster harness, the bench): a free port, a temp
 * dir, no persistence. Fails with a clear message when the binary is missing (CI installs the
 * Debian package: see .ci/run).
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export interface TestRedis {
  url: string
  port: number
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>
  /** Starts it again on the same port (empty: no persistence). */
  start(): Promise<void>
  /** Stops it for good and removes its directory. */
  close(): Promise<void>
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function requireRedisServer(): string {
  const found = spawnSync('redis-server', ['--version'], {encoding: 'utf8'})
  if (found.error || found.status !== 0) {
    throw new Error(
      'redis-server is not installed: the cluster tests need a real Redis. Install it with ' +
        '`apt-get install -y redis-server` (Debian/Ubuntu; .ci/run does this in CI) or put redis-server on PATH.',
    )
  }
  return 'redis-server'
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`)
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`redis-server did not listen on ${port} within ${timeoutMs} ms`)
}

/** Starts redis-server on `fixedPort` (default: a free loopback port); resolves once it accepts connections. */
export async function startTestRedis(fixedPort?: number): Promise<TestRedis> {
  const binary = requireRedisServer()
  const port = fixedPort ?? (await freePort())
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dispatch-redis-'))
  let child: ChildProcess | null = null

  const start = async () => {
    child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: 'ignore',
    })
    await waitForPort(port, child)
  }
  const stop = async () => {
    const running = child
    child = null
    if (!running || running.exitCode !== null) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGTERM')
    await exited
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    async stop() {
      await stop()
    },
    async close() {
      await stop()
      fs.rmSync(dir, {recursive: true, force: true})
    },
  }
}
