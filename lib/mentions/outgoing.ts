/**
 * Sending mentions when a post is published or updated (driven by the lake's signed webhook, see
 * app/api/webhooks/mentions/route.ts).
 *
 * - Links to this site's posts become `internal` pingbacks written straight into the lake (no
 *   network): approved when the target accepts pings (the source is published by construction).
 *   Internal pingbacks whose link was removed are withdrawn.
 * - External links: discover a Webmention endpoint, else a Pingback endpoint, and notify it, with
 *   retries and exponential backoff. What was sent is recorded per post + target in a private
 *   `mentionSent.<sha1(source + ' ' + target)>` document (it survives restarts; the lake is where
 *   state lives), so an unchanged post does not notify again. A changed post re-sends its
 *   webmentions (receivers update their copy); pingbacks are sent once (a repeat is fault 48).
 *   Webmentions for links removed from the post — or for a deleted post — are re-sent so the
 *   receivers drop them (they will find no link, or a 404).
 */
import crypto from 'node:crypto'
import {siteUrl} from '@/lib/env'
import {internalPingbacksFromSourceQuery, mentionsSentForPostQuery, outgoingPostQuery} from '@/sanity/lib/queries'
import {discoverEndpoint, type Endpoint} from './discovery'
import {revalidatePingbacks} from './freshness'
import {notify, sendWebmention, type NotifyResult} from './notify'
import {SafeFetchError} from './safe-fetch'
import {cleanText, EXCERPT_LENGTH} from './source-page'
import {findTargetPost, mentionId, mentionSettings, mentionsClient, weakPostReference} from './store'
import {normaliseUrl, parseHttpUrl, postSlugFromUrl, postUrl} from './urls'

/** At most this many distinct links of one post are notified (a post is not a link farm). */
export const MAX_LINKS_PER_POST = 100

export interface RetryPolicy {
  attempts: number
  /** Delay before the 2nd attempt; each further one waits 4× longer (1 s, 4 s, 16 s by default). */
  baseDelayMs: number
}

export const defaultRetryPolicy: RetryPolicy = {attempts: 4, baseDelayMs: 1_000}

interface OutgoingPost {
  _id: string
  _updatedAt: string
  title: string | null
  slug: string | null
  published: boolean
  blocks: {text: string | null; hrefs: (string | null)[] | null}[] | null
}

interface SentRecord {
  _id: string
  sourceUrl: string
  targetUrl: string
  method: 'webmention' | 'pingback' | 'none'
  state: 'sent' | 'failed' | 'no-endpoint' | 'withdrawn'
  contentHash: string | null
}

export type OutgoingReport = {
  sourceUrl: string
  internal: {targetUrl: string; id: string; action: 'created' | 'refreshed' | 'skipped'}[]
  withdrawnInternal: string[]
  external: {targetUrl: string; method: Endpoint['method'] | 'none'; state: SentRecord['state'] | 'unchanged'; detail: string}[]
}

export function sentRecordId(sourceUrl: string, targetUrl: string): string {
  return `mentionSent.${crypto.createHash('sha1').update(`${sourceUrl} ${targetUrl}`).digest('hex')}`
}

const uncached = {cache: 'no-store'} as const
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** One run per post at a time: two quick edits must not notify twice in parallel. */
const runningByPost = new Map<string, Promise<unknown>>()
function serialisePerPost<T>(postId: string, task: () => Promise<T>): Promise<T> {
  const previous = runningByPost.get(postId) ?? Promise.resolve()
  const run = previous.catch(() => {}).then(task)
  runningByPost.set(postId, run)
  void run.finally(() => {
    if (runningByPost.get(postId) === run) runningByPost.delete(postId)
  }).catch(() => {})
  return run
}

/** The post's links, resolved against its URL, http(s) only, fragment-free, de-duplicated. */
export function linksOf(post: OutgoingPost, sourceUrl: string): {url: URL; context: string}[] {
  const seen = new Map<string, {url: URL; context: string}>()
  for (const block of post.blocks ?? []) {
    for (const href of block.hrefs ?? []) {
      const url = parseHttpUrl(href, sourceUrl)
      if (!url) continue
      const key = normaliseUrl(url)
      if (key === normaliseUrl(new URL(sourceUrl)) || seen.has(key)) continue
      url.hash = ''
      seen.set(key, {url, context: cleanText(block.text ?? '', EXCERPT_LENGTH)})
      if (seen.size >= MAX_LINKS_PER_POST) return [...seen.values()]
    }
  }
  return [...seen.values()]
}

function contentHashOf(post: OutgoingPost): string {
  return crypto.createHash('sha1').update(JSON.stringify([post.title, post.blocks])).digest('hex')
}

/** Sends (or refreshes) every mention a published post owes. Safe to call repeatedly. */
export function sendMentionsForPost(postId: string, retry: RetryPolicy = defaultRetryPolicy): Promise<OutgoingReport | null> {
  return serialisePerPost(postId, () => sendMentionsNow(postId, retry))
}

async function sendMentionsNow(postId: string, retry: RetryPolicy): Promise<OutgoingReport | null> {
  const client = mentionsClient()
  const post = await client.withConfig({perspective: 'published'}).fetch<OutgoingPost | null>(outgoingPostQuery, {postId}, uncached)
  // Gone, or scheduled for later: a future post is not visible yet, receivers would find a 404.
  if (!post || !post.slug || !post.published) return null

  const sourceUrl = postUrl(post.slug)
  const links = linksOf(post, sourceUrl)
  const report: OutgoingReport = {sourceUrl, internal: [], withdrawnInternal: [], external: []}
  const settings = await mentionSettings()

  const internalTargets = new Set<string>()
  const external: URL[] = []
  for (const {url, context} of links) {
    const slug = postSlugFromUrl(url)
    if (slug === null) {
      external.push(url)
      continue
    }
    const result = await recordInternalPingback(post, sourceUrl, slug, context, settings.title)
    if (result) {
      internalTargets.add(result.targetUrl)
      report.internal.push(result)
    }
  }
  report.withdrawnInternal = await withdrawInternalPingbacks(sourceUrl, internalTargets)

  const contentHash = contentHashOf(post)
  const sent = await client.fetch<SentRecord[]>(mentionsSentForPostQuery, {postId}, uncached)
  const sentByTarget = new Map(sent.map((record) => [record.targetUrl, record]))
  const linked = new Set<string>()
  for (const target of external) {
    const targetUrl = target.href
    linked.add(targetUrl)
    const previous = sentByTarget.get(targetUrl)
    if (previous && isUpToDate(previous, contentHash)) {
      report.external.push({targetUrl, method: previous.method, state: 'unchanged', detail: 'already notified'})
      continue
    }
    report.external.push(await notifyTarget(postId, sourceUrl, targetUrl, contentHash, retry))
  }
  // Webmentions sent for links that are gone now: tell the receivers (they will find no link).
  for (const record of sent) {
    if (linked.has(record.targetUrl) || record.state !== 'sent' || record.method !== 'webmention') continue
    report.external.push(await withdrawWebmention(record, retry))
  }
  return report
}

function isUpToDate(record: SentRecord, contentHash: string): boolean {
  if (record.state === 'sent' && record.method === 'pingback') return true
  if (record.state === 'sent' || record.state === 'no-endpoint') return record.contentHash === contentHash
  return false
}

async function recordInternalPingback(
  post: OutgoingPost,
  sourceUrl: string,
  slug: string,
  context: string,
  siteTitle: string | null,
): Promise<OutgoingReport['internal'][number] | null> {
  const target = await findTargetPost(slug)
  if (!target || target._id === post._id) return null
  const targetUrl = postUrl(target.slug)
  const id = mentionId(sourceUrl, targetUrl)
  if (!target.published || !target.pingsOpen) return {targetUrl, id, action: 'skipped'}
  const now = new Date().toISOString()
  const shown = {
    sourceTitle: cleanText(post.title ?? sourceUrl, 200),
    sourceSite: siteTitle ?? new URL(siteUrl).hostname,
    excerpt: context,
  }
  const result = await mentionsClient()
    .transaction()
    .createIfNotExists({
      _id: id,
      _type: 'pingback',
      kind: 'internal',
      status: 'approved',
      sourceUrl,
      ...shown,
      target: weakPostReference(target._id),
      targetUrl,
      receivedAt: now,
      verifiedAt: now,
    })
    // An existing one keeps its moderation status; only what it shows follows the source post.
    .patch(id, {set: {...shown, verifiedAt: now}})
    .commit({visibility: 'sync'})
  revalidatePingbacks(target._id)
  const created = result.results.some((r) => r.id === id && r.operation === 'create')
  return {targetUrl, id, action: created ? 'created' : 'refreshed'}
}

async function withdrawInternalPingbacks(sourceUrl: string, keep: Set<string>): Promise<string[]> {
  const existing = await mentionsClient().fetch<{_id: string; postId: string | null; targetUrl: string}[]>(
    internalPingbacksFromSourceQuery,
    {sourceUrl},
    uncached,
  )
  const stale = existing.filter((p) => !keep.has(p.targetUrl))
  if (stale.length === 0) return []
  const transaction = mentionsClient().transaction()
  for (const p of stale) transaction.delete(p._id)
  await transaction.commit({visibility: 'sync'})
  for (const p of stale) revalidatePingbacks(p.postId)
  return stale.map((p) => p._id)
}

async function withRetries(attempt: () => Promise<NotifyResult>, retry: RetryPolicy): Promise<NotifyResult & {attempts: number}> {
  let result: NotifyResult = {outcome: 'retry', status: null, detail: 'not attempted'}
  for (let n = 1; n <= retry.attempts; n++) {
    result = await attempt()
    if (result.outcome !== 'retry') return {...result, attempts: n}
    if (n < retry.attempts) await sleep(retry.baseDelayMs * 4 ** (n - 1))
  }
  return {...result, attempts: retry.attempts}
}

async function notifyTarget(
  postId: string,
  sourceUrl: string,
  targetUrl: string,
  contentHash: string,
  retry: RetryPolicy,
): Promise<OutgoingReport['external'][number]> {
  let endpoint: Endpoint | null = null
  let noEndpoint = false
  const result = await withRetries(async (): Promise<NotifyResult> => {
    try {
      endpoint ??= await discoverEndpoint(targetUrl)
    } catch (error) {
      if (error instanceof SafeFetchError) {
        const permanent = error.kind === 'refused' || error.kind === 'invalid-url'
        return {outcome: permanent ? 'rejected' : 'retry', status: null, detail: error.message}
      }
      throw error
    }
    if (!endpoint) {
      noEndpoint = true
      return {outcome: 'rejected', status: null, detail: 'no webmention or pingback endpoint advertised'}
    }
    return notify(endpoint, sourceUrl, targetUrl)
  }, retry)
  const found = endpoint as Endpoint | null
  const state: SentRecord['state'] = result.outcome === 'sent' ? 'sent' : noEndpoint ? 'no-endpoint' : 'failed'
  await mentionsClient().createOrReplace(
    {
      _id: sentRecordId(sourceUrl, targetUrl),
      _type: 'mentionSent',
      postId,
      sourceUrl,
      targetUrl,
      method: found?.method ?? 'none',
      endpoint: found?.endpoint ?? null,
      state,
      attempts: result.attempts,
      lastAttemptAt: new Date().toISOString(),
      responseStatus: result.status,
      detail: result.detail.slice(0, 500),
      contentHash,
    },
    {visibility: 'sync'},
  )
  return {targetUrl, method: found?.method ?? 'none', state, detail: result.detail}
}

async function withdrawWebmention(record: SentRecord, retry: RetryPolicy): Promise<OutgoingReport['external'][number]> {
  const endpoint = await discoverEndpoint(record.targetUrl).catch(() => null)
  const result =
    endpoint?.method === 'webmention'
      ? await withRetries(() => sendWebmention(endpoint.endpoint, record.sourceUrl, record.targetUrl), retry)
      : {outcome: 'rejected' as const, status: null, detail: 'endpoint no longer advertised', attempts: 0}
  await mentionsClient()
    .patch(record._id)
    .set({state: 'withdrawn', lastAttemptAt: new Date().toISOString(), detail: result.detail.slice(0, 500)})
    .commit({visibility: 'sync'})
  return {targetUrl: record.targetUrl, method: 'webmention', state: 'withdrawn', detail: result.detail}
}

/**
 * A post was deleted or unpublished: drop the internal pingbacks it made and tell webmention
 * receivers (they will find a 404 and delete their copy).
 */
export function withdrawMentionsForPost(postId: string, slug: string | null, retry: RetryPolicy = defaultRetryPolicy): Promise<OutgoingReport | null> {
  return serialisePerPost(postId, async () => {
    const report: OutgoingReport = {sourceUrl: slug ? postUrl(slug) : '', internal: [], withdrawnInternal: [], external: []}
    if (slug) report.withdrawnInternal = await withdrawInternalPingbacks(report.sourceUrl, new Set())
    const sent = await mentionsClient().fetch<SentRecord[]>(mentionsSentForPostQuery, {postId}, uncached)
    for (const record of sent) {
      if (record.state !== 'sent' || record.method !== 'webmention') continue
      report.external.push(await withdrawWebmention(record, retry))
    }
    return report
  })
}
