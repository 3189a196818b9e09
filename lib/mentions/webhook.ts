/**
 * The signed webhook the lake (or hosted Sanity) sends after each change of a published document:
 * `{_id, _type, operation: 'create'|'update'|'delete', slug?, previousSlug?, transactionId, timestamp}`
 * signed in `sanity-webhook-signature` with SANITY_REVALIDATE_SECRET.
 *
 * - `post` create/update → send the post's mentions (in the background, after the response);
 * - `post` delete (deleted or unpublished) → withdraw them;
 * - `pingback` (hosted Sanity can be configured to include them; the local lake skips private ids)
 *   → expire the mentioned post's Pingbacks section.
 *
 * Hosted Sanity: create a webhook to <site>/api/webhooks/mentions with filter
 * `_type in ["post", "pingback"]`, projection
 * `{_id, _type, "operation": delta::operation(), "slug": slug.current, "transactionId": _rev, "timestamp": now()}`
 * and the same secret.
 */
import {z} from 'zod'
import {isHosted, revalidateSecret} from '@/lib/env'
import {deliveryKeys, readSignedWebhook, ReplayGuard} from '@/lib/http/signed-webhook'
import {pingbackTargetQuery} from '@/sanity/lib/queries'
import {revalidatePingbacks, runInBackground} from './freshness'
import {sendMentionsForPost, withdrawMentionsForPost} from './outgoing'
import {mentionsClient} from './store'

export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024

const payloadSchema = z.object({
  _id: z.string().min(1).max(200),
  _type: z.string().min(1).max(100),
  operation: z.enum(['create', 'update', 'delete']),
  slug: z.string().max(200).nullish(),
})

function json(status: number, body: Record<string, unknown>): Response {
  return Response.json(body, {status, headers: {'Cache-Control': 'no-store'}})
}

/** Hosted Sanity's query API is eventually consistent right after a webhook; the local lake is not. */
const settleDelay = () => new Promise((resolve) => setTimeout(resolve, isHosted ? 3_000 : 0))

/** Sending mentions is not idempotent (it notifies other blogs): each delivery acts once, cluster-wide. */
const deliveries = new ReplayGuard(undefined, undefined, {name: 'mentions'})

export async function handleMentionsWebhook(request: Request, now: number = Date.now()): Promise<Response> {
  if (!revalidateSecret) return json(503, {message: 'SANITY_REVALIDATE_SECRET is not configured; webhooks are disabled.'})
  const delivery = await readSignedWebhook(request, revalidateSecret, MAX_WEBHOOK_BODY_BYTES, now)
  if (!delivery.ok) return json(delivery.status, {message: delivery.message})
  const payload = payloadSchema.safeParse(delivery.body)
  if (!payload.success) return json(400, {message: 'Expected {_id, _type, operation, slug?}.'})
  // A replay (or the sender's retry of a delivery we already acted on): acknowledge, do nothing.
  if (!(await deliveries.firstDelivery(deliveryKeys(request, delivery), now))) return json(200, {duplicate: true})

  const {_id: id, _type: type, operation, slug} = payload.data
  if (id.startsWith('drafts.') || id.startsWith('versions.')) return json(200, {ignored: 'not a published document'})

  if (type === 'post') {
    if (operation === 'delete') {
      runInBackground(`withdraw mentions of ${id}`, async () => {
        await withdrawMentionsForPost(id, slug ?? null)
      })
    } else {
      runInBackground(`send mentions of ${id}`, async () => {
        await settleDelay()
        await sendMentionsForPost(id)
      })
    }
    return json(202, {accepted: true})
  }
  if (type === 'pingback') {
    const target = await mentionsClient()
      .fetch<{postId: string | null} | null>(pingbackTargetQuery, {id}, {cache: 'no-store'})
      .catch(() => null)
    revalidatePingbacks(target?.postId ?? null)
    return json(200, {revalidated: true})
  }
  return json(200, {ignored: `type ${type}`})
}
