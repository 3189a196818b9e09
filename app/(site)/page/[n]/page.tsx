import type {Metadata} from 'next'
import {notFound, permanentRedirect} from 'next/navigation'
import {Pagination} from '@/components/site/Pagination'
import {PostList} from '@/components/site/PostCard'
import {siteContext} from '@/lib/site/context'
import {latestPostsPage} from '@/lib/site/lists'
import {pageMetadata} from '@/lib/site/metadata'
import {parsePageNumber} from '@/lib/site/pagination'
import {paths} from '@/lib/site/urls'

type Props = {params: Promise<{n: string}>}

async function pageNumber(params: Props['params']): Promise<number> {
  const page = parsePageNumber((await params).n)
  if (page === null) notFound()
  return page
}

export async function generateMetadata({params}: Props): Promise<Metadata> {
  const page = await pageNumber(params)
  const {settings} = await siteContext()
  return pageMetadata({title: `Latest posts, page ${page}`, description: settings?.description, path: paths.page(page)})
}

export default async function LatestPostsPage({params}: Props) {
  const page = await pageNumber(params)
  // One canonical URL for the first page.
  if (page === 1) permanentRedirect(paths.home())
  const {locale, pageSize} = await siteContext()
  const {posts, info} = await latestPostsPage(page, pageSize)
  return (
    <>
      <h1 className="eyebrow mb-8">
        Latest posts — page {info.page} of {info.totalPages}
      </h1>
      <PostList posts={posts} locale={locale} emptyText="Nothing here." />
      <Pagination info={info} hrefFor={paths.page} label="Older and newer posts" />
    </>
  )
}
