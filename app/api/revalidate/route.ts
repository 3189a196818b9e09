import {revalidateTag} from 'next/cache'
import {z} from 'zod'
import {isHosted, revalidateSecret} from '@/lib/env'
import {readSignedWebhook} from '@/lib/http/signed-webhook'
import {syncCacheTag, TAGS, tagsForChange} from '@/lib/site/tags'
import {changeTag} from '@/lib/response-cache/tag-registry.cjs'
import {scheduledPostsChanged} from '@/lib/scheduling/scheduled-posts'

/**
 * On-demand revalidation. Two signed payloads:
 *
 * 1. `{syncTags: ["s1:…", …]}` or `{all: true}` from this site's own Live Content API subscriber
 *    (lib/site/live-revalidation.ts): expires the fetches tagged with those sync tags — only the
 *    pages and feeds whose query results the change touched — or, after a `restart`, all content.
 *    This is how content edits reach the cache, on the lake and on hosted Sanity alike.
 *
 * 2. A document change, for what no commit announces: the scheduler (lib/scheduling) sends it when
 *    a scheduled post's time comes, and it expires the broad tags of lib/site/tags.ts. A webhook
 *    configured on hosted Sanity as documented below still works too, just coarser.
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

const syncTagsSchema = z.union([
  z.object({syncTags: z.array(z.string().regex(/^s1:[A-Za-z0-9_-]{1,64}$/)).min(1).max(2000), eventId: z.string().min(1).max(200).optional()}).strict(),
  z.object({all: z.literal(true)}).strict(),
])

const problem = (status: number, message: string) => Response.json({error: message}, {status})

/** `expire: 0`: the next request must not be served the stale entry (the default "max" profile
 * would serve it once more while refreshing in the background). */
function expire(tags: string[]) {
  for (const tag of tags) revalidateTag(tag, {expire: 0})
  return Response.json({revalidated: tags.length > 0, tags, now: Date.now()})
}

export async function POST(request: Request) {
  if (!revalidateSecret) return problem(503, 'Revalidation is not configured (SANITY_REVALIDATE_SECRET is not set).')

  // Signature, its age (a replay older than the tolerance is refused) and the size cap.
  // Expiring tags is idempotent, so a replay inside the window needs no further guard.
  const delivery = await readSignedWebhook(request, revalidateSecret, MAX_BODY_BYTES)
  if (!delivery.ok) return problem(delivery.status, delivery.message)

  // Live events are sent once the change is readable: no wait.
  const sync = syncTagsSchema.safeParse(delivery.body)
  if (sync.success) {
    // Content changed: a post may have been (re)scheduled, so the scheduled-post timer re-reads its
    // next moment (one cheap query; sync tags do not say which documents changed).
    void scheduledPostsChanged().catch(() => {})
    if ('all' in sync.data) return expire([TAGS.content])
    // The event's id rides along as a pseudo-tag: with several instances (REDIS_URL), each hears the
    // event, and only the first records and announces it (lib/response-cache/cache-handler.cjs).
    return expire([...sync.data.syncTags.map(syncCacheTag), ...(sync.data.eventId ? [changeTag(sync.data.eventId)] : [])])
  }

  const change = changeSchema.safeParse(delivery.body)
  if (!change.success) return problem(400, 'Body must be {syncTags: [...]}, {all: true} or {_id, _type, operation?, slug?, previousSlug?}.')
  // Hosted Sanity is eventually consistent right after a webhook; the local lake is consistent on commit.
  if (isHosted) await new Promise((resolve) => setTimeout(resolve, 3_000))
  if (change.data._type === 'post') void scheduledPostsChanged().catch(() => {})
  return expire(tagsForChange(change.data))
}
