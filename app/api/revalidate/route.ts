import {parseBody} from 'next-sanity/webhook'
import {revalidateTag} from 'next/cache'
import {NextRequest} from 'next/server'
import {z} from 'zod'
import {isHosted, revalidateSecret} from '@/lib/env'
import {readBodyText} from '@/lib/http/read-body'
import {tagsForChange} from '@/lib/site/tags'
import {scheduledPostsChanged} from '@/lib/scheduling/scheduled-posts'

/**
 * On-demand revalidation: the content backend tells us a document changed, we expire the cache
 * tags of everything that shows it (lib/site/tags.ts). Pages are then fresh on the next request,
 * without a rebuild.
 *
 * The local lake POSTs this payload after every committed change of a public document, signed
 * with `sanity-webhook-signature` (lib/lake/webhooks):
 *   {_id, _type, operation: 'create'|'update'|'delete', slug?, previousSlug?, transactionId, timestamp}
 *
 * Hosted Sanity: create a GROQ-powered webhook (manage.sanity.io → API → Webhooks) with
 *   URL        https://<your site>/api/revalidate
 *   Trigger on Create, Update, Delete; Filter: _type in ["post","author","category","tag","siteSettings"]
 *   Projection {_id, _type, "operation": delta::operation(), "slug": slug.current,
 *               "previousSlug": before().slug.current, "transactionId": _rev, "timestamp": now()}
 *   Secret     the value of SANITY_REVALIDATE_SECRET
 */
export const dynamic = 'force-dynamic'

const MAX_BODY_BYTES = 64 * 1024

const changeSchema = z.object({
  _id: z.string().min(1).max(300),
  _type: z.string().min(1).max(200),
  operation: z.enum(['create', 'update', 'delete']).optional(),
  slug: z.string().max(300).nullish(),
  previousSlug: z.string().max(300).nullish(),
  transactionId: z.string().max(200).nullish(),
  timestamp: z.string().max(100).nullish(),
})

const problem = (status: number, message: string) => Response.json({error: message}, {status})

export async function POST(request: NextRequest) {
  if (!revalidateSecret) return problem(503, 'Revalidation is not configured (SANITY_REVALIDATE_SECRET is not set).')

  const text = await readBodyText(request, MAX_BODY_BYTES)
  if (text === null) return problem(413, `Body larger than ${MAX_BODY_BYTES} bytes.`)

  let parsed: Awaited<ReturnType<typeof parseBody<unknown>>>
  try {
    // Re-wrap the size-checked body; hosted Sanity is eventually consistent, so parseBody waits
    // briefly there. The local lake is consistent on commit: no wait.
    const copy = new NextRequest(request.url, {method: 'POST', headers: request.headers, body: text})
    parsed = await parseBody<unknown>(copy, revalidateSecret, isHosted)
  } catch {
    return problem(400, 'Body is not valid JSON.')
  }
  if (parsed.isValidSignature !== true) return problem(401, 'Missing or invalid sanity-webhook-signature.')

  const change = changeSchema.safeParse(parsed.body)
  if (!change.success) return problem(400, 'Body must be {_id, _type, operation?, slug?, previousSlug?}.')

  const tags = tagsForChange(change.data)
  // `expire: 0`: the next request must not be served the stale entry (the default "max" profile
  // would serve it once more while refreshing in the background).
  for (const tag of tags) revalidateTag(tag, {expire: 0})
  // A post may have been (re)scheduled: the scheduled-post timer re-reads its next moment.
  if (change.data._type === 'post') void scheduledPostsChanged().catch(() => {})
  return Response.json({revalidated: tags.length > 0, tags, now: Date.now()})
}
