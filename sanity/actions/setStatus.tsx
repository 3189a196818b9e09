import {CheckmarkIcon, ClockIcon, CloseIcon, EnvelopeIcon} from '@sanity/icons'
import {useState, type ComponentType} from 'react'
import {useClient, useDocumentOperation, type DocumentActionComponent, type DocumentActionProps} from 'sanity'
import {notifyPingbackModerated} from '@/lib/mentions/studio-notify'

interface StatusActionOptions {
  /** The status this action sets; the action hides itself when the document already has it. */
  status: string
  label: string
  icon: ComponentType
  tone: 'positive' | 'critical' | 'primary'
}

/**
 * A one-click moderation action that patches `status`. Pingbacks and contact messages are
 * live-edit types, so the patch lands on the published document at once (no publish step).
 */
function statusAction({status, label, icon, tone}: StatusActionOptions): DocumentActionComponent {
  const Action: DocumentActionComponent = (props: DocumentActionProps) => {
    const {patch} = useDocumentOperation(props.id, props.type)
    const [busy, setBusy] = useState(false)
    const client = useClient({apiVersion: '2025-02-19'})
    const current = (props.draft ?? props.published)?.status
    if (!props.published && !props.draft) return null
    if (current === status) return null
    return {
      label: busy ? `${label}…` : label,
      icon,
      tone,
      disabled: busy || Boolean(patch.disabled),
      onHandle: () => {
        setBusy(true)
        patch.execute([{set: {status}}])
        // The local lake's mentions webhook (and a hosted one configured as lib/mentions/webhook.ts
        // says) refreshes the post's Pingbacks section; this direct call covers a hosted project
        // whose webhook does not include pingbacks.
        if (props.type === 'pingback') void notifyPingbackModerated(client, props.id, status)
        props.onComplete()
      },
    }
  }
  Action.displayName = `SetStatus_${status}`
  return Action
}

export const approvePingbackAction = statusAction({
  status: 'approved',
  label: 'Approve',
  icon: CheckmarkIcon,
  tone: 'positive',
})

export const markPingbackSpamAction = statusAction({
  status: 'spam',
  label: 'Mark as spam',
  icon: CloseIcon,
  tone: 'critical',
})

/** Takes an approved (or spam) mention off the post again, back into the moderation queue. */
export const markPingbackPendingAction = statusAction({
  status: 'pending',
  label: 'Back to moderation',
  icon: ClockIcon,
  tone: 'primary',
})

export const markContactHandledAction = statusAction({
  status: 'handled',
  label: 'Mark handled',
  icon: EnvelopeIcon,
  tone: 'primary',
})
