/**
 * Webmention receiving (https://www.w3.org/TR/webmention/#receiving-webmentions): validate the
 * request synchronously (400 with a clear message), answer 202 Accepted, and verify the source in
 * the background. Re-sent webmentions update the stored mention; a source that is gone (404/410)
 * or no longer links to the target deletes it.
 */
import {readBodyText} from '@/lib/http/read-body'
import {runInBackground} from './freshness'
import {clientKey} from '@/lib/http/client-address'
import {checkMentionRateLimits} from './rate-limit'
import {
  AlreadyRegisteredError,
  createMention,
  deleteMention,
  getMention,
  mentionId,
  mentionSettings,
  refreshMention,
  weakPostReference,
  type TargetPost,
} from './store'
import {normaliseUrl, parseHttpUrl} from './urls'
import {recordRejection} from './rejections'
import {checkSource, checkTarget} from './verify'

export const MAX_WEBMENTION_BODY_BYTES = 16 * 1024

const TEXT_HEADERS = {'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store'}

function answer(status: number, message: string, extra: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, {status, headers: {...TEXT_HEADERS, ...extra}})
}

export async function handleWebmention(request: Request): Promise<Response> {
  if (request.method !== 'POST') {
    return answer(405, 'Send webmentions as POST with form-encoded source and target.', {Allow: 'POST'})
  }
  const contentType = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase()
  if (contentType !== 'application/x-www-form-urlencoded') {
    return answer(415, 'Webmentions must be sent as application/x-www-form-urlencoded.')
  }
  const body = await readBodyText(request, MAX_WEBMENTION_BODY_BYTES)
  if (body === null) return answer(413, `Request too large: at most ${MAX_WEBMENTION_BODY_BYTES} bytes.`)

  const form = new URLSearchParams(body)
  if (form.getAll('source').length !== 1 || form.getAll('target').length !== 1) {
    return answer(400, 'Exactly one "source" and one "target" parameter are required.')
  }
  const source = parseHttpUrl(form.get('source'))
  if (!source) return answer(400, 'The source must be an absolute http(s) URL.')
  const target = parseHttpUrl(form.get('target'))
  if (!target) return answer(400, 'The target must be an absolute http(s) URL.')
  if (normaliseUrl(source) === normaliseUrl(target)) return answer(400, 'The source and the target must differ.')

  let check
  try {
    check = await checkTarget(target)
  } catch (error) {
    console.error('[mentions] webmention target check failed:', error)
    return answer(503, 'The site cannot accept webmentions right now; please try again later.', {'Retry-After': '60'})
  }
  if (!check.ok) return answer(400, `Unsupported target: ${check.message}`)

  // Counted only now: a mention refused for its target costs the sender nothing (#11), and only
  // acceptable mentions make us fetch anything.
  const limited = await checkMentionRateLimits(clientKey(request.headers), source.hostname)
  if (limited) {
    return answer(429, 'Too many webmentions; please try again later.', {'Retry-After': String(limited.retryAfterSeconds)})
  }

  const post = check.post
  const canonicalUrl = check.canonicalUrl
  runInBackground(`webmention ${source.href} → ${canonicalUrl}`, () => verifyWebmention(source, target, post, canonicalUrl))
  return answer(202, 'Accepted: the source will be verified shortly.')
}

/** The asynchronous half: fetch the source and create, update or delete the mention. */
export async function verifyWebmention(source: URL, target: URL, post: TargetPost, canonicalTargetUrl: string): Promise<void> {
  const sourceUrl = normaliseUrl(source)
  const id = mentionId(sourceUrl, canonicalTargetUrl)
  const checked = await checkSource(source, target)
  const existing = await getMention(id)
  const now = new Date().toISOString()

  switch (checked.outcome) {
    case 'gone':
    case 'no-link':
      // The source was deleted or edited to drop the link: so goes the mention.
      if (existing) await deleteMention(id, post._id)
      else await recordRejection({kind: 'webmention', sourceUrl, targetUrl: canonicalTargetUrl, postId: post._id, reason: checked.message})
      return
    case 'refused':
    case 'upstream-error':
      // Not the source's verdict; keep whatever we have, and tell the editors.
      console.warn(`[mentions] webmention from ${sourceUrl} not verified: ${checked.message}`)
      if (!existing) await recordRejection({kind: 'webmention', sourceUrl, targetUrl: canonicalTargetUrl, postId: post._id, reason: checked.message})
      return
    case 'links':
      break
  }

  const shown = {sourceTitle: checked.summary.title, sourceSite: checked.summary.siteName, excerpt: checked.summary.excerpt, verifiedAt: now}
  if (existing) {
    await refreshMention(id, shown, post._id)
    return
  }
  const settings = await mentionSettings()
  try {
    await createMention({
      _id: id,
      _type: 'pingback',
      kind: 'webmention',
      status: settings.autoApprovePingbacks ? 'approved' : 'pending',
      sourceUrl,
      ...shown,
      target: weakPostReference(post._id),
      targetUrl: canonicalTargetUrl,
      receivedAt: now,
    })
  } catch (error) {
    // A concurrent verification of the same mention won the race: refresh instead.
    if (error instanceof AlreadyRegisteredError) await refreshMention(id, shown, post._id)
    else throw error
  }
}
