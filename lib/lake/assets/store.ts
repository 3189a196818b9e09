import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/**
 * Originals are stored once per content hash under `<dataDir>/assets/originals/ab/abcdef…`,
 * shared by every dataset (documents, not files, say which dataset has an asset). Writes go to a
 * temporary file first and are renamed into place, so a crash never leaves half a file behind.
 */
export function originalsDir(dataDir: string): string {
  return path.join(dataDir, 'assets', 'originals')
}

export function originalFile(dataDir: string, sha1: string): string {
  return path.join(originalsDir(dataDir), sha1.slice(0, 2), sha1)
}

export function sha1Of(buffer: Buffer): string {
  return crypto.createHash('sha1').update(buffer).digest('hex')
}

export async function writeAtomically(file: string, data: Buffer): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), {recursive: true})
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`
  await fs.promises.writeFile(temporary, data)
  await fs.promises.rename(temporary, file)
}

/** Stores an original unless the same content is already there; returns its sha1. */
export async function storeOriginal(dataDir: string, data: Buffer): Promise<string> {
  const sha1 = sha1Of(data)
  const file = originalFile(dataDir, sha1)
  if (!fs.existsSync(file)) await writeAtomically(file, data)
  return sha1
}

export async function readOriginal(dataDir: string, sha1: string): Promise<Buffer | null> {
  try {
    return await fs.promises.readFile(originalFile(dataDir, sha1))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}
