/**
 * The local lake's fixed settings: defaults, limits and lifetimes in one place so the server,
 * CLI and tests agree. Environment-dependent values (data dir, ports) come from lib/env.ts.
 */
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {lakeDataDir, lakeHttpPort, lakePort, LOCAL_PROJECT_ID} from '@/lib/env'

export const DEFAULT_PROJECT_ID = LOCAL_PROJECT_ID
export const DEFAULT_DATASET = 'production'
export const DEFAULT_HOST = '127.0.0.1'

/** Mutations and actions: generous for big imports through the API, bounded against abuse. */
export const MAX_WRITE_BODY_BYTES = 10 * 1024 * 1024
/**
 * The bulk import route (`POST /data/import/{dataset}`, a lake extension): one NDJSON line is at
 * most a mutation body's size, and a whole import at most this much (a 100,000-post export is ~700 MB).
 */
export const MAX_IMPORT_LINE_BYTES = MAX_WRITE_BODY_BYTES
export const MAX_IMPORT_BYTES = 4 * 1024 * 1024 * 1024
/** Queries, key-value writes, login forms and other small JSON bodies. */
export const MAX_SMALL_BODY_BYTES = 1024 * 1024
/** GROQ queries longer than this are refused (Sanity's own limit is in the same range). */
export const MAX_QUERY_LENGTH = 256 * 1024

/** Login sessions (the Studio's bearer token) last this long unless logged out or revoked. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000
/** The one-time `sid` handed to the Studio after a login must be exchanged within this window. */
export const LOGIN_SID_TTL_MS = 2 * 60 * 1000
/** Failed logins per (email, client address) allowed per window before answering 429. */
export const LOGIN_MAX_FAILURES = 5
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000
/**
 * Caps across the pair above, per window: failures for one account from any address (a botnet
 * rotating addresses), and failures from one address for any account (password spraying).
 */
export const LOGIN_MAX_FAILURES_PER_ACCOUNT = 20
export const LOGIN_MAX_FAILURES_PER_ADDRESS = 50

/** SSE comment lines keep proxies and idle timeouts from closing quiet listeners. */
export const LISTEN_HEARTBEAT_MS = 20_000
/** A listener whose socket buffers more than this is too slow: it is disconnected (clients reconnect). */
export const LISTEN_MAX_BUFFERED_BYTES = 8 * 1024 * 1024

/**
 * Webhook delivery: attempts, the first backoff delay (doubling each retry) and its cap. Deliveries
 * are durable (webhooks/outbox.ts), so they may wait out a site restart: 1 s, 2 s … 4 min, then every
 * 5 min — about 25 minutes in all before one is given up (and logged).
 */
export const WEBHOOK_MAX_ATTEMPTS = 12
export const WEBHOOK_FIRST_BACKOFF_MS = 1000
export const WEBHOOK_MAX_BACKOFF_MS = 5 * 60_000
export const WEBHOOK_TIMEOUT_MS = 10_000

/** Server certificate lifetime (browsers refuse > 398 days) and when to renew before expiry. */
export const SERVER_CERT_DAYS = 397
export const CA_CERT_DAYS = 3650
export const CERT_RENEW_BEFORE_DAYS = 30

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** The CLI's and launcher's data dir: LAKE_DATA_DIR, relative paths resolved from the repo root. */
export function defaultDataDir(): string {
  return path.resolve(REPO_ROOT, lakeDataDir)
}
export const defaultPort = lakePort
export const defaultHttpPort = lakeHttpPort
