/**
 * Site engineer's dev loop: a private lake (ports 4744/4745, data in .lake-site) with demo content
 * and `next dev` on port 3400 with its own dist dir, wired like `npm run dev`.
 * Usage: npx tsx tests/site/dev-stack.ts
 */
import {runNext, startLocalLake, superviseUntilExit} from '../../scripts/lib/local-stack'

const lake = await startLocalLake({sitePort: 3400, lakePort: 4744, lakeHttpPort: 4745, dataDir: '.lake-site'})
console.log(`SITE_TOKEN=${lake.env.SANITY_API_READ_TOKEN}`)
superviseUntilExit(runNext('dev', {...lake.env, NEXT_DIST_DIR: '.next-site'}, 3400), lake)
