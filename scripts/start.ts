/**
 * `npm start`: the production server (`next start`, after `npm run build`) with the local lake,
 * or alone against hosted Sanity when NEXT_PUBLIC_SANITY_PROJECT_ID is set.
 */
import {runNext, startLocalLake, superviseUntilExit} from './lib/local-stack'

const sitePort = Number(process.env.PORT || 3000)
const lake = await startLocalLake({sitePort})
superviseUntilExit(runNext('start', lake.env, sitePort), lake)
