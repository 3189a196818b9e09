/**
 * `npm run cluster`: the cluster harness by hand — redis-server, one lake, N production instances
 * of one build behind nginx (scripts/lib/cluster-stack.ts) — until Ctrl-C. For trying the
 * multi-instance setup locally; `--instances N` (default 3), `--port-base P` (default: free ports).
 */
import {parseArgs} from 'node:util'
import {startClusterStack} from './lib/cluster-stack'

const {values} = parseArgs({options: {instances: {type: 'string'}, 'port-base': {type: 'string'}, 'log-dir': {type: 'string'}}})
const stack = await startClusterStack({
  instances: Number(values.instances ?? 3),
  distDir: '.next-cluster',
  portBase: values['port-base'] ? Number(values['port-base']) : undefined,
  logDir: values['log-dir'],
})
console.log(`Balancer: ${stack.balancerUrl}`)
for (const [i, instance] of stack.instances.entries()) console.log(`Instance ${i + 1}: ${instance.url}`)
console.log(`Lake (server side): ${stack.lake.httpUrl}; Redis: ${stack.redis.url}. Ctrl-C stops everything.`)
const stop = () => void stack.close().then(() => process.exit(0))
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
