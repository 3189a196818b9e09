import type {DocumentActionComponent, DocumentActionsContext} from 'sanity'
import {viewOnSiteAction} from './viewOnSite'
import {approvePingbackAction, markContactHandledAction, markPingbackPendingAction, markPingbackSpamAction} from './setStatus'

/** Actions that make no sense for a singleton (there is exactly one settings document). */
const SINGLETON_FORBIDDEN = new Set(['delete', 'duplicate', 'unpublish'])

/** Document actions per type: moderation first for pingbacks and contact messages. */
export function resolveDocumentActions(
  previous: DocumentActionComponent[],
  context: DocumentActionsContext,
): DocumentActionComponent[] {
  switch (context.schemaType) {
    case 'siteSettings':
      return previous.filter((action) => !SINGLETON_FORBIDDEN.has(action.action ?? ''))
    case 'pingback':
      return [approvePingbackAction, markPingbackSpamAction, markPingbackPendingAction, ...previous]
    case 'contactMessage':
      return [markContactHandledAction, ...previous]
    case 'post':
      return [...previous, viewOnSiteAction]
    default:
      return previous
  }
}

/** Types editors never create by hand: the singleton, and what readers or other sites send. */
export const NOT_CREATABLE_TYPES = new Set(['siteSettings', 'pingback', 'rejectedMention', 'contactMessage'])
