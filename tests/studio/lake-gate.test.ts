/**
 * #16.8: the Studio's client calls `https://<project>.<api host>`, not the API host itself; the
 * gate pings both and explains an unresolvable `<project>.localhost` instead of letting the
 * Studio crash.
 */
import {describe, expect, it} from 'vitest'
import {diagnoseLake, projectHostUrl} from '@/sanity/components/LakeGate'

describe('Studio lake gate', () => {
  it('derives the URL the Studio really calls, for localhost and for a public origin', () => {
    expect(projectHostUrl('https://localhost:4444', 'dispatch')).toBe('https://dispatch.localhost:4444')
    expect(projectHostUrl('https://lake.example.org', 'dispatch')).toBe('https://dispatch.lake.example.org')
  })

  it('is ready only when the project host answers', async () => {
    const up = (hosts: string[]) => async (url: string) => hosts.includes(url)
    expect(await diagnoseLake('https://localhost:4444', 'dispatch', undefined, up(['https://localhost:4444', 'https://dispatch.localhost:4444']))).toBe('ready')
    expect(await diagnoseLake('https://localhost:4444', 'dispatch', undefined, up(['https://localhost:4444']))).toBe('project-host-unresolved')
    expect(await diagnoseLake('https://localhost:4444', 'dispatch', undefined, up([]))).toBe('unreachable')
    expect(await diagnoseLake('https://lake.example.org', 'dispatch', undefined, up(['https://dispatch.lake.example.org']))).toBe('ready')
  })

  it('behind PUBLIC_URL (no project hostname) checks the public origin itself', async () => {
    const up = (hosts: string[]) => async (url: string) => hosts.includes(url)
    expect(await diagnoseLake('https://blog.example.com', null, undefined, up(['https://blog.example.com']))).toBe('ready')
    expect(await diagnoseLake('https://blog.example.com', null, undefined, up([]))).toBe('unreachable')
  })
})
