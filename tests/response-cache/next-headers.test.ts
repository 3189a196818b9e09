/**
 * Every request header Next.js treats specially, read from Next's own source in node_modules,
 * must make the response cache step aside (#18, finding 1: `X-Middleware-Prefetch` got a `{}`
 * answer stored as the page). A Next upgrade that adds such a header fails here until the header
 * is reviewed and listed in lib/response-cache/policy.ts.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {cacheKeyFor, NEXT_SPECIAL_REQUEST_HEADERS} from '@/lib/response-cache/policy'

const nextDist = path.join(process.cwd(), 'node_modules', 'next', 'dist')

/** String constants of Next's header modules that name request headers. */
function headerConstants(file: string): string[] {
  const source = fs.readFileSync(path.join(nextDist, file), 'utf8')
  const names = [...source.matchAll(/(?:const|exports\.)\s*([A-Z_]+)\s*=\s*['"]([a-z0-9-]+)['"]/g)]
    .filter(([, name]) => /HEADER|^NEXT_URL$|^RSC$/.test(name) && !/CONTENT_TYPE/.test(name))
    .map(([, , value]) => value)
  return names
}

/** `x-middleware-*`, `x-nextjs-*`, `x-now-*`, `x-invoke-*`, `x-prerender-*` literals anywhere in Next's server. */
function serverHeaderLiterals(): string[] {
  const found = new Set<string>()
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name.endsWith('.js')) {
        for (const match of fs.readFileSync(full, 'utf8').matchAll(/['"]((?:x-middleware|x-nextjs|x-now|x-invoke|x-prerender)-[a-z-]+[a-z])['"]/g)) {
          found.add(match[1])
        }
      }
    }
  }
  walk(path.join(nextDist, 'server'))
  return [...found]
}

/** Everything found: request and response header names alike (a request carrying either is bypassed). */
const enumerated = [
  ...headerConstants('client/components/app-router-headers.js'),
  ...headerConstants('lib/constants.js'),
  ...serverHeaderLiterals(),
]

describe("Next's special request headers", () => {
  it('finds them in node_modules (the enumeration itself works)', () => {
    expect(enumerated).toEqual(expect.arrayContaining(['rsc', 'next-router-prefetch', 'next-router-state-tree', 'x-middleware-prefetch', 'x-prerender-revalidate']))
  })

  it.each([...new Set(enumerated)])('%s makes the response cache step aside', (name) => {
    expect(cacheKeyFor({method: 'GET', url: '/posts/hello', headers: {[name]: '1'}})).toBeNull()
  })

  it('lists every request header Next reads, so an upgrade that adds one is reviewed', () => {
    const requestHeaders = [...headerConstants('client/components/app-router-headers.js'), ...headerConstants('lib/constants.js')].filter(
      (name) => !RESPONSE_ONLY.has(name),
    )
    const unreviewed = requestHeaders.filter((name) => !NEXT_SPECIAL_REQUEST_HEADERS.includes(name))
    expect(unreviewed, 'add these to NEXT_SPECIAL_REQUEST_HEADERS in lib/response-cache/policy.ts after checking what Next does with them').toEqual([])
  })

  it('still caches an ordinary page request', () => {
    expect(cacheKeyFor({method: 'GET', url: '/posts/hello', headers: {accept: 'text/html', 'user-agent': 'x'}})).toBe('/posts/hello')
  })
})

/** Headers Next only ever sets on responses (reviewed): they need no entry in the request list. */
const RESPONSE_ONLY = new Set([
  'x-nextjs-stale-time',
  'x-nextjs-postponed',
  'x-nextjs-rewritten-path',
  'x-nextjs-rewritten-query',
  'x-nextjs-prerender',
  'x-nextjs-action-not-found',
  'x-nextjs-request-id',
  'x-nextjs-html-request-id',
  'x-action-revalidated',
  'x-next-cache-tags',
  'x-nextjs-deployment-id',
])
