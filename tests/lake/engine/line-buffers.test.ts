import {Readable} from 'node:stream'
import {describe, expect, it} from 'vitest'
import {lineBuffers, lines} from '@/lib/lake/archive/ndjson-lines'

/** `text`'s UTF-8 as a stream of chunks of `size` bytes (multi-byte characters cut across chunks). */
function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text)
  const chunks: Buffer[] = []
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size))
  return Readable.from(chunks)
}

describe('lineBuffers', () => {
  it('gives the same lines as `lines`, as bytes, whatever the chunking', async () => {
    const text = ['{"a":"Été 😀"}', '', '  {"b":1}\r', '{"c":"' + 'x'.repeat(300) + 'ñ"}', 'last without newline'].join('\n')
    for (const size of [1, 2, 3, 7, 64, 1000]) {
      const expected: string[] = []
      for await (const line of lines(chunked(text, size))) expected.push(line)
      const got: string[] = []
      for await (const line of lineBuffers(chunked(text, size))) {
        expect(Buffer.isBuffer(line)).toBe(true)
        got.push(line.toString('utf8'))
      }
      expect(got, `chunks of ${size}`).toEqual(expected)
    }
    const trailing: string[] = []
    for await (const line of lineBuffers(chunked('{"a":1}\n{"b":2}\n', 4))) trailing.push(line.toString())
    expect(trailing).toEqual(['{"a":1}', '{"b":2}'])
  })
})
