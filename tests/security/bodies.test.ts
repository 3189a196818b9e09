/**
 * #18 findings 3 and 10: every POST endpoint reads its body through the one size-capped reader,
 * counting chunked bodies as they stream, and the client receives the 4xx (not a reset pipe).
 */
import fs from 'node:fs'
import {describe, expect, it} from 'vitest'
import {send, stack} from './http'

const freshSignature = () => `t=${Date.now()},v1=${'A'.repeat(43)}`

/** Each POST endpoint, with the headers that get a request as far as reading its body. */
const ENDPOINTS: {path: string; headers: () => Record<string, string>}[] = [
  {path: '/api/revalidate', headers: () => ({'content-type': 'application/json', 'sanity-webhook-signature': freshSignature()})},
  {path: '/api/webhooks/mentions', headers: () => ({'content-type': 'application/json', 'sanity-webhook-signature': freshSignature()})},
  {path: '/api/webhooks/mentions/moderated', headers: () => ({'content-type': 'application/json', authorization: 'Bearer not-a-real-token-but-long'})},
  {path: '/api/contact', headers: () => ({'content-type': 'application/json'})},
  {path: '/webmention', headers: () => ({'content-type': 'application/x-www-form-urlencoded'})},
  {path: '/xmlrpc', headers: () => ({'content-type': 'text/xml'})},
  {path: '/xmlrpc.php', headers: () => ({'content-type': 'text/xml'})},
]

let client = 0
/** A fresh source address per request, so per-client rate limits never answer before the size check. */
const nextClient = () => `127.0.1.${1 + (client++ % 250)}`

describe.each(ENDPOINTS)('POST $path', ({path, headers}) => {
  it('answers 413 to a declared oversize body', async () => {
    const answer = await send(path, {headers: {...headers(), 'content-length': String(2 * 1024 * 1024)}, streamBytes: 2 * 1024 * 1024, from: nextClient()})
    expect(answer.status).toBe(413)
  })

  it('answers 413 to a chunked oversize body, every time, before the client finishes sending', async () => {
    for (let i = 0; i < 8; i++) {
      const answer = await send(path, {headers: headers(), streamBytes: 4 * 1024 * 1024, from: nextClient()})
      expect(answer.status, `try ${i + 1}`).toBe(413)
    }
  })
})

describe('a pipe is never broken instead of answering (#10: /webmention 10 of 20, /xmlrpc 3 of 20)', () => {
  it.each(['/webmention', '/xmlrpc'])('%s: 20 of 20 oversize requests get their 413', async (path) => {
    const endpoint = ENDPOINTS.find((e) => e.path === path)!
    const outcomes: string[] = []
    for (let i = 0; i < 20; i++) {
      const size = 256 * 1024 + i * 97 * 1024
      const declared: Record<string, string> = i % 2 === 0 ? {'content-length': String(size)} : {}
      outcomes.push(
        await send(path, {headers: {...endpoint.headers(), ...declared}, streamBytes: size, from: nextClient()}).then(
          (answer) => String(answer.status),
          (error: NodeJS.ErrnoException) => error.code ?? error.message,
        ),
      )
    }
    expect(outcomes).toEqual(Array(20).fill('413'))
  })
})

/** Resident memory of the production server's process tree (tsx runs the server in a child). */
function treeRssBytes(pid: number): number {
  let total = 0
  const visit = (id: number) => {
    try {
      const status = fs.readFileSync(`/proc/${id}/status`, 'utf8')
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024
      for (const task of fs.readdirSync(`/proc/${id}/task`)) {
        const children = fs.readFileSync(`/proc/${id}/task/${task}/children`, 'utf8').trim()
        for (const child of children ? children.split(/\s+/) : []) visit(Number(child))
      }
    } catch {
      // process gone
    }
  }
  visit(pid)
  return total
}

describe('an unauthenticated 200 MB chunked body (#3: 268 MB → 1.45 GB RSS)', () => {
  it.each(['/api/webhooks/mentions', '/api/revalidate'])('%s is refused without buffering it', async (path) => {
    const before = treeRssBytes(stack().sitePid)
    const answer = await send(path, {headers: {'content-type': 'application/json'}, streamBytes: 200 * 1024 * 1024, from: nextClient(), timeoutMs: 60_000})
    expect(answer.status).toBe(401)
    const after = treeRssBytes(stack().sitePid)
    expect(after - before).toBeLessThan(100 * 1024 * 1024)
    // And the site still serves.
    expect((await send('/api/health')).status).toBe(200)
  })

  it('a signed-looking one is cut at the cap', async () => {
    const before = treeRssBytes(stack().sitePid)
    const answer = await send('/api/webhooks/mentions', {
      headers: {'content-type': 'application/json', 'sanity-webhook-signature': freshSignature()},
      streamBytes: 200 * 1024 * 1024,
      from: nextClient(),
      timeoutMs: 60_000,
    })
    expect(answer.status).toBe(413)
    expect(treeRssBytes(stack().sitePid) - before).toBeLessThan(100 * 1024 * 1024)
  })
})
