import localFont from 'next/font/local'

/**
 * (Named `inter`/`sourceSerif`: next/font names the family after the export, and a family called
 * "serif" would be mistaken for the generic keyword.)
 *
 * Self-hosted typefaces (#16.14): Inter for text and interface, Source Serif 4 for headlines.
 * Variable fonts from the @fontsource-variable packages, Latin subset only (covers the site's
 * English and Spanish names); next/font serves them from the site, preloads them and sizes a
 * local fallback to match, so nothing is fetched from elsewhere and the layout does not jump.
 */
export const inter = localFont({
  src: '../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2',
  weight: '100 900',
  style: 'normal',
  display: 'swap',
  variable: '--font-inter',
  fallback: ['ui-sans-serif', 'system-ui', 'Arial'],
})

export const sourceSerif = localFont({
  src: '../node_modules/@fontsource-variable/source-serif-4/files/source-serif-4-latin-wght-normal.woff2',
  weight: '200 900',
  style: 'normal',
  display: 'swap',
  variable: '--font-source-serif',
  fallback: ['ui-serif', 'Georgia', 'Times New Roman'],
})
