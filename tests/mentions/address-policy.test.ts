/** The SSRF address check judges the IPv4 address inside every IPv6 embedding (#18, finding 8). */
import ipaddr from 'ipaddr.js'
import {describe, expect, it} from 'vitest'
import {embeddedIPv4, refusalReason} from '@/lib/mentions/address-policy'

const production = {allowPrivateNetworks: false}

describe('refusalReason', () => {
  it.each([
    ['::127.0.0.1', 'loopback'],
    ['::7f00:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b:1::a00:1', 'private'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:a9fe:a9fe::', 'linkLocal'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::10.0.0.1', 'private'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
  ])('refuses %s (%s)', (address, range) => {
    expect(refusalReason(address, production)).toContain(range)
  })

  it.each(['93.184.216.34', '2606:4700::1', '::ffff:93.184.216.34', '64:ff9b::5db8:d822'])('allows the public address %s', (address) => {
    expect(refusalReason(address, production)).toBeNull()
  })

  it('with private networks allowed, still refuses link-local inside IPv6', () => {
    expect(refusalReason('::ffff:127.0.0.1', {allowPrivateNetworks: true})).toBeNull()
    expect(refusalReason('64:ff9b::169.254.169.254', {allowPrivateNetworks: true})).toContain('linkLocal')
  })
})

describe('embeddedIPv4', () => {
  it('finds nothing in native IPv6 addresses', () => {
    for (const address of ['2606:4700::1', '::1', '::', 'fe80::1']) expect(embeddedIPv4(ipaddr.IPv6.parse(address)), address).toBeNull()
  })
})
