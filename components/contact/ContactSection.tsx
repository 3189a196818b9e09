/**
 * The Contact section under every post and on /contact: the editors' blurb with their address
 * ("Questions/Comments? E-mail me: …", both from site settings, editable in the Studio), then a
 * form that files a private `contactMessage` (linked to `postId` when sent from a post).
 *
 * A server component: it mints the form's signed "rendered at" token (lib/contact/form-token.ts)
 * and hands the server action to the client island.
 */
import {sendContactMessage} from '@/lib/contact/actions'
import {issueFormToken} from '@/lib/contact/form-token'
import {initialContactState} from '@/lib/contact/state'
import {ContactForm} from './ContactForm'

export type ContactSettings = {
  contactEmail?: string | null
  contactBlurb?: string | null
}

// Conservative: the address lands in a mailto: link, so anything odd is not shown at all.
const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/

function usableEmail(settings: ContactSettings | null | undefined): string | undefined {
  const email = settings?.contactEmail?.trim()
  return email && email.length <= 254 && EMAIL.test(email) ? email : undefined
}

export function ContactSection({
  settings,
  postId,
  permalink,
}: {
  settings: ContactSettings | null | undefined
  postId?: string
  /** Path of the page the section is on (see ContactForm). */
  permalink: string
}) {
  const email = usableEmail(settings)
  const blurb = settings?.contactBlurb?.trim() || 'Questions/Comments? E-mail me:'
  const headingId = postId ? `contact-heading-${postId.replace(/[^A-Za-z0-9_-]/g, '')}` : 'contact-heading'

  return (
    <section aria-labelledby={headingId} className="contact mt-12 border-t border-zinc-200 pt-8 dark:border-zinc-800">
      <h2 id={headingId} className="text-xl font-semibold">
        Contact
      </h2>
      {email && (
        <p className="mt-2">
          {blurb}{' '}
          <a className="link" href={`mailto:${email}`}>
            {email}
          </a>
        </p>
      )}
      <p className="eyebrow mt-2">Or write here; the message goes privately to the editors.</p>
      <ContactForm action={sendContactMessage} initialState={initialContactState(issueFormToken())} postId={postId} permalink={permalink} />
    </section>
  )
}
