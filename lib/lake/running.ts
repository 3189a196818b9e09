/**
 * Running-lake discovery, so tools (the lake CLI, importers) write through a lake that is serving
 * instead of opening its SQLite files behind its back: the lake's in-memory document cache, its
 * listeners and webhooks only see writes that go through it.
 *
 * `startLake` writes `<dataDir>/running.json` (pid + loopback HTTP URL, mode 0600) once it listens
 * and removes it on close. A crash leaves the file behind, so `findRunningLake` trusts it only when
 * the process is alive *and* the URL answers the lake's ping; otherwise the data dir is free to open
 * directly.
 *
 * Writing through the lake needs a token like any other client. `lakeCliToken` keeps an
 * administrator API token in `<dataDir>/lake-cli-token` (0600, see auth/tokens.ts): whoever can read
 * the data dir can already read and write the database itself, so the file grants nothing new.
 */
import fs from 'node:fs'
import path from 'node:path'
import {ensureToken, writePrivateFile} from './auth/tokens'

export interface RunningLakeInfo {
  /** Plain-HTTP loopback URL of the lake, e.g. `http://127.0.0.1:4445` (no trailing slash). */
  httpUrl: string
  pid: number
}

export const RUNNING_FILE = 'running.json'
const CLI_TOKEN_LABEL = 'lake-cli'
const PING_TIMEOUT_MS = 2000

export function runningFilePath(dataDir: string): string {
  return path.join(path.resolve(dataDir), RUNNING_FILE)
}

/** Called by startLake once both ports listen. */
export function writeRunningFile(dataDir: string, info: RunningLakeInfo): void {
  writePrivateFile(runningFilePath(dataDir), JSON.stringify({...info, startedAt: new Date().toISOString()}) + '\n')
}

/** Called by startLake on close; leaves a file written by another process alone. */
export function removeRunningFile(dataDir: string, pid = process.pid): void {
  const info = readRunningFile(dataDir)
  if (info && info.pid !== pid) return
  fs.rmSync(runningFilePath(dataDir), {force: true})
}

function readRunningFile(dataDir: string): RunningLakeInfo | null {
  let raw: unknown
  try {
    raw = JSON.parse(fs.readFileSync(runningFilePath(dataDir), 'utf8'))
  } catch {
    return null
  }
  const {httpUrl, pid} = (raw ?? {}) as Partial<RunningLakeInfo>
  if (typeof httpUrl !== 'string' || !/^http:\/\/[^/]+$/.test(httpUrl)) return null
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return null
  return {httpUrl, pid}
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: alive, but another user's process (a lake run by a service account).
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function answersPing(httpUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${httpUrl}/v1/ping`, {signal: AbortSignal.timeout(PING_TIMEOUT_MS)})
    return res.ok && (await res.text()).trim() === 'PONG'
  } catch {
    return false
  }
}

/** The lake serving `dataDir`, or null when none is (a stale file from a crash counts as none). */
export async function findRunningLake(dataDir: string): Promise<RunningLakeInfo | null> {
  const info = readRunningFile(dataDir)
  if (!info || !processAlive(info.pid)) return null
  return (await answersPing(info.httpUrl)) ? info : null
}

/**
 * An administrator token for the CLI and other local tools to write through the running lake.
 * Minted on first use (works while the lake runs: auth.sqlite is WAL with a busy timeout).
 */
export function lakeCliToken(dataDir: string): string {
  return ensureToken(path.resolve(dataDir), CLI_TOKEN_LABEL, 'administrator')
}
