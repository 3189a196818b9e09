/**
 * The environment, read in one place.
 *
 * Two backends, one code path: with no Sanity project configured, everything talks to the local
 * Content Lake that `npm run dev` / `npm start` start next to Next.js; with
 * NEXT_PUBLIC_SANITY_PROJECT_ID (+ dataset and tokens) set, the very same code talks to hosted Sanity.
 * Nothing here throws when a value is missing: a build without credentials must still work.
 */

/** Sanity API version used by every client in the app (site, Studio, scripts). */
export const apiVersion = process.env.NEXT_PUBLIC_SANITY_API_VERSION || '2025-02-19'

const hostedProjectId = process.env.NEXT_PUBLIC_SANITY_PROJECT_ID || ''

/** True when a hosted Sanity project is configured; false means "use the local lake". */
export const isHosted = hostedProjectId !== ''

/** The project id the local lake answers to. The Studio calls `https://<projectId>.localhost:<port>`. */
export const LOCAL_PROJECT_ID = 'dispatch'

export const projectId = isHosted ? hostedProjectId : LOCAL_PROJECT_ID
export const dataset = process.env.NEXT_PUBLIC_SANITY_DATASET || 'production'

/** Local lake: the HTTPS (HTTP/2) port browsers and the Studio use. */
export const lakePort = Number(process.env.NEXT_PUBLIC_LAKE_PORT || 4444)
/** Local lake: the plain-HTTP port on 127.0.0.1 that server-side code (Next.js, scripts) uses. */
export const lakeHttpPort = Number(process.env.LAKE_HTTP_PORT || lakePort + 1)

/**
 * Production on one server: the public origin (e.g. `https://blog.example.com`) under which a TLS
 * reverse proxy (deploy/) serves the site, the Studio and the lake's browser API (`/v1/…`,
 * `/vYYYY-MM-DD/…`, `/images/…`, `/files/…`). Read at build time too (next.config.ts inlines it for
 * the Studio), so set it for `npm run build` and `npm start` alike. Empty: local development.
 */
export const publicUrl = (process.env.PUBLIC_URL || '').replace(/\/+$/, '')

/**
 * A lake that runs elsewhere: its plain-HTTP API origin (e.g. `http://10.0.0.5:4445`), used as the
 * server-side `apiHost`, with SANITY_API_READ_TOKEN / SANITY_API_WRITE_TOKEN / SANITY_REVALIDATE_SECRET
 * issued by that lake. `npm start` then starts no lake of its own.
 */
export const lakeUrl = (process.env.LAKE_URL || '').replace(/\/+$/, '')

/**
 * What browsers (the Studio) use as Sanity `apiHost`. Undefined means Sanity's default.
 * Behind PUBLIC_URL the lake shares the site's origin, so no certificate of its own, no CORS.
 */
export const browserApiHost = isHosted ? undefined : publicUrl || `https://localhost:${lakePort}`
/**
 * Whether the Studio prefixes the project id to the API host (`dispatch.localhost`), as it does for
 * Sanity. Behind PUBLIC_URL it must not: that would need a wildcard DNS name and certificate.
 */
export const browserApiUsesProjectHostname = isHosted || !publicUrl
/** What server-side code uses as Sanity `apiHost`: hosted Sanity, a remote lake (LAKE_URL), or ours. */
export const serverApiHost = isHosted ? undefined : lakeUrl || `http://127.0.0.1:${lakeHttpPort}`

/** Server-only: a token that may read drafts and private documents (draft mode, moderation). */
export const readToken = process.env.SANITY_API_READ_TOKEN || ''
/** Server-only: a token that may write (pingbacks, contact messages). */
export const writeToken = process.env.SANITY_API_WRITE_TOKEN || readToken

/** Shared secret that signs the lake's (or Sanity's) webhooks to /api/revalidate. */
export const revalidateSecret = process.env.SANITY_REVALIDATE_SECRET || ''

/** The site's public origin, used for canonical URLs, feeds, sitemaps and pingbacks. */
export const siteUrl = (process.env.NEXT_PUBLIC_SITE_URL || publicUrl || `http://localhost:${process.env.PORT || 3000}`).replace(
  /\/+$/,
  '',
)

/** Path the Studio is mounted at. */
export const studioPath = '/studio'

/** Local lake: where its SQLite database, assets, certificates and tokens live (gitignored). */
export const lakeDataDir = process.env.LAKE_DATA_DIR || '.lake'

/**
 * Pingbacks/Webmentions: verification fetches refuse private addresses (SSRF protection). `1` also
 * allows loopback and private LAN ranges (RFC 1918, IPv6 unique-local) — for local development and
 * tests whose "other blogs" run on 127.0.0.1. Link-local (cloud metadata), multicast, unspecified,
 * CGNAT and reserved ranges stay refused regardless. Never set this on a public server.
 */
export const mentionsAllowPrivateNetworks = process.env.MENTIONS_ALLOW_PRIVATE_NETWORKS === '1'

/**
 * Contact form e-mail notifications (optional). Set `SMTP_URL` (e.g. `smtps://user:pass@mail.example:465`)
 * or `SMTP_HOST` (+ `SMTP_PORT`, `SMTP_USER`, `SMTP_PASS`, `SMTP_SECURE=1` for implicit TLS).
 * Without either, messages are only stored (delivery state `not-configured`) and read in the Studio Inbox.
 */
export const smtpSettings = {
  url: process.env.SMTP_URL || '',
  host: process.env.SMTP_HOST || '',
  port: Number(process.env.SMTP_PORT || 0) || undefined,
  user: process.env.SMTP_USER || '',
  pass: process.env.SMTP_PASS || '',
  secure: process.env.SMTP_SECURE === '1' || process.env.SMTP_SECURE === 'true',
}
/** Sender of contact notifications; defaults to the SMTP user when that is an address. */
export const contactMailFrom = process.env.CONTACT_MAIL_FROM || ''
/** Recipient override; by default notifications go to the site settings' `contactEmail`. */
export const contactMailTo = process.env.CONTACT_MAIL_TO || ''
/**
 * Secret that signs the contact form's "rendered at" timestamp (anti-spam fill time). Optional:
 * without it one is derived from the write token, or made per process.
 */
export const contactFormSecret = process.env.CONTACT_FORM_SECRET || ''

/**
 * Reverse proxies whose `X-Forwarded-For` the production server believes: a comma-separated list of
 * IP addresses and CIDR ranges, e.g. `127.0.0.1,::1` behind Caddy/nginx on the same machine, or
 * `10.0.0.0/8`. Empty (the default): the socket's address is the client's, and forwarded headers a
 * client sends are discarded. See lib/http/client-address.ts.
 */
export const trustedProxies = (process.env.TRUSTED_PROXIES || '')
  .split(',')
  .map((entry) => entry.trim())
  .filter(Boolean)

/** Production server: the in-memory cache of complete responses (see lib/response-cache). */
export const responseCacheEnabled = process.env.RESPONSE_CACHE !== 'off'
export const responseCacheMaxBytes = Number(process.env.RESPONSE_CACHE_MAX_MB || 64) * 1024 * 1024
/**
 * `Cache-Control` for cached reader pages and feeds. Browsers always revalidate (ETag makes that
 * cheap); a CDN may keep a page for a second and serve it stale for a minute while it refetches,
 * because it cannot be purged by the site the way the in-process cache is.
 */
export const publicCacheControl =
  process.env.PUBLIC_CACHE_CONTROL || 'public, max-age=0, s-maxage=1, stale-while-revalidate=59'

/**
 * Where readers (and feed readers) load images from. Hosted: Sanity's CDN (undefined = the image
 * builder's default). Local: the site itself, which forwards `/images/*` and `/files/*` to the
 * lake (next.config.ts rewrites) — the lake's own ports are loopback-only or need a local CA.
 */
export const publicAssetBaseUrl = isHosted ? undefined : siteUrl

/**
 * Several site instances (see README "Run several instances"). With `REDIS_URL` set (Redis or
 * Valkey, `redis://` or `rediss://`), instances share Next's cache, tag invalidations, rate-limit
 * counters and the scheduled-post trigger through it (lib/cluster). Unset: one machine, all in memory.
 */
export const redisUrl = process.env.REDIS_URL || ''
/** Prefix of every key and channel Dispatch uses in Redis, so several sites can share one server. */
export const redisKeyPrefix = process.env.REDIS_KEY_PREFIX || 'dispatch:'
