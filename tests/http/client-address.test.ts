import {describe, expect, it} from 'vitest'
import {clientAddress, forwardClientAddress, parseTrustedProxies, rateLimitKey, resolveClientAddress} from '@/lib/http/client-address'

const none = parseTrustedProxies([])
const local = parseTrustedProxies(['127.0.0.1', '::1'])
const lan = parseTrustedProxies(['10.0.0.0/8', '2001:db8::/32'])

describe('resolveClientAddress', () => {
  it('without trusted proxies is the socket address, whatever the client claims', () => {
    expect(resolveClientAddress('198.51.100.9', '1.2.3.4', none)).toBe('198.51.100.9')
    expect(resolveClientAddress('::ffff:127.0.0.1', '1.2.3.4', none)).toBe('127.0.0.1')
  })

  it('behind a trusted proxy is the right-most untrusted hop', () => {
    expect(resolveClientAddress('127.0.0.1', '6.6.6.6, 203.0.113.5', local)).toBe('203.0.113.5')
    expect(resolveClientAddress('10.0.0.2', ['6.6.6.6, 203.0.113.5', '10.1.1.1'], lan)).toBe('203.0.113.5')
    expect(resolveClientAddress('::1', '2001:db8::1', local)).toBe('2001:db8::1')
  })

  it('ignores forwarded headers from a peer that is not a trusted proxy', () => {
    expect(resolveClientAddress('192.0.2.7', '203.0.113.5', local)).toBe('192.0.2.7')
  })

  it('stops at a hop that is not an address', () => {
    expect(resolveClientAddress('127.0.0.1', 'garbage, 127.0.0.1', local)).toBe('127.0.0.1')
    expect(resolveClientAddress('127.0.0.1', undefined, local)).toBe('127.0.0.1')
  })

  it('refuses a malformed TRUSTED_PROXIES entry at start', () => {
    expect(() => parseTrustedProxies(['127.0.0.1', 'proxy.local'])).toThrow(/TRUSTED_PROXIES/)
  })
})

describe('forwardClientAddress', () => {
  it('replaces every forwarded header with the one decided address', () => {
    const req = {
      socket: {remoteAddress: '192.0.2.7'},
      headers: {'x-forwarded-for': '1.1.1.1', 'x-real-ip': '2.2.2.2', forwarded: 'for=3.3.3.3', 'x-forwarded-host': 'evil.example', host: 'site'} as Record<string, string | undefined>,
    }
    expect(forwardClientAddress(req, local)).toBe('192.0.2.7')
    expect(req.headers).toEqual({'x-forwarded-for': '192.0.2.7', host: 'site'})
    expect(clientAddress(new Headers(req.headers as Record<string, string>))).toBe('192.0.2.7')
  })

  it('keeps the host and scheme a trusted proxy describes', () => {
    const req = {socket: {remoteAddress: '127.0.0.1'}, headers: {'x-forwarded-for': '203.0.113.5', 'x-forwarded-proto': 'https'} as Record<string, string | undefined>}
    forwardClientAddress(req, local)
    expect(req.headers).toEqual({'x-forwarded-for': '203.0.113.5', 'x-forwarded-proto': 'https'})
  })
})

describe('rateLimitKey', () => {
  it('groups IPv6 clients by /64 and unwraps IPv4-mapped addresses', () => {
    expect(rateLimitKey('2001:db8:1:2:aaaa::1')).toBe(rateLimitKey('2001:db8:1:2:bbbb::2'))
    expect(rateLimitKey('2001:db8:1:3::1')).not.toBe(rateLimitKey('2001:db8:1:2::1'))
    expect(rateLimitKey('::ffff:127.0.0.1')).toBe('127.0.0.1')
    expect(rateLimitKey('nonsense')).toBe('unknown')
  })
})
