import path from 'node:path'
import type {NextConfig} from 'next'
import {isHosted, publicUrl, serverApiHost} from './lib/env'

const nextConfig: NextConfig = {
  // Lets two dev servers (or a dev server and a test build) share one checkout.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Native and Node-only packages stay out of the server bundle (Redis: one client per process,
  // shared with the custom server and the cache handler through globalThis).
  serverExternalPackages: ['better-sqlite3', 'sharp', 'redis', '@redis/client', 'rate-limiter-flexible'],
  poweredByHeader: false,
  // The Studio (browser code) needs PUBLIC_URL to reach the lake under the public origin.
  env: {PUBLIC_URL: publicUrl},
  // Next's file-system cache, plus notifications that keep the production server's response
  // cache exact: which tags each page depends on, and which tags were revalidated.
  cacheHandler: path.join(process.cwd(), 'lib/response-cache/cache-handler.cjs'),
  images: {
    // Every image is a Sanity image whose pipeline (Sanity's CDN, or the local lake through the
    // site's /images/*) resizes it itself: the loader asks it for each width, and Next's own
    // optimizer, which would fetch URLs chosen by visitors, is disabled (404) by the custom loader.
    loader: 'custom',
    loaderFile: './sanity/lib/image-loader.ts',
  },
  // Local lake: its image and file pipelines are served under the site's own origin, so readers
  // and feed readers never need the lake's loopback-only port or its local CA.
  async rewrites() {
    if (isHosted) return []
    const lake = serverApiHost
    return [
      {source: '/images/:path*', destination: `${lake}/images/:path*`},
      {source: '/files/:path*', destination: `${lake}/files/:path*`},
    ]
  },
}

export default nextConfig
