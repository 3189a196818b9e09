/**
 * The notification e-mail an editor gets for each contact message, over SMTP with nodemailer.
 *
 * Configured through lib/env.ts (`SMTP_URL`, or `SMTP_HOST` + port/user/pass/secure). The mail goes
 * to `CONTACT_MAIL_TO` or else the contact address in site settings, with `Reply-To` set to the
 * reader so "Reply" in the editor's mail program answers them directly. Header values come from
 * validated single-line fields and nodemailer encodes them, so a reader cannot inject headers.
 */
import nodemailer, {type Transporter} from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer'
import {contactMailFrom, contactMailTo, siteUrl, smtpSettings} from '@/lib/env'
import {absoluteUrl, paths} from '@/lib/site/urls'

export function mailConfigured(): boolean {
  return Boolean(smtpSettings.url || smtpSettings.host)
}

const TIMEOUTS = {connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000}

let transport: Transporter | undefined

/** One transport per process (nodemailer opens a connection per message without pooling). */
function getTransport(): Transporter {
  if (transport) return transport
  if (smtpSettings.url) {
    const url = new URL(smtpSettings.url)
    for (const [key, value] of Object.entries(TIMEOUTS)) {
      if (!url.searchParams.has(key)) url.searchParams.set(key, String(value))
    }
    transport = nodemailer.createTransport(url.toString())
  } else {
    transport = nodemailer.createTransport({
      host: smtpSettings.host,
      port: smtpSettings.port,
      secure: smtpSettings.secure,
      auth: smtpSettings.user ? {user: smtpSettings.user, pass: smtpSettings.pass} : undefined,
      ...TIMEOUTS,
    })
  }
  return transport
}

/** The sender: configured, else the SMTP login when it is an address, else a local placeholder. */
function senderAddress(): string {
  if (contactMailFrom) return contactMailFrom
  const user = smtpSettings.user || (smtpSettings.url ? decodeURIComponent(new URL(smtpSettings.url).username) : '')
  if (user.includes('@')) return user
  return `dispatch@${new URL(siteUrl).hostname}`
}

export interface NotificationInput {
  id: string
  name: string
  email: string
  subject?: string | null
  message: string
  receivedAt: string
  post?: {title?: string | null; slug?: string | null} | null
}

export function recipientAddress(settingsEmail: string | null | undefined): string | undefined {
  return contactMailTo || settingsEmail?.trim() || undefined
}

export function composeNotification(input: NotificationInput, options: {to: string; siteTitle: string}): Mail.Options {
  const subject = input.subject?.trim() || `Message from ${input.name}`
  const origin = input.post?.slug
    ? `the post “${input.post.title ?? input.post.slug}” — ${absoluteUrl(paths.post(input.post.slug))}`
    : `the contact page — ${absoluteUrl('/contact')}`
  const text = [
    input.message,
    '',
    '—',
    `From: ${input.name} <${input.email}>`,
    `Sent from: ${origin}`,
    `Received: ${input.receivedAt}`,
    `In the Studio Inbox: ${absoluteUrl('/studio')} (message ${input.id})`,
    '',
    'Reply to this e-mail to answer the sender.',
  ].join('\n')
  return {
    from: {name: `${options.siteTitle} contact form`, address: senderAddress()},
    to: options.to,
    replyTo: {name: input.name, address: input.email},
    subject: `[${options.siteTitle} contact] ${subject}`,
    text,
    headers: {'X-Dispatch-Contact-Id': input.id},
  }
}

/** Sends one notification; throws with the SMTP error when it was not accepted. */
export async function sendNotification(mail: Mail.Options): Promise<void> {
  const info = await getTransport().sendMail(mail)
  const rejected: (string | {address: string})[] = info.rejected ?? []
  if (rejected.length > 0) {
    const addresses = rejected.map((entry) => (typeof entry === 'string' ? entry : entry.address))
    throw new Error(`The mail server refused ${addresses.join(', ')}`)
  }
}
