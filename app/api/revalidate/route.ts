import {revalidateTag} from 'next/cache'
import {z} from 'zod'
import {isHosted, revalidateSecret} from '@/lib/env'
import {readSignedWebhook} from '@/lib/http/signed-webhook'
import {tagsForChange} from '@/lib/site/tags'

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

export async function POST(request: Request) {
  if (!revalidateSecret) return problem(503, 'Revalidation is not configured (SANITY_REVALIDATE_SECRET is not set).')

  // Signature, its age (a replay older than the tolerance is refused) and the size cap.
  // Expiring tags is idempotent, so a replay inside the window needs no further guard.
  const delivery = await readSignedWebhook(request, revalidateSecret, MAX_BODY_BYTES)
  if (!delivery.ok) return problem(delivery.status, delivery.message)
  // Hosted Sanity is eventually consistent right after a webhook; the local lake is consistent on commit.
  if (isHosted) await new Promise((resolve) => setTimeout(resolve, 3_000))

  const change = changeSchema.safeParse(delivery.body)
  if (!change.success) return problem(400, 'Body must be {_id, _type, operation?, slug?, previousSlug?}.')

  const tags = tagsForChange(change.data)
  // `expire: 0`: the next request must not be served the stale entry (the default "max" profile
  // would serve it once more while refreshing in the background).
  for (const tag of tags) revalidateTag(tag, {expire: 0})
  return Response.json({revalidated: tags.length > 0, tags, now: Date.now()})
}
