import type {Metadata} from 'next'
import {notFound} from 'next/navigation'
import {cache} from 'react'
import {Pagination} from '@/components/site/Pagination'
import {PostList} from '@/components/site/PostCard'
import {sanityFetch} from '@/sanity/lib/fetch'
import {archiveMonthQuery} from '@/sanity/lib/queries'
import {siteContext} from '@/lib/site/context'
import {monthLabel, monthRange, parseArchiveMonth} from '@/lib/site/dates'
import {pageMetadata} from '@/lib/site/metadata'
import {pageInfo, pageSlice, parsePageNumber} from '@/lib/site/pagination'
import {TAGS} from '@/lib/site/tags'
import type {PostList as PostListData} from '@/lib/site/types'
import {paths} from '@/lib/site/urls'

type Props = {params: Promise<{year: string; month: string}>; searchParams: Promise<{page?: string | string[]}>}

/** An empty month is a 404: archive URLs only exist for months with posts. */
const loadMonth = cache(async (yearRaw: string, monthRaw: string, pageRaw: string | string[] | undefined) => {
  const ym = parseArchiveMonth(yearRaw, monthRaw)
  const page = parsePageNumber(pageRaw)
  if (!ym || page === null) notFound()
  const {pageSize} = await siteContext()
  const {start, end} = pageSlice(page, pageSize)
  const data = await sanityFetch<PostListData>({
    query: archiveMonthQuery,
    params: {...monthRange(ym.year, ym.month), start, end},
    tags: [TAGS.post],
  })
  const info = pageInfo(page, data.total, pageSize)
  if (data.total === 0 || page > info.totalPages) notFound()
  return {...ym, posts: data.posts, info}
})

export async function generateMetadata({params, searchParams}: Props): Promise<Metadata> {
  const {year, month} = await params
  const m = await loadMonth(year, month, (await searchParams).page)
  return pageMetadata({
    title: `${monthLabel(m.year, m.month)}${m.info.page > 1 ? `, page ${m.info.page}` : ''}`,
    description: `Posts published in ${monthLabel(m.year, m.month)}.`,
    path: paths.archiveMonth(m.year, m.month, m.info.page),
  })
}

export default async function ArchiveMonthPage({params, searchParams}: Props) {
  const {year, month} = await params
  const [m, {locale}] = await Promise.all([loadMonth(year, month, (await searchParams).page), siteContext()])
  return (
    <>
      <header className="mb-10">
        <p className="eyebrow">Archive</p>
        <h1 className="font-serif text-3xl font-bold">{monthLabel(m.year, m.month)}</h1>
      </header>
      <PostList posts={m.posts} locale={locale} emptyText="No posts this month." />
      <Pagination info={m.info} hrefFor={(n) => paths.archiveMonth(m.year, m.month, n)} />
    </>
  )
}
