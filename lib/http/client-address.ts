/**
 * Who sent a request: the one place the site decides a client's address (rate limits key on it).
 *
 * Only the production server (scripts/serve-site.ts) sees the socket, so it decides, once per
 * request, with `forwardClientAddress`:
 * - the peer is NOT a trusted proxy (TRUSTED_PROXIES, lib/env.ts; empty by default): the socket's
 *   address is the client's, whatever forwarded headers the client sent;
 * - the peer IS a trusted proxy: walk `X-Forwarded-For` from the right, skipping trusted hops; the
 *   first untrusted hop is the client (entries further left are whatever the client claimed).
 * It then REPLACES every forwarded header Next would read with that single value
 * (`X-Forwarded-For: <address>`), dropping `Forwarded`, `X-Real-IP` and, from untrusted peers,
 * `X-Forwarded-Host/-Proto/-Port`. Route handlers read it with `clientAddress(headers)`.
 *
 * Under `next dev` (and a bare `next start`) nothing rewrites the headers: Next fills
 * `X-Forwarded-For` from the socket only when the client sent none, so a client can choose its
 * key. That is acceptable on a developer's machine only; expose `npm start` (serve-site), never
 * `next start`/`next dev`.
 */
import ipaddr from 'ipaddr.js'

type Address = ipaddr.IPv4 | ipaddr.IPv6
type Range = [Address, number]

/** Decides whether a peer address is one of the configured proxies. */
export interface TrustedProxies {
  has(address: string): boolean
  readonly size: number
}

/** IPv4-mapped IPv6 (`::ffff:127.0.0.1`, what a dual-stack socket reports) as plain IPv4. */
function parseAddress(raw: string): Address | null {
  const bare = raw.trim().replace(/^\[|\](:\d+)?$/g, '')
  if (!ipaddr.isValid(bare)) return null
  const parsed = ipaddr.parse(bare)
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) return (parsed as ipaddr.IPv6).toIPv4Address()
  return parsed
}

/**
 * Parses TRUSTED_PROXIES entries (addresses or CIDR ranges). Throws on an entry that is neither,
 * so a typo stops the server at start instead of silently trusting nobody (or everybody).
 */
export function parseTrustedProxies(entries: readonly string[]): TrustedProxies {
  const ranges: Range[] = entries.map((entry) => {
    try {
      if (entry.includes('/')) return ipaddr.parseCIDR(entry) as Range
      const address = parseAddress(entry)
      if (address) return [address, address.kind() === 'ipv4' ? 32 : 128]
    } catch {
      // reported below
    }
    throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range (e.g. 127.0.0.1,::1,10.0.0.0/8)`)
  })
  return {
    size: ranges.length,
    has(raw) {
      const address = parseAddress(raw)
      if (!address) return false
      return ranges.some(([base, bits]) => base.kind() === address.kind() && address.match(base, bits))
    },
  }
}

/**
 * The client's address for a connection from `socketAddress` carrying `forwardedFor`
 * (every `X-Forwarded-For` header, in order). Returns a normalised address, or 'unknown'.
 */
export function resolveClientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trusted: TrustedProxies): string {
  const peer = socketAddress ? parseAddress(socketAddress) : null
  if (!peer) return 'unknown'
  if (!trusted.has(peer.toString()) || forwardedFor === undefined) return peer.toString()
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean)
  let client = peer
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseAddress(hops[i])
    // A hop that is not an address was written by someone we cannot vouch for: stop at the last
    // address a trusted proxy reported.
    if (!hop) break
    client = hop
    if (!trusted.has(hop.toString())) break
  }
  return client.toString()
}

/** Request headers through which a client or a proxy can claim an address, host or scheme. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'x-client-ip', 'true-client-ip', 'cf-connecting-ip']
/** Describe the original request; kept only when a trusted proxy set them. */
const PROXY_DESCRIPTION_HEADERS = ['x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port']

export interface ForwardableRequest {
  headers: Record<string, string | string[] | undefined>
  socket: {remoteAddress?: string}
}

/**
 * Production server only: decides the client's address and rewrites the request's forwarded
 * headers so that Next and every route handler see exactly one trustworthy `X-Forwarded-For`.
 */
export function forwardClientAddress(req: ForwardableRequest, trusted: TrustedProxies): string {
  const peer = req.socket.remoteAddress
  const address = resolveClientAddress(peer, req.headers['x-forwarded-for'], trusted)
  const fromProxy = trusted.has(peer ?? '')
  for (const name of FORWARDING_HEADERS) delete req.headers[name]
  if (!fromProxy) for (const name of PROXY_DESCRIPTION_HEADERS) delete req.headers[name]
  req.headers['x-forwarded-for'] = address
  return address
}

/**
 * The client's address as route handlers and server actions see it: the value the production
 * server wrote (one entry). Under `next dev` the right-most entry, which Next fills from the socket
 * when the client sent none (see the module comment).
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for') ?? ''
  const last = forwarded.split(',').map((part) => part.trim()).filter(Boolean).pop()
  const address = last ? parseAddress(last) : null
  return address ? address.toString() : 'unknown'
}

/**
 * One rate-limit key per client: IPv4 as is, IPv6 per /64 — one subscriber usually owns a whole
 * /64 and could otherwise rotate through it to dodge a limit.
 */
export function rateLimitKey(address: string): string {
  const parsed = parseAddress(address)
  if (!parsed) return 'unknown'
  if (parsed.kind() === 'ipv4') return parsed.toString()
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4)
  return `${parts.map((part) => part.toString(16)).join(':')}::/64`
}

/** The rate-limit key of the request's client. */
export function clientKey(headers: Headers): string {
  return rateLimitKey(clientAddress(headers))
}
