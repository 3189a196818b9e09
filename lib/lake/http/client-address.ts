/**
 * The address a request comes from, for the login limiter and logs. Behind the TLS proxy of
 * "Deploy on one server" every connection comes from Caddy on loopback; Caddy (2.5+) discards any
 * X-Forwarded-For a client sends and writes the peer it saw, so the last entry is the client.
 * The header is believed only from the peers the lake was told to trust (`trustedProxies`):
 * anyone else could write whatever they like into it.
 */
import ipaddr from 'ipaddr.js'
import type {LakeRequest} from './respond'

export type ProxyMatcher = (address: string) => boolean

/** Parses `127.0.0.1`, `::1`, `10.0.0.0/8`…; throws on a malformed entry (a typo must not trust everyone). */
export function proxyMatcher(entries: readonly string[]): ProxyMatcher {
  const ranges = entries.map((entry) => {
    const trimmed = entry.trim()
    return trimmed.includes('/') ? ipaddr.parseCIDR(trimmed) : ([ipaddr.parse(trimmed), ipaddr.parse(trimmed).kind() === 'ipv4' ? 32 : 128] as [ipaddr.IPv4 | ipaddr.IPv6, number])
  })
  return (address) => {
    if (!ipaddr.isValid(address)) return false
    let parsed = ipaddr.parse(address)
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address()
    return ranges.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits))
  }
}

export function clientAddress(req: LakeRequest, trusted: ProxyMatcher | null): string {
  const peer = req.socket?.remoteAddress ?? 'unknown'
  if (!trusted || !trusted(peer)) return peer
  const header = req.headers['x-forwarded-for']
  const value = Array.isArray(header) ? header.join(',') : header
  const last = value?.split(',').map((part) => part.trim()).filter(Boolean).pop()
  return last && ipaddr.isValid(last) ? last : peer
}
