/**
 * Child processes the benchmark starts (next build, the production server, next start): each in
 * its own process group so it can be stopped with everything it spawned, its output kept in a log
 * file under bench/.data/ (not mixed into the report), and its memory sampled from /proc.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {DATA_DIR, REPO_ROOT} from './paths'

export interface Started {
  child: ChildProcess
  logFile: string
  exited: Promise<number>
  stop(): Promise<void>
}

const running = new Set<Started>()

export function startProcess(name: string, command: string, args: string[], env: Record<string, string>): Started {
  fs.mkdirSync(DATA_DIR, {recursive: true})
  const logFile = path.join(DATA_DIR, `${name}.log`)
  const out = fs.openSync(logFile, 'w')
  const child = spawn(command, args, {cwd: REPO_ROOT, env: {...process.env, ...env}, stdio: ['ignore', out, out], detached: true})
  fs.closeSync(out)
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))))
  const started: Started = {
    child,
    logFile,
    exited,
    async stop() {
      running.delete(started)
      if (child.exitCode !== null || child.signalCode !== null) return
      signalGroup(child, 'SIGTERM')
      const killed = await Promise.race([exited.then(() => true), sleep(8000).then(() => false)])
      if (!killed) signalGroup(child, 'SIGKILL')
      await exited
    },
  }
  running.add(started)
  return started
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid) process.kill(-child.pid, signal)
  } catch {
    // Already gone.
  }
}

/** Stops every process this benchmark started and has not stopped yet (on errors and Ctrl-C). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()))
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const PAGE_SIZE = 4096

/** pid → [ppid, rss bytes] for every process, read from /proc/<pid>/stat. */
function processTable(): Map<number, [number, number]> {
  const table = new Map<number, [number, number]>()
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      // Fields after the command name, which is in parentheses and may contain spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      table.set(Number(entry), [Number(fields[1]), Number(fields[21]) * PAGE_SIZE])
    } catch {
      // The process ended while we looked.
    }
  }
  return table
}

/** Resident memory of `rootPid` and all its descendants, in bytes. */
export function treeRss(rootPid: number): number {
  const table = processTable()
  const children = new Map<number, number[]>()
  for (const [pid, [ppid]] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid])
  let total = 0
  const stack = [rootPid]
  while (stack.length) {
    const pid = stack.pop()!
    total += table.get(pid)?.[1] ?? 0
    stack.push(...(children.get(pid) ?? []))
  }
  return total
}

/** Samples a process tree's RSS until stopped; reports the peak. */
export function sampleTreeRss(rootPid: number, everyMs = 250): {stop(): {peakBytes: number; samples: number}} {
  let peak = 0
  let samples = 0
  const tick = () => {
    peak = Math.max(peak, treeRss(rootPid))
    samples++
  }
  tick()
  const timer = setInterval(tick, everyMs)
  return {
    stop() {
      clearInterval(timer)
      return {peakBytes: peak, samples}
    },
  }
}

/** Polls a URL until it answers 2xx (the server is ready) or the timeout passes. */
export async function waitForUrl(url: string, timeoutMs: number, process?: Started): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (process && process.child.exitCode !== null) throw new Error(`${url}: the server exited early; see ${process.logFile}`)
    try {
      const response = await fetch(url, {signal: AbortSignal.timeout(5000)})
      await response.arrayBuffer()
      if (response.ok) return
    } catch {
      // Not listening yet.
    }
    await sleep(250)
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms${process ? `; see ${process.logFile}` : ''}`)
}
