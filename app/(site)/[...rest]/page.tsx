import type {Metadata} from 'next'
import {notFound} from 'next/navigation'
import {PortableTextBody} from '@/components/portable-text/PortableTextBody'
import {pageMetadata} from '@/lib/site/metadata'
import {getPage} from '@/lib/site/pages'
import {portableTextToPlain} from '@/lib/site/reading-time'

/**
 * Any URL no other route claims ends here: a standalone page (`page` documents, e.g. WordPress
 * pages imported with their old path such as /about/team) when one lives at this path, else the
 * 404 page inside the reader layout (header, navigation, footer) instead of the framework's bare
 * default. Old addresses that moved are answered earlier, by proxy.ts (301).
 */
type Props = {params: Promise<{rest: string[]}>}

export async function generateMetadata({params}: Props): Promise<Metadata> {
  const page = await getPage((await params).rest)
  if (!page) return {title: 'Not found', robots: {index: false}}
  // Without a search description the page's own opening text describes it (Lighthouse SEO: every page has one).
  const description = page.seoDescription || portableTextToPlain(page.body as unknown[] | null) || undefined
  return pageMetadata({title: page.title || 'Untitled', description, path: page.path ?? '/'})
}

export default async function StandalonePage({params}: Props) {
  const page = await getPage((await params).rest)
  if (!page) notFound()
  return (
    <article className="mx-auto max-w-[65ch]">
      <h1 className="font-serif text-3xl leading-tight font-bold text-balance sm:text-4xl">{page.title}</h1>
      <div className="prose prose-zinc prose-lg dark:prose-invert prose-a:text-[color:var(--color-accent)] dark:prose-a:text-[color:var(--color-accent-dark)] prose-blockquote:font-normal prose-blockquote:not-italic mt-8 max-w-none">
        <PortableTextBody value={page.body} />
      </div>
    </article>
  )
}
