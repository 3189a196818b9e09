/**
 * Studio moderation → fresh Pingbacks section. Approving or marking a pingback as spam is a write to
 * a private document, which fires no webhook; the Studio action then POSTs `{id}` to
 * /api/webhooks/mentions/moderated with the editor's own token (`Authorization: Bearer …`). We use
 * THAT token to read the pingback: only a signed-in editor's token can see private documents, so
 * strangers cannot make us revalidate anything, and no secret has to live in the browser.
 */
import {z} from 'zod'
import {readBodyText} from '@/lib/http/read-body'
import {pingbackTargetQuery} from '@/sanity/lib/queries'
import {revalidatePingbacks} from './freshness'
import {mentionsClient} from './store'

export const MAX_MODERATED_BODY_BYTES = 4096

const bodySchema = z.object({id: z.string().regex(/^pingback\.[A-Za-z0-9_-]{1,128}$/)})

function json(status: number, body: Record<string, unknown>): Response {
  return Response.json(body, {status, headers: {'Cache-Control': 'no-store'}})
}

export async function handleModerated(request: Request): Promise<Response> {
  const token = /^Bearer\s+(\S{10,512})$/i.exec(request.headers.get('authorization') ?? '')?.[1]
  if (!token) return json(401, {message: 'Send the editor token as "Authorization: Bearer <token>".'})
  const text = await readBodyText(request, MAX_MODERATED_BODY_BYTES)
  if (text === null) return json(413, {message: `Payload too large: at most ${MAX_MODERATED_BODY_BYTES} bytes.`})
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return json(400, {message: 'The body must be JSON: {"id": "pingback.…"}.'})
  }
  const body = bodySchema.safeParse(raw)
  if (!body.success) return json(400, {message: 'The body must be JSON: {"id": "pingback.…"}.'})

  let target: {postId: string | null} | null
  try {
    target = await mentionsClient()
      .withConfig({token})
      .fetch<{postId: string | null} | null>(pingbackTargetQuery, {id: body.data.id}, {cache: 'no-store'})
  } catch (error) {
    const status = (error as {statusCode?: number}).statusCode
    if (status === 401 || status === 403) return json(401, {message: 'The token is not valid.'})
    console.error('[mentions] moderation revalidation failed:', error)
    return json(503, {message: 'The content store is not reachable; try again.'})
  }
  // An anonymous or unknown token sees no private documents: same answer as a missing pingback.
  if (!target) return json(404, {message: 'No such pingback (or the token cannot read it).'})
  revalidatePingbacks(target.postId)
  return json(200, {revalidated: true, postId: target.postId})
}
