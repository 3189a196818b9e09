import Link from 'next/link'
import type {NavItem} from '@/lib/site/types'
import {paths} from '@/lib/site/urls'

/** Site title and navigation; the search box is a plain GET form (works without JavaScript). */
export function SiteHeader({title, description, categories}: {title: string; description?: string | null; categories: (NavItem & {slug: string})[]}) {
  return (
    <header className="border-b border-zinc-200 dark:border-zinc-800">
      <div className="mx-auto flex max-w-5xl flex-col gap-4 px-4 py-6 sm:px-6">
        <div className="flex flex-wrap items-end justify-between gap-4">
          <div>
            <Link href={paths.home()} className="font-serif text-3xl font-bold tracking-tight hover:underline">
              {title}
            </Link>
            {description ? <p className="eyebrow mt-1">{description}</p> : null}
          </div>
          <form action={paths.search()} method="get" role="search" className="flex w-full gap-2 sm:w-auto">
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
          <ul className="flex flex-wrap gap-x-5 gap-y-2 text-sm font-medium">
            <li>
              <Link href={paths.home()} className="hover:underline">
                Latest
              </Link>
            </li>
            {categories.map((category) => (
              <li key={category.slug}>
                <Link href={paths.category(category.slug)} className="hover:underline">
                  {category.title}
                </Link>
              </li>
            ))}
            <li>
              <Link href={paths.archive()} className="hover:underline">
                Archive
              </Link>
            </li>
            <li>
              <a href={paths.rss()} className="hover:underline">
                RSS feed
              </a>
            </li>
          </ul>
        </nav>
      </div>
    </header>
  )
}
