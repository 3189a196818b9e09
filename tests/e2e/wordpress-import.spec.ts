/**
 * Moving a WordPress blog in, end to end: `npm run import:wordpress` (the real CLI, as a child
 * process) against the running e2e lake — so it writes through the lake's API with the lake's CLI
 * token — then the real site shows the posts, their pingbacks and the imported pages, old
 * WordPress addresses answer 301, and the Studio lists and opens what was imported. Finally
 * `--undo` takes it all away again.
 */
import {execFile} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {promisify} from 'node:util'
import {expect, test, type Page} from '@playwright/test'

const run = promisify(execFile)
const SITE_PORT = Number(process.env.E2E_SITE_PORT || 3100)
const DATA_DIR = process.env.E2E_LAKE_DATA_DIR || path.resolve('.lake-e2e')
const FIXTURE = path.resolve('tests/import/fixtures/blog.xml')
const STUDIO_LOAD_TIMEOUT = 300_000

test.describe.configure({mode: 'serial', timeout: 600_000})

async function importCli(...args: string[]) {
  return run(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), 'scripts/import-wordpress.ts', FIXTURE, ...args], {
    env: {...process.env, LAKE_DATA_DIR: DATA_DIR, NEXT_PUBLIC_SITE_URL: `http://localhost:${SITE_PORT}`, FORCE_COLOR: '0'},
    timeout: 120_000,
  })
}

function firstLogin(): {email: string; password: string} {
  const text = fs.readFileSync(path.join(DATA_DIR, 'first-login.txt'), 'utf8')
  return {email: /email:\s*(\S+)/.exec(text)![1], password: /password:\s*(\S+)/.exec(text)![1]}
}

/** Opens a site page; under `next dev` a first visit can be aborted by the compiler's reload, so retry. */
async function visit(page: Page, pathname: string, status = 200) {
  await expect(async () => {
    const response = await page.goto(pathname, {timeout: STUDIO_LOAD_TIMEOUT})
    expect(response?.status()).toBe(status)
  }).toPass({timeout: STUDIO_LOAD_TIMEOUT})
}

async function signIn(page: Page) {
  await page.goto('/studio', {timeout: STUDIO_LOAD_TIMEOUT})
  await page.getByRole('link', {name: 'Dispatch local account'}).click({timeout: STUDIO_LOAD_TIMEOUT})
  const {email, password} = firstLogin()
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', {name: 'Sign in'}).click()
  await expect(page).toHaveURL(/\/studio/)
  // Back in the Studio, the one-time login id is exchanged for a session: wait until the desk shows.
  await expect(page.getByRole('link', {name: /^Posts/}).or(page.getByText('Posts', {exact: true})).first()).toBeVisible({
    timeout: STUDIO_LOAD_TIMEOUT,
  })
}

test('the CLI imports a WordPress export through the running lake', async () => {
  const {stderr} = await importCli()
  expect(stderr).toContain('the running lake at http://127.0.0.1:')
  expect(stderr).toMatch(/posts\s+4 imported\s+1 skipped\s+0 failed/)
  expect(stderr).toMatch(/pingbacks\s+1 imported/)
  expect(stderr).toMatch(/trackbacks\s+1 imported/)
})

test('imported posts, their pingbacks and pages show on the site', async ({page}) => {
  await visit(page, '/posts/hello-caracas')
  await expect(page.getByRole('heading', {level: 1, name: 'Hello Caracas'})).toBeVisible()
  await expect(page.locator('blockquote').filter({hasText: 'Inflation is the one form of taxation'})).toBeVisible()
  await expect(page.locator('blockquote').filter({hasText: '— Milton Friedman'})).toBeVisible()
  await expect(page.getByRole('link', {name: 'link to the about page'})).toHaveAttribute('href', '/about')
  await expect(page.locator('pre code').filter({hasText: 'echo "a < b" && ls'})).toBeVisible()
  // WordPress's table is a real table with its header row; its <hr> a separator.
  await expect(page.getByRole('columnheader', {name: 'Year'})).toBeVisible()
  await expect(page.getByRole('row', {name: '2008 31%'})).toBeVisible()
  await expect(page.locator('hr.separator').first()).toBeAttached()
  // The approved pingback and trackback are in the Pingback section; the spam one is not.
  // The Pingback section links each source by its title and names its site beside it.
  await expect(page.getByRole('link', {name: 'On Caracas'})).toHaveAttribute('href', 'https://another.example.net/2009/03/on-caracas/')
  await expect(page.getByText('Another Blog').first()).toBeVisible()
  await expect(page.getByText('Trackback Site').first()).toBeVisible()
  await expect(page.getByText('Spammy')).toHaveCount(0)

  await visit(page, '/posts/blocks')
  await expect(page.getByRole('heading', {level: 3, name: 'A heading'})).toBeVisible()
  await expect(page.getByText('Callout text from a plugin')).toBeVisible()

  await visit(page, '/about/team')
  await expect(page.getByRole('heading', {level: 1, name: 'Team'})).toBeVisible()
  await expect(page.getByText('The team.')).toBeVisible()
})

test('old WordPress addresses answer 301 with the new ones', async ({request}) => {
  const cases: [string, string][] = [
    ['/2009/03/hello-caracas', '/posts/hello-caracas'],
    ['/?p=101', '/posts/hello-caracas'],
    ['/2009/03/hello-old', '/posts/hello-caracas'],
    ['/category/news/world', '/category/world'],
    ['/feed', '/feed.xml'],
    ['/?page_id=2', '/about'],
  ]
  for (const [from, to] of cases) {
    await expect(async () => {
      const response = await request.get(from, {maxRedirects: 0, timeout: STUDIO_LOAD_TIMEOUT})
      expect(response.status(), from).toBe(301)
      expect(new URL(response.headers().location, 'http://x').pathname, from).toBe(to)
    }).toPass({timeout: STUDIO_LOAD_TIMEOUT})
  }
  // WordPress permalinks end in "/": Next first drops the slash (308), then the proxy answers 301.
  const followed = await request.get('/2009/03/hello-caracas/', {timeout: STUDIO_LOAD_TIMEOUT})
  expect(followed.status()).toBe(200)
  expect(new URL(followed.url()).pathname).toBe('/posts/hello-caracas')
  // Ordinary pages are untouched.
  expect((await request.get('/', {maxRedirects: 0, timeout: STUDIO_LOAD_TIMEOUT})).status()).toBe(200)
})

test('the Studio lists and opens the imported post, page and pingback', async ({page}) => {
  await signIn(page)
  await page.goto('/studio/intent/edit/id=wp-b864cdb4-post-101;type=post/', {timeout: STUDIO_LOAD_TIMEOUT})
  await expect(page.getByTestId('field-title').locator('input')).toHaveValue('Hello Caracas', {timeout: STUDIO_LOAD_TIMEOUT})
  await expect(page.getByText('Inflation is the one form of taxation').first()).toBeVisible()
  // The imported table and separator are body blocks in the Studio's editor, with their previews.
  // (The body's insert menu also lists "Separator", hidden: look at visible text only.)
  const visibleText = (text: string) => page.locator(`text="${text}" >> visible=true`).first()
  await expect(visibleText('Table, 2 rows')).toBeVisible()
  await expect(visibleText('Year | Rate')).toBeVisible()
  await expect(visibleText('Separator')).toBeVisible()
  await page.goto('/studio/intent/edit/id=wp-b864cdb4-page-3;type=page/', {timeout: STUDIO_LOAD_TIMEOUT})
  await expect(page.getByTestId('field-title').locator('input')).toHaveValue('Team', {timeout: STUDIO_LOAD_TIMEOUT})
  await expect(page.getByTestId('field-path').locator('input')).toHaveValue('/about/team')
  await page.goto('/studio', {timeout: STUDIO_LOAD_TIMEOUT})
  await page.getByRole('link', {name: 'All pingbacks'}).click()
  await expect(page.getByText('On Caracas | Another Blog').first()).toBeVisible({timeout: 60_000})
})

test('--undo removes the import again', async ({page}) => {
  const {stderr} = await importCli('--undo')
  expect(stderr).toMatch(/Undid every import of https:\/\/blog\.example\.com in .*: \d+ documents deleted/)
  await visit(page, '/posts/hello-caracas', 404)
})
