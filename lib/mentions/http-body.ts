/** Reads a request body up to a byte cap, without buffering more than the cap (stops reading there). */
export async function readBodyCapped(request: Request, maxBytes: number): Promise<{text: string; tooLarge: boolean}> {
  const declared = Number(request.headers.get('content-length') ?? '')
  if (Number.isFinite(declared) && declared > maxBytes) {
    await request.body?.cancel().catch(() => {})
    return {text: '', tooLarge: true}
  }
  if (!request.body) return {text: '', tooLarge: false}
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const {done, value} = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => {})
      return {text: '', tooLarge: true}
    }
    chunks.push(value)
  }
  return {text: new TextDecoder('utf-8').decode(Buffer.concat(chunks)), tooLarge: false}
}
