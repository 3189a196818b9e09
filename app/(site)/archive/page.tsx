import type {Metadata} from 'next'
import Link from '@/components/site/SiteLink'
import {sanityFetch} from '@/sanity/lib/fetch'
import {archiveDatesQuery} from '@/sanity/lib/queries'
import {groupByMonth, MONTH_NAMES} from '@/lib/site/dates'
import {pageMetadata} from '@/lib/site/metadata'
import {TAGS} from '@/lib/site/tags'
import {paths} from '@/lib/site/urls'

export const metadata: Metadata = pageMetadata({title: 'Archive', description: 'Every post, month by month.', path: paths.archive()})

export default async function ArchiveIndexPage() {
  const dates = await sanityFetch<string[]>({query: archiveDatesQuery, tags: [TAGS.post]})
  const months = groupByMonth(dates)
  const years = [...new Set(months.map((m) => m.year))]
  return (
    <>
      <h1 className="mb-8 font-serif text-3xl font-bold">Archive</h1>
      {years.length === 0 ? <p>Nothing published yet.</p> : null}
      <div className="grid gap-8 sm:grid-cols-2 lg:grid-cols-3">
        {years.map((year) => (
          <section key={year} aria-labelledby={`year-${year}`}>
            <h2 id={`year-${year}`} className="font-serif text-xl font-bold">
              {year}
            </h2>
            <ul className="mt-2 space-y-1">
              {months
                .filter((m) => m.year === year)
                .map((m) => (
                  <li key={m.month}>
                    <Link href={paths.archiveMonth(m.year, m.month)} className="link">
                      {MONTH_NAMES[m.month - 1]}
                    </Link>{' '}
                    <span className="eyebrow">
                      ({m.count} {m.count === 1 ? 'post' : 'posts'})
                    </span>
                  </li>
                ))}
            </ul>
          </section>
        ))}
      </div>
    </>
  )
}
