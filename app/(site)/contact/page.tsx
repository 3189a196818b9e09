import type {Metadata} from 'next'
import {connection} from 'next/server'
import {ContactSection} from '@/components/contact/ContactSection'
import {siteContext} from '@/lib/site/context'
import {pageMetadata} from '@/lib/site/metadata'

export const metadata: Metadata = pageMetadata({
  title: 'Contact',
  description: 'Questions, comments, tips: write to the editors.',
  path: '/contact',
})

/**
 * /contact: the Contact section on its own page. Rendered per request (never from a cache) so its
 * form carries a freshly signed render time — the minimum fill time then measures the reader.
 */
export default async function ContactPage() {
  await connection()
  const {settings, title} = await siteContext()
  return (
    <article className="max-w-2xl">
      <h1 className="font-serif text-3xl font-bold">Contact {title}</h1>
      <p className="mt-4 text-zinc-700 dark:text-zinc-300">
        Questions, comments, corrections or tips — the editors read every message. Your address is only used to reply.
      </p>
      <ContactSection settings={settings} permalink="/contact" />
    </article>
  )
}
