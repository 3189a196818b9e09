import Link from '@/components/site/SiteLink'
import {NavLinks} from '@/components/site/NavLinks'
import type {NavItem} from '@/lib/site/types'
import {paths} from '@/lib/site/urls'

/**
 * Site title, search and navigation. On a phone it stays compact (#16.13): the tagline is
 * hidden, search is a link to the search page, and the navigation is one line. From `sm` up the
 * search box is a plain GET form (works without JavaScript).
 */
export function SiteHeader({title, description, categories}: {title: string; description?: string | null; categories: (NavItem & {slug: string})[]}) {
  const links = [
    {href: paths.home(), label: 'Latest'},
    ...categories.map((category) => ({href: paths.category(category.slug), label: category.title ?? category.slug})),
    {href: paths.archive(), label: 'Archive'},
  ]
  return (
    <header className="border-b border-zinc-200 dark:border-zinc-800">
      <div className="mx-auto flex max-w-5xl flex-col gap-2 px-4 pt-3 pb-2 sm:gap-4 sm:px-6 sm:pt-6 sm:pb-4">
        <div className="flex items-center justify-between gap-4 sm:items-end">
          <div className="min-w-0">
            <Link href={paths.home()} className="font-serif text-2xl font-bold tracking-tight hover:underline sm:text-3xl">
              {title}
            </Link>
            {description ? <p className="eyebrow mt-1 hidden sm:block">{description}</p> : null}
          </div>
          <Link href={paths.search()} className="link shrink-0 text-sm sm:hidden">
            Search
          </Link>
          <form action={paths.search()} method="get" role="search" aria-label="Site search" className="hidden gap-2 sm:flex">
            <label htmlFor="site-search" className="sr-only">
              Search posts
            </label>
            <input
              id="site-search"
              type="search"
              name="q"
              maxLength={100}
              placeholder="Search…"
              className="min-w-0 flex-1 rounded-md border border-zinc-400 bg-white px-3 py-1.5 text-base text-zinc-900 placeholder:text-zinc-600 sm:w-56 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-400"
            />
            <button
              type="submit"
              className="rounded-md bg-zinc-900 px-3 py-1.5 text-base font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300"
            >
              Search
            </button>
          </form>
        </div>
        <nav aria-label="Main">
          <NavLinks links={links} />
        </nav>
      </div>
    </header>
  )
}
