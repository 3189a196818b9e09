/**
 * `npm run build`: `next build`. Pages are prerendered from content, so with no hosted project
 * configured the local lake runs for the duration of the build.
 */
import {runNext, startLocalLake, waitForExit} from './lib/local-stack'

const sitePort = Number(process.env.PORT || 3000)
const lake = await startLocalLake({sitePort})
const code = await waitForExit(runNext('build', lake.env))
await lake.close()
process.exit(code)
