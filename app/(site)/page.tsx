import type {Metadata} from 'next'
import {Pagination} from '@/components/site/Pagination'
import {PostList} from '@/components/site/PostCard'
import {siteContext} from '@/lib/site/context'
import {latestPostsPage} from '@/lib/site/lists'
import {pageMetadata} from '@/lib/site/metadata'
import {paths} from '@/lib/site/urls'

export async function generateMetadata(): Promise<Metadata> {
  const {settings, title} = await siteContext()
  return {...pageMetadata({title, description: settings?.description, path: paths.home()}), title: {absolute: title}}
}

export default async function HomePage() {
  const {locale, pageSize} = await siteContext()
  const {posts, info} = await latestPostsPage(1, pageSize)
  return (
    <>
      <h1 className="sr-only">Latest posts</h1>
      <PostList posts={posts} locale={locale} emptyText="Nothing published yet." />
      <Pagination info={info} hrefFor={paths.page} label="Older and newer posts" />
    </>
  )
}
