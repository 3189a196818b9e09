/**
 * The Pingback 1.0 methods (https://www.hixie.ch/specs/pingback/pingback): `pingback.ping` and
 * `pingback.extensions.getPingbacks`. Verification is synchronous, as the spec expects: the caller
 * learns whether its ping was registered.
 */
import {checkMentionRateLimits} from './rate-limit'
import {
  AlreadyRegisteredError,
  approvedSourcesForPost,
  createMention,
  getMention,
  mentionId,
  mentionSettings,
  weakPostReference,
} from './store'
import {checkSource, checkTarget} from './verify'
import {normaliseUrl, parseHttpUrl} from './urls'
import {FaultCode, XmlRpcFault, type XmlRpcValue} from './xmlrpc'

function stringParams(params: XmlRpcValue[], count: number, signature: string): string[] {
  if (params.length !== count || !params.every((p) => typeof p === 'string')) {
    throw new XmlRpcFault(FaultCode.invalidParams, `Invalid parameters: expected ${signature}`)
  }
  return params as string[]
}

async function usableTarget(rawTarget: string) {
  const target = parseHttpUrl(rawTarget)
  if (!target) throw new XmlRpcFault(FaultCode.targetCannotBeUsed, 'The target URI is not a valid http(s) URL.')
  const check = await checkTarget(target)
  if (!check.ok) {
    throw new XmlRpcFault(check.reason === 'does-not-exist' ? FaultCode.targetDoesNotExist : FaultCode.targetCannotBeUsed, check.message)
  }
  return {target, ...check}
}

/** `pingback.ping(sourceURI, targetURI)` → a success string, or throws XmlRpcFault. */
export async function pingbackPing(params: XmlRpcValue[], clientAddress: string): Promise<string> {
  const [rawSource, rawTarget] = stringParams(params, 2, 'pingback.ping(string sourceURI, string targetURI)')
  const source = parseHttpUrl(rawSource)
  if (!source) throw new XmlRpcFault(FaultCode.sourceDoesNotExist, 'The source URI is not a valid http(s) URL.')

  const {target, post, canonicalUrl} = await usableTarget(rawTarget)
  const sourceUrl = normaliseUrl(source)
  if (sourceUrl === normaliseUrl(target)) {
    throw new XmlRpcFault(FaultCode.generic, 'The source and the target are the same URI.')
  }
  // Counted only once the target is ours: a ping refused for its target uses up no allowance (#11).
  const limited = await checkMentionRateLimits(clientAddress, source.hostname)
  if (limited) {
    throw new XmlRpcFault(FaultCode.accessDenied, `Too many pingbacks; try again in ${limited.retryAfterSeconds} seconds.`)
  }
  const id = mentionId(sourceUrl, canonicalUrl)
  if (await getMention(id)) throw new XmlRpcFault(FaultCode.alreadyRegistered, 'The pingback has already been registered.')

  const checked = await checkSource(source, target)
  switch (checked.outcome) {
    case 'refused':
      throw new XmlRpcFault(FaultCode.sourceDoesNotExist, `The source URI cannot be fetched: ${checked.message}`)
    case 'gone':
      throw new XmlRpcFault(FaultCode.sourceDoesNotExist, `The source URI does not exist: ${checked.message}`)
    case 'no-link':
      throw new XmlRpcFault(FaultCode.sourceDoesNotLink, `The source URI does not contain a link to the target URI. ${checked.message}`)
    case 'upstream-error':
      throw new XmlRpcFault(FaultCode.upstreamError, `The source URI could not be fetched: ${checked.message}`)
    case 'links':
      break
  }

  const settings = await mentionSettings()
  const now = new Date().toISOString()
  try {
    await createMention({
      _id: id,
      _type: 'pingback',
      kind: 'pingback',
      status: settings.autoApprovePingbacks ? 'approved' : 'pending',
      sourceUrl,
      sourceTitle: checked.summary.title,
      sourceSite: checked.summary.siteName,
      excerpt: checked.summary.excerpt,
      target: weakPostReference(post._id),
      targetUrl: canonicalUrl,
      receivedAt: now,
      verifiedAt: now,
    })
  } catch (error) {
    if (error instanceof AlreadyRegisteredError) {
      throw new XmlRpcFault(FaultCode.alreadyRegistered, 'The pingback has already been registered.')
    }
    throw error
  }
  return `Pingback from ${sourceUrl} to ${canonicalUrl} registered. Thanks for linking!`
}

/** `pingback.extensions.getPingbacks(url)` → the approved source URIs of a post. */
export async function getPingbacks(params: XmlRpcValue[]): Promise<string[]> {
  const [rawTarget] = stringParams(params, 1, 'pingback.extensions.getPingbacks(string url)')
  const {post} = await usableTarget(rawTarget)
  return approvedSourcesForPost(post._id)
}
