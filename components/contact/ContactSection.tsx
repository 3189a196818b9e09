/**
 * The "Questions/Comments? E-mail me:" line under each post, from site settings.
 * First version by the site engineer; the contact engineer owns and extends it (e.g. a form
 * that files a `contactMessage` for `postId`).
 */
export type ContactSettings = {
  contactEmail?: string | null
  contactBlurb?: string | null
}

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/

export function ContactSection({settings}: {settings: ContactSettings | null | undefined; postId?: string}) {
  const email = settings?.contactEmail?.trim()
  if (!email || email.length > 254 || !EMAIL.test(email)) return null
  const blurb = settings?.contactBlurb?.trim() || 'Questions/Comments? E-mail me:'

  return (
    <section aria-labelledby="contact-heading" className="contact">
      <h2 id="contact-heading" className="sr-only">
        Contact
      </h2>
      <p>
        {blurb} <a href={`mailto:${email}`}>{email}</a>
      </p>
    </section>
  )
}
