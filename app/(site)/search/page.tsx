import type {Metadata} from 'next'
import {PostList} from '@/components/site/PostCard'
import {sanityFetch} from '@/sanity/lib/fetch'
import {searchQuery} from '@/sanity/lib/queries'
import {siteContext} from '@/lib/site/context'
import {pageMetadata} from '@/lib/site/metadata'
import {normaliseQuery, SEARCH_RESULT_LIMIT, searchTerms} from '@/lib/site/search'
import {TAGS} from '@/lib/site/tags'
import type {PostCard} from '@/lib/site/types'
import {paths} from '@/lib/site/urls'

type Props = {searchParams: Promise<{q?: string | string[]}>}

export async function generateMetadata({searchParams}: Props): Promise<Metadata> {
  const q = normaliseQuery((await searchParams).q)
  // Result pages are not worth indexing; the search page itself is.
  return pageMetadata({title: q ? `Search: ${q}` : 'Search', description: 'Search all posts.', path: paths.search(), noindex: q !== ''})
}

export default async function SearchPage({searchParams}: Props) {
  const q = normaliseQuery((await searchParams).q)
  const terms = searchTerms(q)
  const {locale} = await siteContext()
  const results =
    terms.length > 0
      ? await sanityFetch<PostCard[]>({query: searchQuery, params: {terms, limit: SEARCH_RESULT_LIMIT}, tags: [TAGS.post]})
      : []

  return (
    <>
      <h1 className="mb-6 font-serif text-3xl font-bold">Search</h1>
      <form action={paths.search()} method="get" role="search" aria-label="Search posts" className="mb-8 flex max-w-xl gap-2">
        <label htmlFor="search-page-q" className="sr-only">
          Search posts
        </label>
        <input
          id="search-page-q"
          type="search"
          name="q"
          defaultValue={q}
          maxLength={100}
          className="min-w-0 flex-1 rounded-md border border-zinc-400 bg-white px-3 py-2 text-base text-zinc-900 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100"
        />
        <button
          type="submit"
          className="rounded-md bg-zinc-900 px-4 py-2 font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300"
        >
          Search
        </button>
      </form>
      {q === '' ? (
        <p className="text-zinc-700 dark:text-zinc-300">Type a word or two to search titles, summaries and full texts.</p>
      ) : (
        <>
          <p className="eyebrow mb-6" role="status" data-testid="search-summary">
            {results.length === 0
              ? `No posts match “${q}”.`
              : `${results.length}${results.length === SEARCH_RESULT_LIMIT ? '+' : ''} ${results.length === 1 ? 'post matches' : 'posts match'} “${q}”.`}
          </p>
          <PostList posts={results} locale={locale} emptyText="Try fewer or different words." />
        </>
      )}
    </>
  )
}
