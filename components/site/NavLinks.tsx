'use client'

import Link from '@/components/site/SiteLink'
import {usePathname} from 'next/navigation'

export type NavLink = {href: string; label: string}

/** Whether a navigation entry is the section the reader is in (home also owns /page/<n>). */
export function isCurrentSection(href: string, pathname: string): boolean {
  if (href === '/') return pathname === '/' || pathname.startsWith('/page/')
  return pathname === href || pathname.startsWith(`${href}/`)
}

/**
 * The main navigation's links on one line (scrolling sideways on a phone rather than wrapping),
 * the current section marked with aria-current. A client component only to read the pathname:
 * the layout around it is shared by every page and does not know which one it wraps.
 */
export function NavLinks({links}: {links: NavLink[]}) {
  const pathname = usePathname() ?? '/'
  return (
    <ul className="-mx-4 flex gap-x-5 overflow-x-auto px-4 text-sm font-medium whitespace-nowrap [scrollbar-width:thin] sm:mx-0 sm:flex-wrap sm:gap-y-2 sm:overflow-visible sm:px-0 sm:whitespace-normal">
      {links.map((link) => {
        const current = isCurrentSection(link.href, pathname)
        return (
          <li key={link.href} className="py-1">
            <Link
              href={link.href}
              aria-current={current ? 'page' : undefined}
              className={
                current
                  ? 'text-[color:var(--color-accent)] underline decoration-2 underline-offset-4 dark:text-[color:var(--color-accent-dark)]'
                  : 'hover:underline hover:underline-offset-4'
              }
            >
              {link.label}
            </Link>
          </li>
        )
      })}
    </ul>
  )
}
