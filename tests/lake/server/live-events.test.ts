import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {sleep, startTestLake, type TestLake} from './helpers'

/** Sanity's Live Content API stream, driven by @sanity/client's own `live.events()`. */
let t: TestLake
beforeAll(async () => {
  t = await startTestLake()
})
afterAll(() => t.close())

function collect(client: ReturnType<TestLake['client']>, options: {includeDrafts?: boolean} = {}) {
  const types: string[] = []
  const subscription = client.live.events(options).subscribe({next: (event) => types.push(event.type), error: (error) => types.push(`error:${String(error)}`)})
  return {types, stop: () => subscription.unsubscribe()}
}

async function until(predicate: () => boolean, timeoutMs = 5000) {
  const started = Date.now()
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out')
    await sleep(20)
  }
}

describe('live events', () => {
  it('welcomes, then announces changes to public documents with a restart', async () => {
    const anonymous = collect(t.anonymous)
    try {
      await until(() => anonymous.types.includes('welcome'))
      await t.editor.create({_id: 'drafts.live-1', _type: 'post', title: 'draft only'})
      await sleep(300)
      expect(anonymous.types.filter((type) => type === 'restart')).toHaveLength(0)
      await t.editor.create({_id: 'live-1', _type: 'post', title: 'published'})
      await until(() => anonymous.types.includes('restart'))
    } finally {
      anonymous.stop()
    }
  })

  it('tells a token holder with includeDrafts about draft changes too', async () => {
    const editor = collect(t.editor, {includeDrafts: true})
    try {
      await until(() => editor.types.includes('welcome'))
      await t.editor.create({_id: 'drafts.live-2', _type: 'post', title: 'draft'})
      await until(() => editor.types.includes('restart'))
    } finally {
      editor.stop()
    }
  })

  it('refuses includeDrafts without a token', async () => {
    const response = await fetch(t.api('/data/live/events/production?includeDrafts=true'))
    expect(response.status).toBe(401)
  })
})
