/**
 * Picks where an import writes (README "Move from WordPress"): hosted Sanity when a project id is
 * configured; else the running local lake serving LAKE_DATA_DIR (through its API, so its caches,
 * listeners and webhooks see the import); else that data directory directly with the engine.
 */
import {apiVersion, dataset, isHosted, lakeHttpPort, projectId, writeToken} from '@/lib/env'
import {DEFAULT_PROJECT_ID} from '@/lib/lake/config'
import {findRunningLake, lakeCliToken} from '@/lib/lake/running'
import {engineSink} from './engine'
import type {ImportSink} from './types'

export type {ImportSink, Mutation} from './types'
export {IMPORT_AUTHOR} from './types'
export {dryRunSink} from './dry-run'

export async function openSink(dataDir: string): Promise<ImportSink> {
  // @sanity/client is loaded only when needed: ~17 MB an import into the data directory never uses.
  const clientSink = async (...args: Parameters<typeof import('./client').clientSink>) => (await import('./client')).clientSink(...args)
  if (isHosted) {
    if (!writeToken) throw new Error('Importing into hosted Sanity needs SANITY_API_WRITE_TOKEN (an editor token)')
    return await clientSink({description: `hosted Sanity project ${projectId}, dataset ${dataset}`, projectId, dataset, apiVersion, token: writeToken})
  }
  const running = await findRunningLake(dataDir)
  if (running) {
    return await clientSink({
      description: `the running lake at ${running.httpUrl} (pid ${running.pid})`,
      projectId: DEFAULT_PROJECT_ID,
      dataset,
      apiVersion,
      token: lakeCliToken(dataDir),
      apiHost: running.httpUrl,
    })
  }
  return engineSink({dataDir, dataset, projectId: DEFAULT_PROJECT_ID, origin: `http://127.0.0.1:${lakeHttpPort}`})
}
