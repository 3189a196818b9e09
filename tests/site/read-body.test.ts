import {describe, expect, it} from 'vitest'
import {readBodyBytes, readBodyText} from '@/lib/http/read-body'

/** A body sent in chunks with no Content-Length, like a chunked upload. */
function chunked(chunks: string[]): Request {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk))
      controller.close()
    },
  })
  return new Request('http://x/', {method: 'POST', body: stream, duplex: 'half'} as RequestInit)
}

describe('readBody', () => {
  it('reads a body within the limit', async () => {
    expect(await readBodyText(new Request('http://x/', {method: 'POST', body: 'héllo'}), 100)).toBe('héllo')
  })

  it('refuses a declared Content-Length over the limit without reading', async () => {
    const request = new Request('http://x/', {method: 'POST', body: 'x'.repeat(50), headers: {'content-length': '50'}})
    expect(await readBodyBytes(request, 10)).toBeNull()
  })

  it('stops a chunked body as soon as it crosses the limit', async () => {
    expect(await readBodyText(chunked(['12345', '67890', 'abc']), 10)).toBeNull()
    expect(await readBodyText(chunked(['12345', '67890']), 10)).toBe('1234567890')
  })

  it('treats a missing body as empty', async () => {
    expect(await readBodyBytes(new Request('http://x/'), 10)).toEqual(new Uint8Array(0))
  })
})
