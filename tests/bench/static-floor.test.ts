import type {AddressInfo} from 'node:net'
import {describe, expect, it} from 'vitest'
import {treeRss} from '@/bench/processes'
import {createStaticServer} from '@/bench/static-floor'

describe('bench static floor', () => {
  it('answers with exactly the bytes and content type it was given, 404 otherwise', async () => {
    const body = Buffer.from('<!doctype html><p>héllo</p>')
    const server = createStaticServer(new Map([['/', {body, contentType: 'text/html; charset=utf-8'}]]))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const page = await fetch(origin + '/')
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(Buffer.from(await page.arrayBuffer()).equals(body)).toBe(true)
      expect((await fetch(origin + '/missing')).status).toBe(404)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('bench process memory sampling', () => {
  it('sums the resident memory of a process tree from /proc', () => {
    const rss = treeRss(process.pid)
    expect(rss).toBeGreaterThanOrEqual(process.memoryUsage().rss * 0.5)
    expect(treeRss(2 ** 30)).toBe(0)
  })
})
