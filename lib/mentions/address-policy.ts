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
  // ::ffff:10.0.0.1 and friends are IPv4 addresses in disguise: judge the embedded address.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address()
  }
  const range = parsed.range()
  if (range === 'unicast') return null
  if (policy.allowPrivateNetworks && PRIVATE_RANGES.has(range)) return null
  return `${address} is a ${range} address`
}
