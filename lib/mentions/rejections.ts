/**
 * Rejected mentions, for editors (#16.6). A Webmention is answered 202 before its source is
 * fetched, so a refusal found afterwards (a loopback or private address, no link to the post, a
 * source that is gone) used to vanish without a trace. Each refusal is now kept as a private
 * `rejectedMention` document the Studio lists under Pingbacks, with the reason; refusals older
 * than REJECTION_RETENTION_DAYS are deleted whenever a new one is recorded, so the list cannot grow
 * without bound (and a flood of refusals rewrites one document per source and target).
 */
import crypto from 'node:crypto'
import {REJECTION_RETENTION_DAYS} from './retention'
import {mentionsClient, weakPostReference} from './store'
const PURGE_BATCH = 200

export interface Rejection {
  kind: 'pingback' | 'webmention'
  sourceUrl: string
  targetUrl: string
  postId: string | null
  reason: string
}

export function rejectionId(sourceUrl: string, targetUrl: string): string {
  return `rejected-mention.${crypto.createHash('sha1').update(`${sourceUrl} ${targetUrl}`).digest('hex')}`
}

/** Records (or refreshes) a refusal, then purges old ones. Never throws: it is bookkeeping. */
export async function recordRejection(rejection: Rejection, now = new Date()): Promise<void> {
  const client = mentionsClient()
  const id = rejectionId(rejection.sourceUrl, rejection.targetUrl)
  try {
    await client
      .transaction()
      .createIfNotExists({_id: id, _type: 'rejectedMention', attempts: 0})
      .patch(id, (patch) =>
        patch
          .set({
            kind: rejection.kind,
            sourceUrl: rejection.sourceUrl,
            targetUrl: rejection.targetUrl,
            reason: rejection.reason.slice(0, 500),
            rejectedAt: now.toISOString(),
            ...(rejection.postId ? {target: weakPostReference(rejection.postId)} : {}),
          })
          .inc({attempts: 1}),
      )
      .commit({visibility: 'async'})
    await purgeRejections(now)
  } catch (error) {
    console.error('[mentions] could not record a rejected mention:', error instanceof Error ? error.message : error)
  }
}

/** Deletes refusals older than the retention period; returns how many. */
export async function purgeRejections(now = new Date()): Promise<number> {
  const client = mentionsClient()
  const cutoff = new Date(now.getTime() - REJECTION_RETENTION_DAYS * 86_400_000).toISOString()
  const ids = await client.fetch<string[]>(
    `*[_type == "rejectedMention" && dateTime(rejectedAt) < dateTime($cutoff)][0...${PURGE_BATCH}]._id`,
    {cutoff},
    {cache: 'no-store'},
  )
  if (ids.length === 0) return 0
  const transaction = client.transaction()
  for (const id of ids) transaction.delete(id)
  await transaction.commit({visibility: 'async'})
  return ids.length
}
