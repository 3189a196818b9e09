/**
 * Who is submitting, for rate limiting.
 *
 * Next.js does not expose the socket address to route handlers or actions; it puts it in
 * `x-forwarded-for` when no proxy did. A reverse proxy in front (nginx `$proxy_add_x_forwarded_for`,
 * hosting platforms) appends the address it saw, so the RIGHTMOST entry is the one a client cannot
 * forge; entries to its left are whatever the client claimed. (Directly exposed, a client that
 * sends its own header picks its key — run Dispatch behind a proxy in production.)
 */
import ipaddr from 'ipaddr.js'

export function clientAddressFrom(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for') ?? ''
  const candidate = forwarded.split(',').map((part) => part.trim()).filter(Boolean).pop() ?? headers.get('x-real-ip') ?? ''
  return rateLimitKey(candidate)
}

/**
 * One key per client: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 per /64 — one subscriber
 * usually owns a whole /64 and could otherwise rotate through it to dodge the limit.
 */
export function rateLimitKey(address: string): string {
  const bare = address.replace(/^\[|\](:\d+)?$/g, '')
  if (!ipaddr.isValid(bare)) return 'unknown'
  let parsed = ipaddr.parse(bare)
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address()
  }
  if (parsed.kind() === 'ipv4') return parsed.toString()
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4)
  return `${parts.map((part) => part.toString(16)).join(':')}::/64`
}
