/**
 * The `.tar.gz` container of a Sanity dataset archive, read and written with tar-stream (a kept
 * library; tar has enough corner cases — long names, pax headers — not to hand-write it).
 * Layout as `sanity dataset export` writes it: one top folder `<dataset>-export-<date>/` holding
 * `data.ndjson`, `assets.json`, `images/…` and `files/…`.
 */
import fs from 'node:fs'
import path from 'node:path'
import {pipeline} from 'node:stream/promises'
import zlib from 'node:zlib'
import tar from 'tar-stream'

export interface ExtractedArchive {
  /** The folder (inside the extraction dir) holding data.ndjson: the archive's root. */
  root: string
  /** assets.json, parsed ({} when absent). */
  assetMap: Record<string, unknown>
  /** Root-relative paths of the asset files extracted (`images/…`, `files/…`). */
  files: Set<string>
}

/** Archives are recognised by content (gzip magic), not name, like Sanity's import does. */
export function isGzip(file: string): boolean {
  const fd = fs.openSync(file, 'r')
  try {
    const head = Buffer.alloc(2)
    return fs.readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Extracts the archive's regular files into `dir` (an empty folder the caller owns and removes),
 * one entry at a time: memory stays at a chunk, whatever the size of data.ndjson. Entry names that
 * would land outside `dir` (absolute, `..`) are skipped, as are links and devices.
 */
export async function extractArchive(file: string, dir: string): Promise<ExtractedArchive> {
  const names: string[] = []
  const extract = tar.extract()
  const reading = (async () => {
    for await (const entry of extract) {
      const name = path.posix.normalize(entry.header.name).replace(/^\.\//, '')
      const unsafe = name.startsWith('/') || name === '..' || name.startsWith('../') || name === '.'
      if (entry.header.type !== 'file' || unsafe) {
        entry.resume()
        continue
      }
      const target = path.join(dir, ...name.split('/'))
      fs.mkdirSync(path.dirname(target), {recursive: true})
      await pipeline(entry, fs.createWriteStream(target))
      names.push(name)
    }
  })()
  await Promise.all([pipeline(fs.createReadStream(file), zlib.createGunzip(), extract), reading])

  // The top folder's name varies (dataset and date): the one holding data.ndjson is the root.
  const dataPath = names.filter((name) => path.posix.basename(name) === 'data.ndjson').sort((a, b) => a.length - b.length)[0]
  if (!dataPath) throw new Error(`${file} is not a dataset archive: it has no data.ndjson`)
  const root = path.posix.dirname(dataPath)
  const relative = (name: string) => (root === '.' ? name : name.startsWith(`${root}/`) ? name.slice(root.length + 1) : null)
  const files = new Set<string>()
  let assetMap: Record<string, unknown> = {}
  const rootDir = path.join(dir, ...(root === '.' ? [] : root.split('/')))
  for (const name of names) {
    const rel = relative(name)
    if (rel === 'assets.json') assetMap = JSON.parse(fs.readFileSync(path.join(rootDir, 'assets.json'), 'utf8')) as Record<string, unknown>
    else if (rel && /^(images|files)\//.test(rel)) files.add(rel)
  }
  return {root: rootDir, assetMap, files}
}

export interface ArchiveEntry {
  /** Archive-relative path: `data.ndjson`, `assets.json`, `images/…`, `files/…`. */
  name: string
  data: Buffer
}

/** Writes the archive; entries come from an async source so large datasets stream through. */
export async function writeArchive(file: string, prefix: string, entries: AsyncIterable<ArchiveEntry>): Promise<void> {
  const pack = tar.pack()
  const writing = pipeline(pack, zlib.createGzip(), fs.createWriteStream(file))
  try {
    for (const dir of ['images', 'files']) pack.entry({name: `${prefix}/${dir}/`, type: 'directory', mode: 0o755})
    for await (const {name, data} of entries) {
      await new Promise<void>((resolve, reject) => pack.entry({name: `${prefix}/${name}`, mode: 0o644, mtime: new Date()}, data, (error) => (error ? reject(error) : resolve())))
    }
    pack.finalize()
  } catch (error) {
    pack.destroy(error as Error)
    await writing.catch(() => {})
    fs.rmSync(file, {force: true})
    throw error
  }
  await writing
}
