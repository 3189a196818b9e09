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

/** The longest line `lineBuffers` gives, and the error for a longer one (made with its 1-based number). */
export interface LineLimit {
  /** Bytes, the `\n` not counted. */
  maxBytes: number
  tooLong(line: number): Error
}

/**
 * The stream's lines as bytes (split on `\n`, undecoded; a `\r` before it is kept, as `lines`
 * keeps it): a line within one chunk is a view of it (no copy), one across chunks is joined. An
 * import hands these to the lake as they are: it checks and stores the UTF-8 itself
 * (import-export.ts), so no JavaScript string of the line is made.
 *
 * With a `limit`, a line longer than it fails (`limit.tooLong`) as soon as that many of its bytes
 * have come: what is held of one line stays within the limit plus a chunk, however long the line.
 * A Readable `input` is destroyed when the lines end or are no longer taken (an iterable's own
 * `return` is called by `for await`).
 */
export async function* lineBuffers(input: Readable | AsyncIterable<Buffer | string>, limit?: LineLimit): AsyncGenerator<Buffer> {
  const max = limit?.maxBytes ?? Infinity
  let pending: Buffer[] = []
  let pendingBytes = 0
  let number = 1
  try {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      let start = 0
      for (let end = bytes.indexOf(10); end !== -1; end = bytes.indexOf(10, start)) {
        if (pendingBytes + end - start > max) throw limit!.tooLong(number)
        const piece = bytes.subarray(start, end)
        if (pending.length === 0) yield piece
        else {
          pending.push(piece)
          yield Buffer.concat(pending, pendingBytes + piece.length)
          pending = []
          pendingBytes = 0
        }
        number++
        start = end + 1
      }
      if (start < bytes.length) {
        pendingBytes += bytes.length - start
        if (pendingBytes > max) throw limit!.tooLong(number)
        pending.push(bytes.subarray(start))
      }
    }
    if (pending.length > 0) yield pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes)
  } finally {
    if (typeof (input as Partial<Readable>).destroy === 'function') (input as Readable).destroy()
  }
}

/**
 * Whether an NDJSON line is blank as importers have it (`text.trim() === ''` on its decoded text:
 * skipped, though counted), decoding it only when it must (a non-ASCII byte before anything else).
 */
export function isBlankLine(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    // ASCII whitespace as trim() has it: tab, line feed, vertical tab, form feed, carriage return, space.
    if (byte === 32 || (byte >= 9 && byte <= 13)) continue
    return byte < 0x80 ? false : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').trim() === ''
  }
  return true
}
