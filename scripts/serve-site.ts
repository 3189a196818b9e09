/**
 * The production web server: Next.js (from `npm run build`) behind Dispatch's response cache.
 * Cache hits are answered from memory without entering Next's render path; misses go to Next.
 * Started by `npm start` (scripts/start.ts) with the lake's environment already set.
 */
import http from 'node:http'
import next from 'next'
import {publicCacheControl, responseCacheEnabled, responseCacheMaxBytes} from '@/lib/env'
import {withCompleteNotFoundPages} from '@/lib/http/not-found-page'
import {withResponseCache} from '@/lib/response-cache/handler'
import {ResponseCache} from '@/lib/response-cache/response-cache'
import {warmUp} from '@/lib/response-cache/warm-up'

const port = Number(process.env.PORT || 3000)
const hostname = process.env.HOSTNAME_BIND || undefined

const app = next({dev: false, dir: process.cwd(), port, hostname: 'localhost'})
await app.prepare()
const nextHandle = app.getRequestHandler()
const handle = withCompleteNotFoundPages((req, res) => nextHandle(req, res))
const cache = new ResponseCache(responseCacheMaxBytes)
const handler = responseCacheEnabled
  ? withResponseCache((req, res) => handle(req, res), cache, {cacheControl: publicCacheControl})
  : (req: http.IncomingMessage, res: http.ServerResponse) => handle(req, res)

const server = http.createServer((req, res) => {
  Promise.resolve(handler(req, res)).catch((error: unknown) => {
    console.error('request failed', error)
    if (!res.headersSent) {
      res.writeHead(500, {'content-type': 'text/plain; charset=utf-8'})
      res.end('Internal Server Error')
    }
  })
})
server.keepAliveTimeout = 65_000
server.listen(port, hostname, () => {
  console.log(`Dispatch ready on http://localhost:${port} (response cache ${responseCacheEnabled ? 'on' : 'off'})`)
  if (responseCacheEnabled) void warmUp(`http://127.0.0.1:${port}`).then((count) => console.log(`warmed ${count} pages`))
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)))
}
