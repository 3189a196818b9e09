/** Starts a real lake in a temp dir on free ports, with tokens and @sanity/client instances for tests. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {createClient, type SanityClient} from '@sanity/client'
import {createToken, startLake, type RunningLake, type StartLakeOptions} from '@/lib/lake/server'

export const API_VERSION = '2025-02-19'

export interface TestLake {
  lake: RunningLake
  dataDir: string
  editorToken: string
  viewerToken: string
  /** Editor token, raw perspective. */
  editor: SanityClient
  viewer: SanityClient
  anonymous: SanityClient
  client(options?: {token?: string; perspective?: 'raw' | 'drafts' | 'published'; dataset?: string}): SanityClient
  api(pathname: string): string
  close(): Promise<void>
}

export async function startTestLake(options: Partial<StartLakeOptions> = {}): Promise<TestLake> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lake-test-'))
  const lines: string[] = []
  const lake = await startLake({dataDir, port: 0, httpPort: 0, logger: (line) => lines.push(line), ...options})
  const editorToken = createToken(dataDir, {role: 'editor', label: 'test editor'})
  const viewerToken = createToken(dataDir, {role: 'viewer', label: 'test viewer'})
  const client: TestLake['client'] = ({token, perspective = 'raw', dataset = 'production'} = {}) =>
    createClient({
      projectId: 'dispatch',
      dataset,
      apiVersion: API_VERSION,
      apiHost: lake.httpUrl,
      useProjectHostname: false,
      useCdn: false,
      token,
      perspective,
    })
  return {
    lake,
    dataDir,
    editorToken,
    viewerToken,
    editor: client({token: editorToken}),
    viewer: client({token: viewerToken}),
    anonymous: client({perspective: 'published'}),
    client,
    api: (pathname) => `${lake.httpUrl}/v${API_VERSION}${pathname}`,
    async close() {
      await lake.close()
      fs.rmSync(dataDir, {recursive: true, force: true})
    },
  }
}

/** Resolves with the first value the predicate accepts from an async source, or rejects on timeout. */
export function waitFor<T>(subscribe: (push: (value: T) => void) => () => void, accept: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {}
    const timer = setTimeout(() => {
      unsubscribe()
      reject(new Error('timed out waiting'))
    }, timeoutMs)
    unsubscribe = subscribe((value) => {
      if (!accept(value)) return
      clearTimeout(timer)
      unsubscribe()
      resolve(value)
    })
  })
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
