import Link from '@/components/site/SiteLink'
import {paths} from '@/lib/site/urls'

/** The text of the 404 page: what happened and where to go instead. */
export function NotFoundMessage() {
  return (
    <div className="mx-auto max-w-[65ch] py-10 text-center">
      <p className="eyebrow">Error 404</p>
      <h1 className="mt-2 font-serif text-3xl font-bold">Page not found</h1>
      <p className="mt-4 text-zinc-700 dark:text-zinc-300">
        The page you asked for does not exist, or is not published yet.
      </p>
      <p className="mt-6 flex flex-wrap justify-center gap-4">
        <Link href={paths.home()} className="link">
          Latest posts
        </Link>
        <Link href={paths.archive()} className="link">
          Archive
        </Link>
        <Link href={paths.search()} className="link">
          Search
        </Link>
      </p>
    </div>
  )
}
