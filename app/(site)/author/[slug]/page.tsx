import type {Metadata} from 'next'
import {PortableTextBody} from '@/components/portable-text/PortableTextBody'
import {ContentImage} from '@/components/site/ContentImage'
import {Pagination} from '@/components/site/Pagination'
import {PostList} from '@/components/site/PostCard'
import {feedAlternates} from '@/lib/feeds/links'
import {siteContext} from '@/lib/site/context'
import {pageMetadata} from '@/lib/site/metadata'
import {portableTextToPlain} from '@/lib/site/reading-time'
import {loadTopic} from '@/lib/site/topics'
import {paths, safeHref} from '@/lib/site/urls'

type Props = {params: Promise<{slug: string}>; searchParams: Promise<{page?: string | string[]}>}

export async function generateMetadata({params, searchParams}: Props): Promise<Metadata> {
  const {topic, info} = await loadTopic('author', (await params).slug, (await searchParams).page)
  const name = topic.name || topic.slug
  return pageMetadata({
    title: info.page > 1 ? `${name}, page ${info.page}` : name,
    description: portableTextToPlain(topic.bio) || `Posts by ${name}.`,
    path: paths.author(topic.slug, info.page),
    alternateTypes: feedAlternates('author', topic.slug, name),
  })
}

export default async function AuthorPage({params, searchParams}: Props) {
  const [{topic: author, info}, {locale}] = await Promise.all([
    loadTopic('author', (await params).slug, (await searchParams).page),
    siteContext(),
  ])
  const website = safeHref(author.url)
  return (
    <>
      <header className="mb-10 flex flex-col gap-6 sm:flex-row sm:items-start">
        {author.image?.asset ? (
          <div className="w-24 shrink-0">
            <ContentImage image={author.image} sizes="6rem" aspect={1} caption={false} className="h-24 w-24 rounded-full object-cover" />
          </div>
        ) : null}
        <div>
          <p className="eyebrow">Author</p>
          <h1 className="font-serif text-3xl font-bold">{author.name}</h1>
          {author.bio?.length ? (
            <div className="prose prose-zinc dark:prose-invert mt-3 max-w-[65ch]">
              <PortableTextBody value={author.bio} />
            </div>
          ) : null}
          {website ? (
            <p className="mt-2">
              <a href={website} rel="me noopener noreferrer" className="link">
                {website.replace(/^https?:\/\//, '')}
              </a>
            </p>
          ) : null}
        </div>
      </header>
      <h2 className="sr-only">Posts by {author.name}</h2>
      <PostList posts={author.posts} locale={locale} emptyText="No posts yet." />
      <Pagination info={info} hrefFor={(n) => paths.author(author.slug, n)} />
    </>
  )
}
