/**
 * #18 finding 6: an anonymous listener sees only what an anonymous reader may read. A patch by
 * query on private contact messages, sent in the same transaction as a public edit, used to reach
 * it with its query text and values.
 */
import crypto from 'node:crypto'
import http from 'node:http'
import {describe, expect, it} from 'vitest'
import {editorClient, posts, stack} from './helpers'

/** An SSE stream from the lake; collects raw text until stopped. */
function openStream(path: string, token?: string): Promise<{text: () => string; close: () => void}> {
  return new Promise((resolve, reject) => {
    let text = ''
    const req = http.get(`${stack().lakeHttpUrl}/v2025-02-19${path}`, {headers: token ? {authorization: `Bearer ${token}`} : {}}, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`listen answered ${res.statusCode}`))
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        text += chunk
        if (text.includes('event: welcome')) resolve({text: () => text, close: () => req.destroy()})
      })
    })
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)))
  })
}

const until = async (check: () => boolean, ms = 5_000) => {
  const deadline = Date.now() + ms
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
}

describe('listener privacy', () => {
  it('an anonymous listener never sees a query-targeted mutation on private documents', async () => {
    const client = editorClient()
    const secret = `SECRET-${crypto.randomUUID()}`
    await client.create({_id: `contact.${crypto.randomUUID()}`, _type: 'contactMessage', name: 'Private', email: 'p@example.net', message: 'hello'})
    const [post] = await posts()
    const query = encodeURIComponent('*[_type == "post"]')
    const anonymous = await openStream(`/data/listen/production?query=${query}&includeMutations=true&includeResult=true`)
    const editor = await openStream(`/data/listen/production?query=${query}&includeMutations=true`, stack().token)
    try {
      // One transaction: a public edit by id, and a patch by query on private documents.
      await client.mutate([
        {patch: {id: post._id, set: {excerpt: `Public edit ${Date.now()}`}}},
        {patch: {query: '*[_type == "contactMessage"]', set: {internalNote: secret}}},
      ] as never)
      await until(() => anonymous.text().includes('event: mutation') && editor.text().includes(secret))
      // The public edit arrives, with the mutation that named it…
      expect(anonymous.text()).toContain(post._id)
      expect(anonymous.text()).toContain('event: mutation')
      // …but not the query-targeted one: neither its query nor its values.
      expect(anonymous.text()).not.toContain(secret)
      expect(anonymous.text()).not.toContain('contactMessage')
      // A token holder still sees it (the Studio needs it).
      expect(editor.text()).toContain(secret)
    } finally {
      anonymous.close()
      editor.close()
    }
  })

  it('an anonymous live-events stream cannot ask for drafts', async () => {
    await expect(openStream('/data/live/events/production?includeDrafts=true')).rejects.toThrow(/401/)
  })
})
