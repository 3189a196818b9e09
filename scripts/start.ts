/**
 * `npm start`: the production server (Next.js from `npm run build`, behind the response cache)
 * with the local lake, or alone against hosted Sanity when NEXT_PUBLIC_SANITY_PROJECT_ID is set.
 */
import {runProductionServer, startLocalLake, superviseUntilExit} from './lib/local-stack'

const sitePort = Number(process.env.PORT || 3000)
const lake = await startLocalLake({sitePort})
superviseUntilExit(runProductionServer(lake.env, sitePort), lake)
