import type {Metadata} from 'next'
import {Pagination} from '@/components/site/Pagination'
import {PostList} from '@/components/site/PostCard'
import {feedAlternates} from '@/lib/feeds/links'
import {siteContext} from '@/lib/site/context'
import {pageMetadata} from '@/lib/site/metadata'
import {loadTopic} from '@/lib/site/topics'
import {paths} from '@/lib/site/urls'

type Props = {params: Promise<{slug: string}>; searchParams: Promise<{page?: string | string[]}>}

export async function generateMetadata({params, searchParams}: Props): Promise<Metadata> {
  const {topic, info} = await loadTopic('tag', (await params).slug, (await searchParams).page)
  const title = topic.title || topic.slug
  return pageMetadata({
    title: info.page > 1 ? `#${title}, page ${info.page}` : `#${title}`,
    description: `Posts tagged ${title}.`,
    path: paths.tag(topic.slug, info.page),
    alternateTypes: feedAlternates('tag', topic.slug, `#${title}`),
  })
}

export default async function TagPage({params, searchParams}: Props) {
  const [{topic, info}, {locale}] = await Promise.all([
    loadTopic('tag', (await params).slug, (await searchParams).page),
    siteContext(),
  ])
  return (
    <>
      <header className="mb-10">
        <p className="eyebrow">Tag</p>
        <h1 className="font-serif text-3xl font-bold">#{topic.title}</h1>
      </header>
      <PostList posts={topic.posts} locale={locale} emptyText="No posts with this tag yet." />
      <Pagination info={info} hrefFor={(n) => paths.tag(topic.slug, n)} />
    </>
  )
}
