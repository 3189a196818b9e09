/**
 * `npm start`: the production server (Next.js from `npm run build`, behind the response cache)
 * with the local lake, or alone against hosted Sanity when NEXT_PUBLIC_SANITY_PROJECT_ID is set.
 */
import {startNotes} from './lib/first-start'
import {runProductionServer, startLocalLake, superviseUntilExit} from './lib/local-stack'

const sitePort = Number(process.env.PORT || 3000)
const lake = await startLocalLake({sitePort})
if (lake.env.LAKE_DATA_DIR) {
  // The first login, if `npm run build` created it and nobody has been shown it here yet.
  const notes = startNotes({dataDir: lake.env.LAKE_DATA_DIR, sitePort, lakePort: Number(lake.env.NEXT_PUBLIC_LAKE_PORT), alwaysCaStep: false})
  if (notes.length > 2) console.log(`\n${notes.join('\n')}\n`)
}
superviseUntilExit(runProductionServer(lake.env, sitePort), lake)
