/**
 * Which IP addresses a mention fetch may connect to. Pingbacks and Webmentions make this server
 * fetch URLs chosen by strangers, so without this check anyone could make it probe the internal
 * network or a cloud metadata service (SSRF).
 */
import ipaddr from 'ipaddr.js'

export interface AddressPolicy {
  /** Allow loopback and private LAN ranges (local development and tests only). */
  allowPrivateNetworks: boolean
}

/** Ranges `allowPrivateNetworks` opens up. Everything else except public unicast stays refused. */
const PRIVATE_RANGES = new Set(['loopback', 'private', 'uniqueLocal'])

/** Why an address is refused, or null when it is a public unicast address (or allowed private). */
export function refusalReason(address: string, policy: AddressPolicy): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6
  try {
    parsed = ipaddr.parse(address)
  } catch {
    return `"${address}" is not an IP address`
  }
  // IPv6 spellings of an IPv4 address (::ffff:10.0.0.1, ::127.0.0.1, 64:ff9b::7f00:1, 2002:7f00:1::,
  // Teredo…) reach that IPv4 host: judge the embedded address, never the wrapper.
  if (parsed.kind() === 'ipv6') parsed = embeddedIPv4(parsed as ipaddr.IPv6) ?? parsed
  const range = parsed.range()
  if (range === 'unicast') return null
  if (policy.allowPrivateNetworks && PRIVATE_RANGES.has(range)) return null
  return `${address} is a ${range} address`
}

const v4 = (high: number, low: number) => ipaddr.fromByteArray([high >> 8, high & 0xff, low >> 8, low & 0xff]) as ipaddr.IPv4

/**
 * The IPv4 address an IPv6 address carries, for every standard embedding:
 * - IPv4-mapped `::ffff:a.b.c.d` and the deprecated IPv4-compatible `::a.b.c.d` (::/96, except
 *   `::` and `::1`, which are IPv6's own unspecified and loopback addresses);
 * - SIIT `::ffff:0:a.b.c.d` (RFC 6145) and NAT64 `64:ff9b::a.b.c.d` / `64:ff9b:1::/48` (RFC 6052,
 *   8052), IPv4 in the last 32 bits;
 * - 6to4 `2002:AABB:CCDD::/48` (RFC 3056), IPv4 in bits 16–47;
 * - Teredo `2001:0::/32` (RFC 4380), the client's IPv4 inverted in the last 32 bits.
 * Returns null for an IPv6 address that embeds none.
 */
export function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const p = address.parts
  const zeros = (from: number, to: number) => p.slice(from, to).every((part) => part === 0)
  if (zeros(0, 5) && p[5] === 0xffff) return v4(p[6], p[7])
  if (zeros(0, 6) && !(p[6] === 0 && (p[7] === 0 || p[7] === 1))) return v4(p[6], p[7])
  if (zeros(0, 4) && p[4] === 0xffff && p[5] === 0) return v4(p[6], p[7])
  if (p[0] === 0x64 && p[1] === 0xff9b && (zeros(2, 6) || p[2] === 1)) return v4(p[6], p[7])
  if (p[0] === 0x2002) return v4(p[1], p[2])
  if (p[0] === 0x2001 && p[1] === 0) return v4(p[6] ^ 0xffff, p[7] ^ 0xffff)
  return null
}
