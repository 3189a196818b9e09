/**
 * Reading a request body without trusting its size: refuses at once when `Content-Length` already
 * says it is too big, and stops reading as soon as a chunked (or lying) body crosses the limit, so
 * no endpoint ever buffers more than its cap. Used by every endpoint that takes input from outside.
 */

/** The body's bytes, or null when it is larger than `maxBytes`. */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get('content-length') ?? NaN)
  if (Number.isFinite(declared) && declared > maxBytes) {
    await request.body?.cancel().catch(() => {})
    return null
  }
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const {done, value} = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => {})
      return null
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

/** The body as UTF-8 text, or null when it is larger than `maxBytes`. */
export async function readBodyText(request: Request, maxBytes: number): Promise<string | null> {
  const bytes = await readBodyBytes(request, maxBytes)
  return bytes === null ? null : new TextDecoder('utf-8').decode(bytes)
}
