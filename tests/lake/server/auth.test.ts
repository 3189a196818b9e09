import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseFirstLogin} from '@/lib/lake/auth/bootstrap'
import {ensureToken} from '@/lib/lake/server'
import {startTestLake, type TestLake} from './helpers'

const STUDIO = 'http://localhost:3999'
let t: TestLake
beforeAll(async () => {
  t = await startTestLake({allowedOrigins: [STUDIO]})
})
afterAll(async () => {
  await t?.close()
})

const firstLogin = () => parseFirstLogin(fs.readFileSync(path.join(t.dataDir, 'first-login.txt'), 'utf8'))

/** The login form lives on the HTTPS port; the same router serves it on the HTTP port for tests. */
function loginUrl(providerUrl: string, origin: string) {
  const url = new URL(providerUrl)
  const local = new URL(t.lake.httpUrl)
  url.protocol = local.protocol
  url.host = local.host
  url.searchParams.set('origin', origin)
  url.searchParams.set('projectId', 'dispatch')
  url.searchParams.set('type', 'dual')
  return url
}

async function submitLogin(email: string, password: string, origin = `${STUDIO}/studio/structure`) {
  const {providers} = await (await fetch(t.api('/auth/providers'))).json()
  const form = loginUrl(providers[0].url, origin)
  return fetch(new URL(form.pathname, t.lake.httpUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams({email, password, origin}).toString(),
  })
}

describe('first start', () => {
  it('creates an editor account and writes first-login.txt with mode 0600', () => {
    const file = path.join(t.dataDir, 'first-login.txt')
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(firstLogin().email).toBe('editor@localhost')
  })
})

describe('Sanity login protocol', () => {
  it('providers → login form → redirect with sid → /auth/fetch → /users/me → logout', async () => {
    const me0 = await fetch(t.api('/users/me'))
    expect(me0.status).toBe(401)

    const providers = await (await fetch(t.api('/auth/providers'))).json()
    expect(providers.providers[0]).toMatchObject({name: 'dispatch-local', url: `${t.lake.httpsUrl}/auth/login/local`})

    const formPage = await fetch(loginUrl(providers.providers[0].url, `${STUDIO}/studio`))
    expect(formPage.status).toBe(200)
    const html = await formPage.text()
    expect(html).toContain('<form method="post"')
    expect(html).toContain('name="password"')

    const {email, password} = firstLogin()
    const redirect = await submitLogin(email, password)
    expect(redirect.status).toBe(303)
    const location = new URL(redirect.headers.get('location')!)
    expect(location.origin).toBe(STUDIO)
    expect(location.pathname).toBe('/studio/structure')
    const sid = /^#sid=(.{20,})$/.exec(location.hash)![1]

    const {token} = await (await fetch(t.api(`/auth/fetch?sid=${sid}`))).json()
    expect(token).toMatch(/^sk/)
    // The sid is single-use.
    expect((await fetch(t.api(`/auth/fetch?sid=${sid}`))).status).toBe(401)

    const me = await fetch(t.api('/users/me'), {headers: {authorization: `Bearer ${token}`}})
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({email: 'editor@localhost', role: 'editor', roles: [{name: 'editor'}]})

    // The session token writes like an editor.
    const session = t.client({token})
    await session.create({_id: 'login-made', _type: 'note'})
    const [entry] = (await (await fetch(t.api('/data/history/production/transactions/login-made'), {headers: {authorization: `Bearer ${token}`}})).text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(entry.author).toMatch(/^p[0-9a-f]+$/)

    const out = await fetch(t.api('/auth/logout'), {method: 'POST', headers: {authorization: `Bearer ${token}`}})
    expect(out.status).toBe(200)
    expect((await fetch(t.api('/users/me'), {headers: {authorization: `Bearer ${token}`}})).status).toBe(401)
  })

  it('refuses origins that are not allowed (no open redirect)', async () => {
    const {password} = firstLogin()
    const res = await submitLogin('editor@localhost', password, 'https://evil.example/steal')
    expect(res.status).toBe(400)
    expect(res.headers.get('location')).toBeNull()
    const form = await fetch(new URL(`/auth/login/local?origin=${encodeURIComponent('https://evil.example/')}`, t.lake.httpUrl))
    expect(form.status).toBe(400)
  })

  it('re-renders the form on a wrong password and rate-limits repeated failures', async () => {
    const wrong = await submitLogin('editor@localhost', 'not-the-password')
    expect(wrong.status).toBe(401)
    expect(await wrong.text()).toContain('Wrong email or password')
    for (let i = 0; i < 5; i++) await submitLogin('limited@localhost', 'wrong-password-x')
    const limited = await submitLogin('limited@localhost', 'wrong-password-x')
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})

describe('tokens', () => {
  it('ensureToken returns the same token across calls and keeps it in a 0600 file', () => {
    const a = ensureToken(t.dataDir, 'site', 'editor')
    const b = ensureToken(t.dataDir, 'site', 'editor')
    expect(a).toBe(b)
    const file = path.join(t.dataDir, 'site-token')
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(a)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
  })

  it('stores only hashes of tokens', () => {
    const db = fs.readFileSync(path.join(t.dataDir, 'auth.sqlite'))
    expect(db.includes(Buffer.from(t.editorToken))).toBe(false)
  })
})

describe('studio endpoints', () => {
  const auth = () => ({authorization: `Bearer ${t.editorToken}`})

  it('keeps key-value settings per user, durably', async () => {
    const put = await fetch(t.api('/users/me/keyvalue'), {
      method: 'POST',
      headers: {...auth(), 'content-type': 'application/json'},
      body: JSON.stringify([{key: 'studio.layout', value: {width: 300}}]),
    })
    expect(put.status).toBe(200)
    const got = await (await fetch(t.api('/users/me/keyvalue/studio.layout,studio.missing'), {headers: auth()})).json()
    expect(got).toEqual([
      {key: 'studio.layout', value: {width: 300}},
      {key: 'studio.missing', value: null},
    ])
    const other = await (await fetch(t.api('/users/me/keyvalue/studio.layout'), {headers: {authorization: `Bearer ${t.viewerToken}`}})).json()
    expect(other).toEqual([{key: 'studio.layout', value: null}])
  })

  it('describes the project, its datasets and the caller’s permissions', async () => {
    const project = await (await fetch(t.api('/projects/dispatch'), {headers: auth()})).json()
    expect(project.id).toBe('dispatch')
    const datasets = await (await fetch(t.api('/projects/dispatch/datasets'), {headers: auth()})).json()
    expect(datasets.map((d: {name: string}) => d.name)).toContain('production')
    const viewerAcl = await (await fetch(t.api('/projects/dispatch/datasets/production/acl'), {headers: {authorization: `Bearer ${t.viewerToken}`}})).json()
    expect(viewerAcl[0].permissions).not.toContain('update')
    expect((await fetch(t.api('/projects/dispatch'))).status).toBe(401)
  })

  it('answers CORS preflights for allowed origins only', async () => {
    const ok = await fetch(t.api('/data/query/production'), {
      method: 'OPTIONS',
      headers: {origin: STUDIO, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type'},
    })
    expect(ok.status).toBe(204)
    expect(ok.headers.get('access-control-allow-origin')).toBe(STUDIO)
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true')
    const evil = await fetch(t.api('/data/query/production'), {method: 'OPTIONS', headers: {origin: 'https://evil.example'}})
    expect(evil.headers.get('access-control-allow-origin')).toBeNull()
  })
})
