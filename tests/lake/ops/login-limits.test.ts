/**
 * Login is brute-force safe behind the TLS proxy: failures are limited per account and address
 * pair, per account from any address, and per address for any account; the client's address is
 * taken from X-Forwarded-For only when the peer is a trusted (local) proxy.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {parseFirstLogin} from '@/lib/lake/auth/bootstrap'
import {startTestLake, type TestLake} from '../server/helpers'

const ORIGIN = 'https://blog.example.com'
let t: TestLake | null = null
afterEach(async () => {
  await t?.close()
  t = null
})

async function login(lake: TestLake, email: string, password: string, forwardedFor?: string) {
  const res = await fetch(`${lake.lake.httpUrl}/v1/auth/login/local`, {
    method: 'POST',
    redirect: 'manual',
    headers: {'content-type': 'application/x-www-form-urlencoded', ...(forwardedFor ? {'x-forwarded-for': forwardedFor} : {})},
    body: new URLSearchParams({email, password, origin: `${ORIGIN}/studio`}).toString(),
  })
  await res.arrayBuffer()
  return res.status
}

const firstLogin = (lake: TestLake) => parseFirstLogin(fs.readFileSync(path.join(lake.dataDir, 'first-login.txt'), 'utf8'))

describe('login limits', () => {
  it('limits an account per client address, the address coming from a trusted proxy', async () => {
    t = await startTestLake({allowedOrigins: [ORIGIN], trustedProxies: ['127.0.0.1', '::1']})
    const {email, password} = firstLogin(t)
    for (let i = 0; i < 5; i++) expect(await login(t, email, 'wrong', '203.0.113.1')).toBe(401)
    expect(await login(t, email, password, '203.0.113.1')).toBe(429)
    // Another client is not locked out by the first one's failures.
    expect(await login(t, email, password, '203.0.113.2')).toBe(303)
  })

  it('ignores X-Forwarded-For from peers it does not trust', async () => {
    t = await startTestLake({allowedOrigins: [ORIGIN]})
    const {email, password} = firstLogin(t)
    for (let i = 0; i < 5; i++) expect(await login(t, email, 'wrong', `198.51.100.${i}`)).toBe(401)
    expect(await login(t, email, password, '198.51.100.200')).toBe(429)
  })

  it('caps failures per account from any address, and per address for any account', async () => {
    t = await startTestLake({allowedOrigins: [ORIGIN], trustedProxies: ['127.0.0.0/8', '::1']})
    const {email, password} = firstLogin(t)
    // A botnet: 20 addresses, one guess each. Then even the right password waits.
    for (let i = 0; i < 20; i++) expect(await login(t, email, 'wrong', `192.0.2.${i + 1}`)).toBe(401)
    expect(await login(t, email, password, '192.0.2.100')).toBe(429)
    // Password spraying: one address, 50 accounts, one guess each. Then it waits for any account.
    for (let i = 0; i < 50; i++) expect(await login(t, `user${i}@example.com`, 'guess', '203.0.113.50')).toBe(401)
    expect(await login(t, 'another@example.com', 'guess', '203.0.113.50')).toBe(429)
    expect(await login(t, 'another@example.com', 'guess', '203.0.113.51')).toBe(401)
  })
})
