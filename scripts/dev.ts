/**
 * `npm run dev`: the local lake (seeded with the demo blog on first start) plus `next dev`.
 * With NEXT_PUBLIC_SANITY_PROJECT_ID set, only `next dev` runs, against hosted Sanity.
 */
import {startNotes} from './lib/first-start'
import {runNext, startLocalLake, superviseUntilExit} from './lib/local-stack'

const sitePort = Number(process.env.PORT || 3000)
const lake = await startLocalLake({sitePort})
const notes = lake.env.LAKE_DATA_DIR
  ? startNotes({dataDir: lake.env.LAKE_DATA_DIR, sitePort, lakePort: Number(lake.env.NEXT_PUBLIC_LAKE_PORT), alwaysCaStep: true})
  : [`  Site:   http://localhost:${sitePort}`, `  Studio: http://localhost:${sitePort}/studio`]
console.log(`\n${notes.join('\n')}\n`)
superviseUntilExit(runNext('dev', lake.env, sitePort), lake)
