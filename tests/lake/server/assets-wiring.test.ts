import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startTestLake, type TestLake} from './helpers'

let t: TestLake
beforeAll(async () => {
  t = await startTestLake()
})
afterAll(async () => {
  await t?.close()
})

// 1x1 transparent PNG
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
)

describe('asset routing', () => {
  it('hands /assets uploads to lib/lake/assets before the body is read, and serves /images', async () => {
    const asset = await t.editor.assets.upload('image', PNG, {filename: 'dot.png'})
    expect(asset._type).toBe('sanity.imageAsset')
    const image = await fetch(`${t.lake.httpUrl}${new URL(asset.url).pathname}`)
    expect(image.status).toBe(200)
    expect(image.headers.get('content-type')).toMatch(/^image\//)
  })

  it('refuses anonymous uploads', async () => {
    await expect(t.anonymous.assets.upload('image', PNG)).rejects.toMatchObject({statusCode: expect.any(Number)})
  })
})
