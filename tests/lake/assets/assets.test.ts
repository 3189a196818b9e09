import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {createClient, type SanityClient} from '@sanity/client'
import {createImageUrlBuilder} from '@sanity/image-url'
import sharp from 'sharp'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {createToken, startLake, type RunningLake} from '@/lib/lake/server'

/**
 * The asset API against a real lake: uploads through @sanity/client, image URLs built by
 * @sanity/image-url, results measured with sharp.
 */

let dataDir: string
let lake: RunningLake
let editor: SanityClient
let anonymous: SanityClient
let viewerToken: string
let editorToken: string

async function testImage(width: number, height: number, options: {alpha?: boolean; seed?: number} = {}) {
  const channels = options.alpha ? 4 : 3
  const pixels = Buffer.alloc(width * height * channels)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * channels
      pixels[offset] = (x * 255) / width
      pixels[offset + 1] = (y * 255) / height
      pixels[offset + 2] = options.seed ?? 128
      if (options.alpha) pixels[offset + 3] = x < width / 2 ? 255 : 64
    }
  }
  return sharp(pixels, {raw: {width, height, channels}}).png().toBuffer()
}

async function fetchImage(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {headers})
  const body = Buffer.from(await response.arrayBuffer())
  return {response, body, meta: response.ok ? await sharp(body).metadata() : null}
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lake-assets-'))
  lake = await startLake({dataDir, port: 0, httpPort: 0, logger: () => {}})
  editorToken = createToken(dataDir, {role: 'editor', label: 'asset-test-editor'})
  viewerToken = createToken(dataDir, {role: 'viewer', label: 'asset-test-viewer'})
  const config = {
    projectId: 'dispatch',
    dataset: 'production',
    apiVersion: '2025-02-19',
    apiHost: lake.httpUrl,
    useProjectHostname: false,
    useCdn: false,
  }
  editor = createClient({...config, token: editorToken})
  anonymous = createClient(config)
})

afterAll(async () => {
  await lake?.close()
  fs.rmSync(dataDir, {recursive: true, force: true})
})

const uploadUrl = (kind: 'images' | 'files', query = '') => `${lake.httpUrl}/v2025-02-19/assets/${kind}/production${query}`

describe('image upload', () => {
  it('creates a sanity.imageAsset with Sanity’s id, path, url and metadata', async () => {
    const png = await testImage(800, 600)
    const asset = await editor.assets.upload('image', png, {filename: 'gradient.png'})
    expect(asset._id).toMatch(/^image-[0-9a-f]{40}-800x600-png$/)
    expect(asset).toMatchObject({
      _type: 'sanity.imageAsset',
      extension: 'png',
      mimeType: 'image/png',
      originalFilename: 'gradient.png',
      size: png.length,
      path: `images/dispatch/production/${asset.sha1hash}-800x600.png`,
      url: `${lake.httpUrl}/images/dispatch/production/${asset.sha1hash}-800x600.png`,
      metadata: {
        dimensions: {width: 800, height: 600, aspectRatio: 800 / 600},
        hasAlpha: false,
        isOpaque: true,
      },
    })
    expect(asset.assetId).toBe(asset.sha1hash)
    expect(asset.metadata.lqip).toMatch(/^data:image\/jpeg;base64,/)
    const lqip = await sharp(Buffer.from(asset.metadata.lqip!.split(',')[1], 'base64')).metadata()
    expect(Math.max(lqip.width, lqip.height)).toBeLessThanOrEqual(20)
    // The document is in the dataset, readable like any other.
    expect(await editor.getDocument(asset._id)).toMatchObject({_id: asset._id, sha1hash: asset.sha1hash})
    // The original is stored on disk under the data dir, by content hash.
    expect(fs.existsSync(path.join(dataDir, 'assets', 'originals', asset.sha1hash.slice(0, 2), asset.sha1hash))).toBe(true)
  })

  it('reports alpha and transparency', async () => {
    const asset = await editor.assets.upload('image', await testImage(64, 32, {alpha: true}))
    expect(asset.metadata).toMatchObject({hasAlpha: true, isOpaque: false})
  })

  it('gives the same asset for the same bytes uploaded twice', async () => {
    const png = await testImage(120, 90, {seed: 7})
    const first = await editor.assets.upload('image', png, {filename: 'one.png'})
    const second = await editor.assets.upload('image', png, {filename: 'two.png'})
    expect(second._id).toBe(first._id)
    expect(second.originalFilename).toBe('one.png')
    const count = await editor.fetch('count(*[_type == "sanity.imageAsset" && sha1hash == $hash])', {hash: first.sha1hash})
    expect(count).toBe(1)
  })

  it('sniffs the real format from the bytes, not the file name', async () => {
    const jpeg = await sharp(await testImage(50, 40)).jpeg().toBuffer()
    const asset = await editor.assets.upload('image', jpeg, {filename: 'lies.png', contentType: 'image/png'})
    expect(asset._id).toMatch(/-50x40-jpg$/)
    expect(asset.mimeType).toBe('image/jpeg')
  })

  it('refuses a non-image on the image endpoint with 400 and stores nothing', async () => {
    const before = await editor.fetch('count(*[_type == "sanity.imageAsset"])')
    const error = await editor.assets.upload('image', Buffer.from('%PDF-1.4 not an image')).catch((e: unknown) => e)
    expect((error as {statusCode?: number}).statusCode).toBe(400)
    expect(String((error as Error).message)).toMatch(/not an image/)
    expect(await editor.fetch('count(*[_type == "sanity.imageAsset"])')).toBe(before)
  })

  it('refuses an empty body', async () => {
    const response = await fetch(uploadUrl('images'), {method: 'POST', headers: {authorization: `Bearer ${editorToken}`}, body: ''})
    expect(response.status).toBe(400)
  })

  it('requires a token that may write', async () => {
    const png = await testImage(10, 10)
    const anon = await anonymous.assets.upload('image', png).catch((e: unknown) => e)
    expect((anon as {statusCode?: number}).statusCode).toBe(401)
    const viewer = await fetch(uploadUrl('images'), {
      method: 'POST',
      headers: {authorization: `Bearer ${viewerToken}`, 'content-type': 'image/png'},
      body: new Uint8Array(png),
    })
    expect(viewer.status).toBe(403)
  })

  it('answers 413 for uploads over 25 MB', async () => {
    const response = await fetch(uploadUrl('files', '?filename=big.bin'), {
      method: 'POST',
      headers: {authorization: `Bearer ${editorToken}`, 'content-type': 'application/octet-stream'},
      body: new Uint8Array(26 * 1024 * 1024),
    }).catch((error: unknown) => error)
    // The lake may close the connection while the body is still being sent; when it gets an
    // answer through, it must be 413.
    expect(response instanceof Response ? response.status : String(response)).toBe(413)
    if (response instanceof Response) {
      expect(response.status).toBe(413)
      expect(await response.json()).toMatchObject({error: {type: 'httpPayloadTooLarge'}})
    }
    expect(await editor.fetch('count(*[_type == "sanity.fileAsset" && originalFilename == "big.bin"])')).toBe(0)
  })

  it('answers 404 for an unknown dataset and 405 for GET on the upload endpoint', async () => {
    const unknown = await fetch(`${lake.httpUrl}/v2025-02-19/assets/images/nope`, {
      method: 'POST',
      headers: {authorization: `Bearer ${editorToken}`},
      body: new Uint8Array(await testImage(4, 4)),
    })
    expect(unknown.status).toBe(404)
    const get = await fetch(uploadUrl('images'), {headers: {authorization: `Bearer ${editorToken}`}})
    expect(get.status).toBe(405)
  })
})

describe('image pipeline', () => {
  let asset: Awaited<ReturnType<SanityClient['assets']['upload']>> & {metadata: {dimensions: {width: number}}}
  let builder: ReturnType<typeof createImageUrlBuilder>

  beforeAll(async () => {
    asset = (await editor.assets.upload('image', await testImage(1200, 800, {seed: 33}))) as typeof asset
    builder = createImageUrlBuilder(anonymous)
  })

  it('serves the original untouched, publicly, with immutable caching and an ETag', async () => {
    const url = builder.image(asset).url()
    expect(url).toBe(`${lake.httpUrl}/images/dispatch/production/${asset.sha1hash}-1200x800.png`)
    const {response, meta} = await fetchImage(url)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/png')
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(response.headers.get('etag')).toBeTruthy()
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(meta).toMatchObject({width: 1200, height: 800})
  })

  it('resizes by width, keeping the aspect ratio', async () => {
    const {meta} = await fetchImage(builder.image(asset).width(300).url())
    expect(meta).toMatchObject({width: 300, height: 200, format: 'png'})
  })

  it('crops to an exact box with fit=crop, and honours dpr', async () => {
    const {meta} = await fetchImage(builder.image(asset).width(200).height(200).fit('crop').url())
    expect(meta).toMatchObject({width: 200, height: 200})
    const {meta: retina} = await fetchImage(builder.image(asset).width(100).height(50).fit('crop').dpr(2).url())
    expect(retina).toMatchObject({width: 200, height: 100})
  })

  it('applies the crop and hotspot stored on an image field (rect)', async () => {
    const image = {
      _type: 'image',
      asset: {_ref: asset._id, _type: 'reference'},
      crop: {top: 0.25, bottom: 0.25, left: 0.5, right: 0},
      hotspot: {x: 0.75, y: 0.5, width: 0.2, height: 0.2},
    }
    const url = builder.image(image).url()
    expect(url).toContain('rect=600,200,600,400')
    const {meta} = await fetchImage(url)
    expect(meta).toMatchObject({width: 600, height: 400})
    const {meta: sized} = await fetchImage(builder.image(image).width(300).height(300).url())
    expect(sized).toMatchObject({width: 300, height: 300})
  })

  it('crops around a focal point', async () => {
    const {meta} = await fetchImage(builder.image(asset).width(100).height(100).fit('crop').crop('focalpoint').focalPoint(0.9, 0.1).url())
    expect(meta).toMatchObject({width: 100, height: 100})
  })

  it('negotiates the format with auto=format and converts with fm', async () => {
    const url = builder.image(asset).width(100).auto('format').url()
    const webp = await fetchImage(url, {accept: 'image/avif,image/webp,*/*'})
    expect(webp.response.headers.get('content-type')).toBe('image/webp')
    expect(webp.response.headers.get('vary')).toBe('Accept')
    expect(webp.meta?.format).toBe('webp')
    const avif = await fetchImage(url, {accept: 'image/avif,*/*'})
    expect(avif.meta?.format).toBe('heif')
    const fallback = await fetchImage(url, {accept: '*/*'})
    expect(fallback.meta?.format).toBe('png')
    const jpeg = await fetchImage(builder.image(asset).width(100).format('jpg').quality(50).url())
    expect(jpeg.response.headers.get('content-type')).toBe('image/jpeg')
    expect(jpeg.meta?.format).toBe('jpeg')
  })

  it('blurs', async () => {
    const sharpImage = await fetchImage(builder.image(asset).width(200).url())
    const blurred = await fetchImage(builder.image(asset).width(200).blur(50).url())
    expect(blurred.meta).toMatchObject({width: 200, height: 133})
    expect(Buffer.compare(sharpImage.body, blurred.body)).not.toBe(0)
  })

  it('bounds the output to 4000 px', async () => {
    const {meta} = await fetchImage(builder.image(asset).width(10000).url())
    expect(meta?.width).toBe(4000)
  })

  it('answers 400 for malformed parameters instead of failing', async () => {
    for (const query of ['w=abc', 'fit=stretchy', 'rect=1,2,3', 'q=500', 'fm=bmp', 'bg=zzz']) {
      const response = await fetch(`${builder.image(asset).url()}?${query}`)
      expect(response.status, query).toBe(400)
      expect((await response.json()).error.description).toMatch(/Invalid image parameter/)
    }
  })

  it('answers 304 when the ETag matches, and caches variants on disk', async () => {
    const url = builder.image(asset).width(77).url()
    const first = await fetchImage(url)
    const etag = first.response.headers.get('etag')!
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/)
    const again = await fetch(url, {headers: {'if-none-match': etag}})
    expect(again.status).toBe(304)
    const variants = fs.readdirSync(path.join(dataDir, 'assets', 'variants'))
    expect(variants).toContain(etag.slice(1, -1))
    const cached = await fetchImage(url)
    expect(Buffer.compare(cached.body, first.body)).toBe(0)
  })

  it('answers 404 for unknown images, other projects and deleted assets', async () => {
    const unknown = await fetch(`${lake.httpUrl}/images/dispatch/production/${'0'.repeat(40)}-10x10.png`)
    expect(unknown.status).toBe(404)
    const otherProject = await fetch(builder.image(asset).url().replace('/dispatch/', '/other/'))
    expect(otherProject.status).toBe(404)
    const doomed = await editor.assets.upload('image', await testImage(30, 30, {seed: 99}))
    const doomedUrl = builder.image(doomed).url()
    expect((await fetch(doomedUrl)).status).toBe(200)
    await editor.delete(doomed._id)
    expect((await fetch(doomedUrl)).status).toBe(404)
  })
})

describe('file assets', () => {
  it('uploads any file and serves it back byte for byte', async () => {
    const text = Buffer.from('Minutes of the editorial meeting\n')
    const asset = await editor.assets.upload('file', text, {filename: 'minutes.txt', contentType: 'text/plain'})
    expect(asset._id).toBe(`file-${asset.sha1hash}-txt`)
    expect(asset).toMatchObject({
      _type: 'sanity.fileAsset',
      extension: 'txt',
      mimeType: 'text/plain',
      size: text.length,
      path: `files/dispatch/production/${asset.sha1hash}.txt`,
    })
    const response = await fetch(asset.url)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain')
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(Buffer.from(await response.arrayBuffer())).toEqual(text)
  })

  it('serves unknown types as downloads', async () => {
    const asset = await editor.assets.upload('file', Buffer.from('<svg onload=alert(1)>'), {filename: 'x.html', contentType: 'text/html'})
    const response = await fetch(asset.url)
    expect(response.headers.get('content-disposition')).toMatch(/^attachment/)
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
  })
})
