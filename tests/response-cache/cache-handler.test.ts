/**
 * #16.4: Next's cache stamps an entry with the time it is written, so a fetch that read content
 * before a publish's revalidateTag and was stored after it looked fresh, old content and all.
 * The cache handler refuses to store such a fill.
 */
import {createRequire} from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

const require = createRequire(import.meta.url)
type Handler = {
  get(key: string, ctx: Record<string, unknown>): Promise<{value: {data: {body: string}}} | null>
  set(key: string, data: unknown, ctx: Record<string, unknown>): Promise<void>
  revalidateTag(tags: string[], durations: {expire: number}): Promise<void>
}
const DispatchCacheHandler = require('../../lib/response-cache/cache-handler.cjs') as new (ctx: Record<string, unknown>) => Handler

const handler = new DispatchCacheHandler({
  fs: undefined,
  flushToDisk: false,
  serverDistDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cache-handler-')),
  maxMemoryCacheSize: 8 * 1024 * 1024,
  revalidatedTags: [],
})
const fetchCtx = (tags: string[]) => ({kind: 'FETCH', tags, softTags: [], fetchCache: true, fetchUrl: 'http://lake/query', revalidate: 300})
const entry = (text: string) => ({kind: 'FETCH', data: {headers: {}, body: Buffer.from(text).toString('base64'), status: 200, url: 'http://lake/query'}, revalidate: 300})
const bodyOf = (hit: Awaited<ReturnType<Handler['get']>>) => (hit ? Buffer.from(hit.value.data.body, 'base64').toString() : null)

describe('cache handler', () => {
  it('stores a fill when nothing it depends on was revalidated meanwhile', async () => {
    expect(await handler.get('calm', fetchCtx(['post:calm']))).toBeNull()
    await handler.set('calm', entry('title v1'), fetchCtx(['post:calm']))
    expect(bodyOf(await handler.get('calm', fetchCtx(['post:calm'])))).toBe('title v1')
  })

  it('does not store a fill whose tags were revalidated after it started', async () => {
    expect(await handler.get('race', fetchCtx(['post:race']))).toBeNull()
    // The fetch is under way with the old title when the publish's webhook expires the tag.
    await handler.revalidateTag(['post:race'], {expire: 0})
    await handler.set('race', entry('old title'), fetchCtx(['post:race']))
    expect(await handler.get('race', fetchCtx(['post:race']))).toBeNull()
    // The next fill, started after the publish, is stored.
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(await handler.get('race', fetchCtx(['post:race']))).toBeNull()
    await handler.set('race', entry('new title'), fetchCtx(['post:race']))
    expect(bodyOf(await handler.get('race', fetchCtx(['post:race'])))).toBe('new title')
  })
})
