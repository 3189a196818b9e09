/**
 * Sanity dataset archives (`sanity dataset export` format) through the lake CLI: an archive
 * written by hand in Sanity's layout imports with its images; a dataset with images exports to an
 * archive and round-trips into an empty data dir with the same documents and asset ids; import
 * goes through a running lake's API when one serves the data dir.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import sharp from 'sharp'
import tar from 'tar-stream'
import {describe, expect, it, vi} from 'vitest'
import {openEngine} from '@/lib/lake/engine'
import {startTestLake} from '../server/helpers'
import {runCli, tempDirs} from './helpers'

const tempDir = tempDirs()
const cli = runCli

const png = (width: number, height: number, color: string) => sharp({create: {width, height, channels: 3, background: color}}).png().toBuffer()
const sha1 = (data: Buffer) => crypto.createHash('sha1').update(data).digest('hex')

function documentsIn(dataDir: string): Record<string, Record<string, unknown>> {
  const engine = openEngine({file: path.join(dataDir, 'lake.sqlite')})
  try {
    return Object.fromEntries([...engine.exportDocuments('production')].map((doc) => [doc._id, doc as Record<string, unknown>]))
  } finally {
    engine.close()
  }
}

async function readTarGz(file: string): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>()
  const extract = tar.extract()
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = []
      for await (const chunk of entry) chunks.push(chunk as Buffer)
      if (entry.header.type === 'file') entries.set(entry.header.name, Buffer.concat(chunks))
    }
  })()
  extract.end(zlib.gunzipSync(fs.readFileSync(file)))
  await done
  return entries
}

describe('dataset archives', () => {
  it('imports an archive in the layout `sanity dataset export` writes, images included', async () => {
    const cover = await png(64, 48, '#123456')
    const inline = await png(10, 20, '#abcdef')
    const coverName = `${sha1(cover)}-64x48.png`
    const prefix = 'production-export-2026-01-01t00-00-00-000z'
    const docs = [
      {_id: 'post-a', _type: 'post', title: 'A', coverImage: {_type: 'image', _sanityAsset: `image@file://./images/${coverName}`, alt: 'cover'}},
      {_id: 'post-b', _type: 'post', body: [{_key: 'k1', _sanityAsset: `image@file://./images/${sha1(inline)}-10x20.png`}]},
      {_id: 'post-c', _type: 'post', alsoCover: {_type: 'image', _sanityAsset: `image@file://./images/${coverName}`}},
    ]
    const pack = tar.pack()
    pack.entry({name: `${prefix}/data.ndjson`}, docs.map((doc) => JSON.stringify(doc)).join('\n') + '\n')
    pack.entry({name: `${prefix}/assets.json`}, JSON.stringify({[`image-${sha1(cover)}`]: {originalFilename: 'cover.png', title: 'The cover', creditLine: 'Photo: us'}}))
    pack.entry({name: `${prefix}/images/${coverName}`}, cover)
    pack.entry({name: `${prefix}/images/${sha1(inline)}-10x20.png`}, inline)
    pack.finalize()
    const chunks: Buffer[] = []
    for await (const chunk of pack) chunks.push(chunk as Buffer)
    const archive = path.join(tempDir('lake-archive-in-'), 'export.tar.gz')
    fs.writeFileSync(archive, zlib.gzipSync(Buffer.concat(chunks)))

    const dataDir = tempDir('lake-archive-target-')
    const result = await cli(dataDir, 'import', archive)
    expect(result.out).toContain('Imported 3 documents and 2 assets')
    const stored = documentsIn(dataDir)
    const coverId = `image-${sha1(cover)}-64x48-png`
    expect(stored['post-a'].coverImage).toEqual({_type: 'image', alt: 'cover', asset: {_type: 'reference', _ref: coverId}})
    expect(stored['post-c'].alsoCover).toEqual({_type: 'image', asset: {_type: 'reference', _ref: coverId}})
    expect((stored['post-b'].body as unknown[])[0]).toEqual({_key: 'k1', _type: 'image', asset: {_type: 'reference', _ref: `image-${sha1(inline)}-10x20-png`}})
    expect(stored[coverId]).toMatchObject({_type: 'sanity.imageAsset', sha1hash: sha1(cover), originalFilename: 'cover.png', title: 'The cover', creditLine: 'Photo: us', metadata: {dimensions: {width: 64, height: 48}}})
  })

  it('round-trips a dataset with images through an archive into an empty data dir', async () => {
    const source = await startTestLake()
    try {
      const photo = await png(40, 30, '#ff0000')
      const asset = await source.editor.assets.upload('image', photo, {filename: 'photo.png', title: 'Red'})
      const file = await source.editor.assets.upload('file', Buffer.from('%PDF-1.4 tiny'), {filename: 'brief.pdf', contentType: 'application/pdf'})
      await source.editor.create({_id: 'story', _type: 'post', title: 'Story', coverImage: {_type: 'image', asset: {_type: 'reference', _ref: asset._id}, hotspot: {x: 0.5, y: 0.5, height: 1, width: 1}}, attachment: {_type: 'file', asset: {_type: 'reference', _ref: file._id}}})
      await source.editor.create({_id: 'drafts.story', _type: 'post', title: 'Story (draft)', coverImage: {_type: 'image', asset: {_type: 'reference', _ref: asset._id}}})

      const archive = path.join(tempDir('lake-archive-out-'), 'production.tar.gz')
      // Export while the source lake is serving.
      expect((await cli(source.dataDir, 'export', archive)).out).toContain('Exported 2 documents and 2 assets')
      const entries = await readTarGz(archive)
      const names = [...entries.keys()]
      const root = names.find((name) => name.endsWith('/data.ndjson'))!.replace(/\/data\.ndjson$/, '')
      expect(root).toMatch(/^production-export-/)
      expect(names).toContain(`${root}/images/${sha1(photo)}-40x30.png`)
      expect(names).toContain(`${root}/files/${file.sha1hash}.pdf`)
      const data = entries.get(`${root}/data.ndjson`)!.toString().trim().split('\n').map((line) => JSON.parse(line))
      expect(data.map((doc) => doc._type)).not.toContain('sanity.imageAsset')
      expect(data.find((doc) => doc._id === 'story').coverImage).toEqual({_sanityAsset: `image@file://./images/${sha1(photo)}-40x30.png`, _type: 'image', hotspot: {x: 0.5, y: 0.5, height: 1, width: 1}})
      const assetsJson = JSON.parse(entries.get(`${root}/assets.json`)!.toString())
      expect(assetsJson[`image-${sha1(photo)}`]).toMatchObject({originalFilename: 'photo.png', title: 'Red'})

      const target = tempDir('lake-archive-roundtrip-')
      expect((await cli(target, 'import', archive)).code).toBe(0)
      const before = documentsIn(source.dataDir)
      const after = documentsIn(target)
      expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort())
      const content = ({_rev, _updatedAt, _createdAt, url, ...rest}: Record<string, unknown>) => (void [_rev, _updatedAt, _createdAt, url], rest)
      for (const id of Object.keys(before)) expect(content(after[id])).toEqual(content(before[id]))
      expect(fs.readFileSync(path.join(target, 'assets', 'originals', sha1(photo).slice(0, 2), sha1(photo)))).toEqual(photo)
    } finally {
      await source.close()
    }
  })

  it('imports through a running lake, whose listeners see the documents arrive', async () => {
    const lake = await startTestLake()
    try {
      const file = path.join(tempDir('lake-ndjson-'), 'in.ndjson')
      fs.writeFileSync(file, '{"_id":"live-1","_type":"note"}\n{"_id":"live-2","_type":"note"}\n')
      const seen: string[] = []
      const subscription = lake.editor.listen('*[_type == "note"]').subscribe((event) => {
        if (event.type === 'mutation') seen.push(event.documentId)
      })
      await new Promise((resolve) => setTimeout(resolve, 300))
      const result = await cli(lake.dataDir, 'import', file)
      expect(result.out).toContain('through the running lake')
      // The running lake's own cache answers at once: no restart needed.
      expect(await lake.editor.fetch('*[_type == "note"]._id | order(@ asc)')).toEqual(['live-1', 'live-2'])
      await vi.waitFor(() => expect(seen.sort()).toEqual(['live-1', 'live-2']))
      subscription.unsubscribe()
      expect((await cli(lake.dataDir, 'import', file)).code).toBe(1)
    } finally {
      await lake.close()
    }
  })
})
