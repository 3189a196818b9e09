/**
 * The server Playwright's end-to-end tests run against: a fresh local lake (throwaway data dir,
 * demo content) and the site on its own ports. In CI (or with E2E_BUILD=1) the site is a
 * production build (`next build`, in its own dist dir, served by scripts/serve-site.ts); otherwise `next dev`.
 */
import fs from 'node:fs'
import path from 'node:path'
import {runNext, runProductionServer, startLocalLake, superviseUntilExit, waitForExit} from './lib/local-stack'

const sitePort = Number(process.env.E2E_SITE_PORT || 3100)
const lakePort = Number(process.env.E2E_LAKE_PORT || 4544)
const dataDir = path.resolve(process.env.E2E_LAKE_DATA_DIR || '.lake-e2e')
const production = Boolean(process.env.CI) || process.env.E2E_BUILD === '1'

fs.rmSync(dataDir, {recursive: true, force: true})
const lake = await startLocalLake({
  sitePort,
  lakePort,
  lakeHttpPort: lakePort + 1,
  dataDir,
  log: (line) => console.log(line),
})
const env = {
  ...lake.env,
  NEXT_DIST_DIR: process.env.E2E_DIST_DIR || '.next-e2e',
  // The e2e "other blogs" that send and receive pingbacks live on loopback.
  MENTIONS_ALLOW_PRIVATE_NETWORKS: '1',
}
if (production) {
  const code = await waitForExit(runNext('build', env))
  if (code !== 0) {
    await lake.close()
    process.exit(code)
  }
}
superviseUntilExit(production ? runProductionServer(env, sitePort) : runNext('dev', env, sitePort), lake)
