/**
 * A `@sanity/client` for tools that write to a lake's data dir (the CLI's import, importers):
 * through the lake that is serving it when there is one (lib/lake/running.ts), otherwise through
 * a private lake started on loopback ephemeral ports for the duration of the job. Either way every
 * write is a transaction of the lake's engine (through its API, or its bulk import), so caches,
 * listeners and webhooks stay right and the Studio sees imported documents arrive live.
 */
import {createClient, type SanityClient} from '@sanity/client'
import {apiVersion} from '@/lib/env'
import {DEFAULT_PROJECT_ID} from './config'
import type {Engine} from './engine/types'
import {findRunningLake, lakeCliToken} from './running'

export interface LakeConnection {
  client: SanityClient
  /** Loopback HTTP URL of the lake in use. */
  httpUrl: string
  /** True when a lake was already serving the data dir; false when a private one was started. */
  shared: boolean
  /** The private lake's engine (bulk imports write through it directly); undefined for a shared lake. */
  engine?: Engine
  close(): Promise<void>
}

export async function connectToLake(dataDir: string, options: {dataset: string; log?: (line: string) => void}): Promise<LakeConnection> {
  const running = await findRunningLake(dataDir)
  let httpUrl = running?.httpUrl
  let close = async () => {}
  let engine: Engine | undefined
  if (!httpUrl) {
    // Imported lazily: the server pulls in the HTTP stack, which a shared connection never needs.
    const {startLake} = await import('./server')
    const lake = await startLake({dataDir, port: 0, httpPort: 0, logger: options.log ?? (() => {})})
    httpUrl = lake.httpUrl
    engine = lake.engine
    close = () => lake.close()
  }
  const client = createClient({
    projectId: DEFAULT_PROJECT_ID,
    dataset: options.dataset,
    apiHost: httpUrl,
    useProjectHostname: false,
    apiVersion,
    useCdn: false,
    token: lakeCliToken(dataDir),
    perspective: 'raw',
    requestTagPrefix: 'lake-cli',
  })
  return {client, httpUrl, shared: Boolean(running), engine, close}
}
