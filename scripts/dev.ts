/**
 * `npm run dev`: the local lake (seeded with the demo blog on first start) plus `next dev`.
 * With NEXT_PUBLIC_SANITY_PROJECT_ID set, only `next dev` runs, against hosted Sanity.
 */
import {runNext, startLocalLake, superviseUntilExit} from './lib/local-stack'

const sitePort = Number(process.env.PORT || 3000)
const lake = await startLocalLake({sitePort})
console.log(`\n  Site:   http://localhost:${sitePort}\n  Studio: http://localhost:${sitePort}/studio\n`)
superviseUntilExit(runNext('dev', lake.env, sitePort), lake)
