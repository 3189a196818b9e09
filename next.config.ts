import path from 'node:path'
import type {NextConfig} from 'next'
import {isHosted, lakeHttpPort, publicUrl, siteUrl} from './lib/env'

const nextConfig: NextConfig = {
  // Lets two dev servers (or a dev server and a test build) share one checkout.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Native and Node-only packages stay out of the server bundle.
  serverExternalPackages: ['better-sqlite3', 'sharp'],
  poweredByHeader: false,
  // The Studio (browser code) needs PUBLIC_URL to reach the lake under the public origin.
  env: {PUBLIC_URL: publicUrl},
  // Next's file-system cache, plus notifications that keep the production server's response
  // cache exact: which tags each page depends on, and which tags were revalidated.
  cacheHandler: path.join(process.cwd(), 'lib/response-cache/cache-handler.cjs'),
  images: {
    // Images come from the Sanity image pipeline: the local lake or Sanity's CDN.
    remotePatterns: [
      {protocol: 'https', hostname: 'cdn.sanity.io'},
      {protocol: 'http', hostname: '127.0.0.1'},
      {protocol: 'http', hostname: 'localhost'},
      {protocol: 'https', hostname: 'localhost'},
      // The site's own /images/* (local lake images, forwarded below).
      new URL('/images/**', siteUrl),
    ],
    // Locally the optimizer fetches images from this machine (the site forwarding to the lake).
    dangerouslyAllowLocalIP: !isHosted,
  },
  // Local lake: its image and file pipelines are served under the site's own origin, so readers
  // and feed readers never need the lake's loopback-only port or its local CA.
  async rewrites() {
    if (isHosted) return []
    const lake = `http://127.0.0.1:${lakeHttpPort}`
    return [
      {source: '/images/:path*', destination: `${lake}/images/:path*`},
      {source: '/files/:path*', destination: `${lake}/files/:path*`},
    ]
  },
}

export default nextConfig
