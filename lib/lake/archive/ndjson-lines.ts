import type {Readable} from 'node:stream'

/**
 * The stream's lines (split on `\n`), pulled chunk by chunk: the stream is read only as fast as
 * lines are taken. (readline's async iterator reads ahead up to a thousand lines whatever their
 * size — 100 MB of 100 kB documents.)
 */
export async function* lines(input: Readable): AsyncGenerator<string> {
  input.setEncoding('utf8')
  let pending: string[] = []
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      let start = 0
      for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
        pending.push(chunk.slice(start, end))
        yield pending.join('')
        pending = []
        start = end + 1
      }
      if (start < chunk.length) pending.push(chunk.slice(start))
    }
    if (pending.length > 0) yield pending.join('')
  } finally {
    input.destroy()
  }
}

/**
 * How much of a file to read at a time for an import (fs streams read 64 KiB by default): a read
 * ahead while the lake commits a batch covers more, and fewer lines straddle two chunks (copied).
 */
export const IMPORT_READ_CHUNK = 2 ** 20

/**
 * The stream's lines as bytes (split on `\n`, undecoded): a line within one chunk is a view of it
 * (no copy), one across chunks is joined. An import hands these to the lake as they are: it checks
 * and stores the UTF-8 itself (import-export.ts), so no JavaScript string of the line is made.
 */
export async function* lineBuffers(input: Readable): AsyncGenerator<Buffer> {
  let pending: Buffer[] = []
  try {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      let start = 0
      for (let end = bytes.indexOf(10); end !== -1; end = bytes.indexOf(10, start)) {
        const piece = bytes.subarray(start, end)
        if (pending.length === 0) yield piece
        else {
          pending.push(piece)
          yield Buffer.concat(pending)
          pending = []
        }
        start = end + 1
      }
      if (start < bytes.length) pending.push(bytes.subarray(start))
    }
    if (pending.length > 0) yield Buffer.concat(pending)
  } finally {
    input.destroy()
  }
}
