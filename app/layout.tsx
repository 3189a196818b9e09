import type {Metadata, Viewport} from 'next'
import type {ReactNode} from 'react'
import './globals.css'
import {inter, sourceSerif} from './fonts'
import {siteUrl} from '@/lib/env'
import {DEFAULT_SETTINGS, getSettings, siteLanguage} from '@/lib/site/settings'
import {paths} from '@/lib/site/urls'

/**
 * The root layout is shared by the reader site and the embedded Studio, so it holds only what
 * both need: `<html lang>` from settings, global CSS and site-wide metadata. The reader chrome
 * (header, footer, draft banner) lives in app/(site)/layout.tsx.
 */
export async function generateMetadata(): Promise<Metadata> {
  const settings = await getSettings()
  const title = settings?.title || DEFAULT_SETTINGS.title
  const description = settings?.description || DEFAULT_SETTINGS.description
  return {
    metadataBase: new URL(siteUrl),
    title: {default: title, template: `%s · ${title}`},
    description,
    applicationName: title,
    openGraph: {type: 'website', siteName: title, title, description, url: '/'},
    twitter: {card: 'summary_large_image', title, description},
  }
}

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    {media: '(prefers-color-scheme: light)', color: '#ffffff'},
    {media: '(prefers-color-scheme: dark)', color: '#09090b'},
  ],
}

export default async function RootLayout({children}: {children: ReactNode}) {
  const settings = await getSettings()
  const title = settings?.title || DEFAULT_SETTINGS.title
  return (
    <html lang={siteLanguage(settings)} className={`${inter.variable} ${sourceSerif.variable}`}>
      <head>
        {/* Feed autodiscovery for the whole site (topic pages add their own feeds). */}
        <link rel="alternate" type="application/rss+xml" title={`${title} (RSS)`} href={paths.rss()} />
        <link rel="alternate" type="application/atom+xml" title={`${title} (Atom)`} href={paths.atom()} />
        <link rel="alternate" type="application/feed+json" title={`${title} (JSON Feed)`} href={paths.jsonFeed()} />
      </head>
      <body className="min-h-screen font-sans antialiased">{children}</body>
    </html>
  )
}
