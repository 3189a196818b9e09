/**
 * The production web server: Next.js (from `npm run build`) behind Dispatch's response cache.
 * Cache hits are answered from memory without entering Next's render path; misses go to Next.
 * Started by `npm start` (scripts/start.ts) with the lake's environment already set.
 *
 * As the only code that sees the socket, it also decides each request's client address
 * (lib/http/client-address.ts, TRUSTED_PROXIES) and rewrites the forwarded headers Next receives,
 * and it lets an over-limit request body drain so the client reads its 413 (lib/http/lingering-close.ts).
 */
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import next from 'next'
import {joinCluster} from '@/lib/cluster'
import {publicCacheControl, publicUrl, responseCacheEnabled, responseCacheMaxBytes, trustedProxies} from '@/lib/env'
import {forwardClientAddress, parseTrustedProxies} from '@/lib/http/client-address'
import {lingerOnUnreadBody} from '@/lib/http/lingering-close'
import {withCompleteNotFoundPages} from '@/lib/http/not-found-page'
import {withResponseCache} from '@/lib/response-cache/handler'
import {ResponseCache} from '@/lib/response-cache/response-cache'
import {purgeTags} from '@/lib/response-cache/tag-registry.cjs'
import {warmUp} from '@/lib/response-cache/warm-up'

const port = Number(process.env.PORT || 3000)
// Behind the TLS proxy (PUBLIC_URL) the site answers on loopback only: the proxy is the public door.
const hostname = process.env.HOSTNAME_BIND || (publicUrl ? '127.0.0.1' : undefined)

// Parsed before anything starts: a malformed TRUSTED_PROXIES stops the server with its reason.
const proxies = parseTrustedProxies(trustedProxies)

// With REDIS_URL: share Next's cache and hear every instance's tag invalidations (lib/cluster).
// Joined before Next starts, so the cache handler finds the shared cache from the first request.
const cache = new ResponseCache(responseCacheMaxBytes)
const cluster = await joinCluster({
  distDir: path.resolve(process.env.NEXT_DIST_DIR || '.next'),
  port,
  purgeTags,
  purgeAll: () => cache.clear(),
})

const app = next({dev: false, dir: process.cwd(), port, hostname: 'localhost'})
await app.prepare()
const nextHandle = app.getRequestHandler()
// Next's prerendered not-found page, read once (the build does not change under a running server).
const notFoundFile = path.resolve(process.env.NEXT_DIST_DIR || '.next', 'server', 'app', '_not-found.html')
let notFoundPage: Buffer | null | undefined
const handle = withCompleteNotFoundPages(
  (req, res) => nextHandle(req, res),
  () => (notFoundPage ??= fs.existsSync(notFoundFile) ? fs.readFileSync(notFoundFile) : null),
)
const handler = responseCacheEnabled
  ? withResponseCache((req, res) => handle(req, res), cache, {cacheControl: publicCacheControl})
  : (req: http.IncomingMessage, res: http.ServerResponse) => handle(req, res)

const server = http.createServer((req, res) => {
  forwardClientAddress(req, proxies)
  lingerOnUnreadBody(req, res)
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
  const clustered = cluster ? `, cluster member ${cluster.instance} on Redis` : ''
  console.log(`Dispatch ready on http://localhost:${port} (response cache ${responseCacheEnabled ? 'on' : 'off'}${clustered})`)
  if (responseCacheEnabled) void warmUp(`http://127.0.0.1:${port}`).then((count) => console.log(`warmed ${count} pages`))
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close(() => void (cluster?.close() ?? Promise.resolve()).finally(() => process.exit(0)))
    // Idle keep-alive connections (a balancer keeps some open) would hold close() forever.
    server.closeIdleConnections()
    setTimeout(() => process.exit(0), 5_000).unref()
  })
}
