/**
 * Shared set-up for the contact tests: a REAL local lake in a temp directory, and the environment
 * the app's modules read at import time (lib/env.ts) pointed at it. Import app modules only after
 * `startContactLake()` resolved (dynamic `import()`, after its `vi.resetModules()`), so they see it.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {createClient, type SanityClient} from '@sanity/client'
import {vi} from 'vitest'
import {createToken, startLake, type RunningLake} from '@/lib/lake/server'

export interface ContactLake {
  lake: RunningLake
  token: string
  /** Token client, raw perspective: sees private `contact.*` documents. */
  admin: SanityClient
  /** No token: what the public sees. */
  anonymous: SanityClient
  close(): Promise<void>
}

export const SITE = 'http://localhost:3000'

export async function startContactLake(extraEnv: Record<string, string> = {}): Promise<ContactLake> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dispatch-contact-'))
  const lake = await startLake({dataDir, port: 0, httpPort: 0, logger: () => {}})
  const token = createToken(dataDir, {role: 'editor', label: 'contact tests'})
  Object.assign(process.env, {
    NEXT_PUBLIC_LAKE_PORT: String(lake.port),
    LAKE_HTTP_PORT: String(lake.httpPort),
    SANITY_API_WRITE_TOKEN: token,
    SANITY_API_READ_TOKEN: token,
    NEXT_PUBLIC_SITE_URL: SITE,
    ...extraEnv,
  })
  // lib/env.ts reads the environment once, at import; the lake server already imported it with
  // the old values. Forget every module so the app modules the test imports next see the new ones.
  vi.resetModules()
  const base = {projectId: 'dispatch', dataset: 'production', apiVersion: '2025-02-19', apiHost: lake.httpUrl, useProjectHostname: false, useCdn: false}
  const admin = createClient({...base, token, perspective: 'raw'})
  const anonymous = createClient({...base, perspective: 'published'})
  await admin.createOrReplace({
    _id: 'siteSettings',
    _type: 'siteSettings',
    title: 'In Venezuela',
    contactEmail: 'editors@example.org',
    contactBlurb: 'Questions/Comments? E-mail me:',
  })
  await admin.createOrReplace({
    _id: 'post-contact-test',
    _type: 'post',
    title: 'A post readers write about',
    slug: {_type: 'slug', current: 'a-post-readers-write-about'},
    publishedAt: '2018-09-08T12:00:00Z',
  })
  return {
    lake,
    token,
    admin,
    anonymous,
    close: async () => {
      await lake.close()
      fs.rmSync(dataDir, {recursive: true, force: true})
    },
  }
}

export const CONTACT_QUERY = '*[_type == "contactMessage"] | order(receivedAt asc)'

let address = 0
/** A distinct client address per call, so tests do not share rate-limit buckets by accident. */
export function nextAddress(): string {
  address += 1
  return `203.0.113.${address}`
}

export function validFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    name: 'Ana Reader',
    email: 'ana@example.net',
    subject: 'About the coup story',
    message: 'Thank you for the translation of the NYT piece. Do you know more?',
    website: '',
    ...overrides,
  }
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined && value !== false) return value as T
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting${last ? `: ${String(last)}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
