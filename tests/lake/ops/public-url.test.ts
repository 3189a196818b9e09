/**
 * Behind the TLS proxy (PUBLIC_URL) browsers reach the lake at `<public origin>/v1/…`: the login
 * provider points there, the login form posts back to the path it was served from, and only the
 * public origin may call the lake from a browser or receive a login.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startTestLake, type TestLake} from '../server/helpers'

const PUBLIC = 'https://blog.example.com'
let t: TestLake
beforeAll(async () => {
  t = await startTestLake({publicUrl: PUBLIC, allowedOrigins: [PUBLIC]})
})
afterAll(async () => {
  await t?.close()
})

describe('lake behind PUBLIC_URL', () => {
  it('names the login page under the public origin’s /v1', async () => {
    const res = await fetch(`${t.lake.httpUrl}/v2025-02-19/auth/providers`)
    const body = await res.json()
    expect(body.providers[0].url).toBe(`${PUBLIC}/v1/auth/login/local`)
  })

  it('serves the login form so it posts back through the proxy', async () => {
    const res = await fetch(`${t.lake.httpUrl}/v1/auth/login/local?origin=${encodeURIComponent(`${PUBLIC}/studio`)}`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('action="/v1/auth/login/local"')
  })

  it('allows only the public origin', async () => {
    const allowed = await fetch(`${t.lake.httpUrl}/v1/ping`, {headers: {origin: PUBLIC}})
    expect(allowed.headers.get('access-control-allow-origin')).toBe(PUBLIC)
    const other = await fetch(`${t.lake.httpUrl}/v1/ping`, {headers: {origin: 'https://evil.example'}})
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
    const login = await fetch(`${t.lake.httpUrl}/v1/auth/login/local?origin=${encodeURIComponent('https://evil.example/studio')}`)
    expect(login.status).toBe(400)
  })
})
