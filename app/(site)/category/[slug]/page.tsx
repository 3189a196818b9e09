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
  const {topic, info} = await loadTopic('category', (await params).slug, (await searchParams).page)
  const title = topic.title || topic.slug
  return pageMetadata({
    title: info.page > 1 ? `${title}, page ${info.page}` : title,
    description: topic.description || `Posts filed under ${title}.`,
    path: paths.category(topic.slug, info.page),
    alternateTypes: feedAlternates('category', topic.slug, title),
  })
}

export default async function CategoryPage({params, searchParams}: Props) {
  const [{topic, info}, {locale}] = await Promise.all([
    loadTopic('category', (await params).slug, (await searchParams).page),
    siteContext(),
  ])
  return (
    <>
      <header className="mb-10">
        <p className="eyebrow">Category</p>
        <h1 className="font-serif text-3xl font-bold">{topic.title}</h1>
        {topic.description ? <p className="mt-2 max-w-[65ch] text-zinc-700 dark:text-zinc-300">{topic.description}</p> : null}
      </header>
      <PostList posts={topic.posts} locale={locale} emptyText="No posts in this category yet." />
      <Pagination info={info} hrefFor={(n) => paths.category(topic.slug, n)} />
    </>
  )
}
