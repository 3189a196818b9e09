import Link from '@/components/site/SiteLink'
import {paths} from '@/lib/site/urls'

export function SiteFooter({title}: {title: string}) {
  return (
    <footer className="mt-16 border-t border-zinc-200 dark:border-zinc-800">
      <div className="eyebrow mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-4 px-4 py-8 sm:px-6">
        <p>
          © {new Date().getUTCFullYear()} {title}
        </p>
        <ul className="flex flex-wrap gap-x-4 gap-y-2">
          <li>
            <Link href={paths.archive()} className="hover:underline">
              Archive
            </Link>
          </li>
          <li>
            <a href={paths.rss()} className="hover:underline">
              RSS
            </a>
          </li>
          <li>
            <a href={paths.atom()} className="hover:underline">
              Atom
            </a>
          </li>
          <li>
            <a href={paths.jsonFeed()} className="hover:underline">
              JSON Feed
            </a>
          </li>
        </ul>
      </div>
    </footer>
  )
}
