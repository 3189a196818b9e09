/**
 * Screenshots of the reader pages for review without running anything (docs/screenshots/): home,
 * the reference post (quotes, pingbacks, contact) and the 404 page, at 375 and 1280 px, light and
 * dark. Usage, against a running site (e.g. `npm start`):
 *
 *   npx tsx scripts/take-screenshots.ts http://localhost:3000
 */
import fs from 'node:fs'
import path from 'node:path'
import {chromium} from '@playwright/test'

const origin = (process.argv[2] ?? 'http://localhost:3000').replace(/\/+$/, '')
const outDir = path.resolve(import.meta.dirname, '..', 'docs', 'screenshots')
const PAGES = [
  {name: 'home', path: '/'},
  {name: 'post', path: '/posts/nyt-white-house-secret-meetings-venezuelan-officers-coup'},
  {name: '404', path: '/posts/no-such-post'},
]
const WIDTHS = [375, 1280]
const SCHEMES = ['light', 'dark'] as const

const executablePath = fs.existsSync(chromium.executablePath()) ? undefined : '/usr/bin/chromium'
const browser = await chromium.launch({executablePath, args: ['--no-sandbox', '--disable-gpu']})
fs.mkdirSync(outDir, {recursive: true})
try {
  for (const width of WIDTHS) {
    for (const colorScheme of SCHEMES) {
      const context = await browser.newContext({viewport: {width, height: width < 600 ? 812 : 900}, colorScheme, deviceScaleFactor: 1})
      const page = await context.newPage()
      for (const {name, path: pagePath} of PAGES) {
        await page.goto(origin + pagePath, {waitUntil: 'networkidle'})
        await page.evaluate(() => document.fonts.ready)
        const file = path.join(outDir, `${name}-${width}-${colorScheme}.png`)
        await page.screenshot({path: file, fullPage: true})
        console.log(path.relative(process.cwd(), file))
      }
      await context.close()
    }
  }
} finally {
  await browser.close()
}
