import {Readable} from 'node:stream'
import {describe, expect, it} from 'vitest'
import {isBlankLine, lineBuffers, lines} from '@/lib/lake/archive/ndjson-lines'

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

  it('takes any async iterable of chunks (strings or Buffers), and a line cut at every byte of a multi-byte character comes whole', async () => {
    const text = 'Zürich 東京 😀\n{"a":"é"}'
    async function* pieces() {
      for (const byte of Buffer.from(text)) yield Buffer.from([byte])
      yield '\nlast'
    }
    const got: string[] = []
    for await (const line of lineBuffers(pieces())) got.push(line.toString('utf8'))
    expect(got).toEqual(['Zürich 東京 😀', '{"a":"é"}', 'last'])
  })

  it('with a limit: a line of exactly the limit passes, one byte more fails naming it, before more of the stream is read', async () => {
    const limit = {maxBytes: 10, tooLong: (line: number) => new Error(`line ${line} is too long`)}
    const ok: string[] = []
    for await (const line of lineBuffers(chunked('0123456789\n\n012345678\r\nabc', 3), limit)) ok.push(line.toString())
    expect(ok).toEqual(['0123456789', '', '012345678\r', 'abc'])

    // Line 3 goes on for a megabyte in 100-byte chunks: it fails within the chunk that passes the limit.
    let pulled = 0
    async function* endless() {
      yield 'a\n\n'
      for (;;) {
        pulled++
        yield Buffer.alloc(100, 0x78)
        if (pulled > 10_000) throw new Error('read on past the limit')
      }
    }
    const taken: string[] = []
    const failure = await (async () => {
      for await (const line of lineBuffers(endless(), {...limit, maxBytes: 1000})) taken.push(line.toString())
    })().catch((error: Error) => error)
    expect(failure).toMatchObject({message: 'line 3 is too long'})
    expect(taken).toEqual(['a', ''])
    expect(pulled).toBe(11)

    // Over the limit at its \n (the line ends in the chunk that passes it), and as the last line.
    for (const text of ['ab\n0123456789X\nc', 'ab\n0123456789X']) {
      const error = await (async () => {
        for await (const line of lineBuffers(chunked(text, 4), limit)) void line
      })().catch((error: Error) => error)
      expect(error, text).toMatchObject({message: 'line 2 is too long'})
    }
  })

  it('a Readable is destroyed when its lines are no longer taken', async () => {
    const input = chunked('a\nb\nc\n', 1)
    for await (const line of lineBuffers(input)) if (line.toString() === 'b') break
    expect(input.destroyed).toBe(true)
  })
})

describe('isBlankLine', () => {
  it('is blank exactly where the decoded text trims to nothing', () => {
    const cases = ['', ' ', '\r', '\t\v\f \r', '\uFEFF', '\u00A0', ' \u2028\u3000 ', '{}', ' x', '\u00A0x', 'é', '\uFEFF{"a":1}']
    for (const text of cases) expect(isBlankLine(Buffer.from(text)), JSON.stringify(text)).toBe(text.trim() === '')
    // A view into a larger buffer reads only its own bytes.
    const whole = Buffer.from('xx\u00A0 yy')
    expect(isBlankLine(whole.subarray(2, 5))).toBe(true)
    expect(isBlankLine(new Uint8Array(whole.buffer, whole.byteOffset + 2, 3))).toBe(true)
  })
})
