/**
 * The Contact section in a real browser against the real site and lake: submitting with and
 * without JavaScript, the message landing (privately) in the lake, inline and server-side
 * per-field errors that keep what the reader typed, Next's refusal of a cross-site action post,
 * and the message in the Studio Inbox.
 *
 * Budget: the site allows 5 submissions a minute per address and every browser here is 127.0.0.1,
 * so this file makes 4 server-side submissions (client-side validation and Next's origin check stop
 * the others before they count). Re-running it within a minute against a reused server gets 429s.
 */
import fs from 'node:fs'
import path from 'node:path'
import {expect, test, type Page} from '@playwright/test'
import {createClient, type SanityClient} from '@sanity/client'

const REFERENCE_POST_SLUG = 'nyt-white-house-secret-meetings-venezuelan-officers-coup'
const REFERENCE_POST_ID = `post-${REFERENCE_POST_SLUG}`
/** The form refuses (silently) anything sent sooner than this after it was rendered. */
const MIN_FILL_MS = 3_200

function lake(token?: string): SanityClient {
  return createClient({
    projectId: 'dispatch',
    dataset: 'production',
    apiVersion: '2025-02-19',
    apiHost: process.env.E2E_LAKE_HTTP_URL || `http://127.0.0.1:${Number(process.env.E2E_LAKE_PORT) + 1}`,
    useProjectHostname: false,
    useCdn: false,
    perspective: 'raw',
    token,
  })
}

type StoredMessage = {_id: string; name: string; email: string; subject?: string; message: string; status: string; post?: {_ref: string}}

async function messageWithSubject(subject: string): Promise<StoredMessage | null> {
  return lake(process.env.E2E_LAKE_TOKEN).fetch('*[_type == "contactMessage" && subject == $subject][0]', {subject})
}

function unique(label: string): string {
  return `${label} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
}

async function fillForm(page: Page, values: {name: string; email: string; subject: string; message: string}) {
  const form = page.getByTestId('contact-form')
  await form.getByLabel('Name').fill(values.name)
  await form.getByLabel('E-mail').fill(values.email)
  await form.getByLabel('Subject (optional)').fill(values.subject)
  await form.getByLabel('Message').fill(values.message)
}

/** Waits out the minimum fill time, counted from when the page had loaded (it was rendered before). */
async function pastMinimumFillTime(loadedAt: number) {
  const wait = loadedAt + MIN_FILL_MS - Date.now()
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
}

test.describe('with JavaScript', () => {
  test('a message sent from a post shows success in place and lands privately in the lake', async ({page}) => {
    const subject = unique('From the post')
    await page.goto(`/posts/${REFERENCE_POST_SLUG}`)
    const loadedAt = Date.now() // the form was rendered before this (with its signed render time)
    const section = page.locator('section.contact')
    await expect(section.getByRole('link', {name: 'invenezuelablog@gmail.com'})).toHaveAttribute('href', 'mailto:invenezuelablog@gmail.com')
    // Hydrated: the island's inline validation answers on blur (no server round trip).
    const email = section.getByLabel('E-mail')
    await email.fill('not-an-address')
    await email.blur()
    await expect(section.getByText('Please enter a valid e-mail address, like name@example.com.').first()).toBeVisible()

    await page.evaluate(() => ((window as unknown as {__noReload: boolean}).__noReload = true))
    await fillForm(page, {name: 'Ana Reader', email: 'ana@example.net', subject, message: 'Which officers took part in the meetings?'})
    await pastMinimumFillTime(loadedAt)
    await section.getByRole('button', {name: 'Send message'}).click()

    await expect(section.getByRole('status')).toContainText('Thank you — your message has been sent.')
    // No reload happened, and the form is ready for the next message.
    expect(await page.evaluate(() => (window as unknown as {__noReload?: boolean}).__noReload)).toBe(true)
    await expect(section.getByLabel('Message')).toHaveValue('')

    const stored = await messageWithSubject(subject)
    expect(stored).toMatchObject({name: 'Ana Reader', email: 'ana@example.net', status: 'new', post: {_ref: REFERENCE_POST_ID}})
    expect(stored?._id).toMatch(/^contact\./)
    // Private: the public API does not return it.
    expect(await lake().fetch('*[_type == "contactMessage" && subject == $subject]', {subject})).toEqual([])
  })

  test('invalid input is caught inline without sending anything', async ({page}) => {
    await page.goto('/contact')
    const form = page.getByTestId('contact-form')
    await fillForm(page, {name: '', email: 'ana@', subject: 'Kept subject', message: 'too short'})
    await form.getByRole('button', {name: 'Send message'}).click()
    const alert = form.getByRole('alert')
    await expect(alert).toContainText('Please tell us your name.')
    await expect(alert).toContainText('Please enter a valid e-mail address')
    await expect(alert).toContainText('Please write at least 10 characters.')
    await expect(form.getByLabel('Name')).toBeFocused()
    await expect(form.getByLabel('Subject (optional)')).toHaveValue('Kept subject')
    await expect(form.getByLabel('Message')).toHaveValue('too short')
    await expect(form.getByLabel('Message')).toHaveAttribute('aria-invalid', 'true')
    // Fixing a field clears its error as the reader types.
    await form.getByLabel('Message').fill('Long enough now, thank you.')
    await expect(alert).not.toContainText('Please write at least 10 characters.')
  })
})

test.describe('without JavaScript', () => {
  test.use({javaScriptEnabled: false})

  test('the form posts, the page answers with success, the message is stored', async ({page}) => {
    const subject = unique('No script')
    await page.goto('/contact')
    const loadedAt = Date.now()
    await fillForm(page, {name: 'Benito Sin Script', email: 'benito@example.net', subject, message: 'Sent from a browser without JavaScript.'})
    await pastMinimumFillTime(loadedAt)
    await Promise.all([page.waitForLoadState('load'), page.getByTestId('contact-form').getByRole('button', {name: 'Send message'}).click()])

    await expect(page.getByRole('status')).toContainText('Thank you — your message has been sent.')
    await expect.poll(() => messageWithSubject(subject)).toMatchObject({name: 'Benito Sin Script', status: 'new', message: 'Sent from a browser without JavaScript.'})
  })

  test('invalid input comes back with per-field errors and everything the reader typed', async ({page}) => {
    await page.goto('/contact')
    const loadedAt = Date.now()
    const typed = {name: 'N'.repeat(30), email: 'benito@@example', subject: 'Kept without script', message: 'Short'}
    await fillForm(page, typed)
    await pastMinimumFillTime(loadedAt)
    await page.getByTestId('contact-form').getByRole('button', {name: 'Send message'}).click()

    const form = page.getByTestId('contact-form')
    await expect(form.getByRole('alert')).toContainText('Please correct the fields marked below.')
    await expect(form.getByText('Please enter a valid e-mail address, like name@example.com.').last()).toBeVisible()
    await expect(form.getByText('Please write at least 10 characters.').last()).toBeVisible()
    await expect(form.getByLabel('Name')).toHaveValue(typed.name)
    await expect(form.getByLabel('E-mail')).toHaveValue(typed.email)
    await expect(form.getByLabel('Subject (optional)')).toHaveValue(typed.subject)
    await expect(form.getByLabel('Message')).toHaveValue(typed.message)
    await expect(form.getByLabel('E-mail')).toHaveAttribute('aria-invalid', 'true')
    expect(await messageWithSubject(typed.subject)).toBeNull()
  })

  test('a cross-site post of the form is refused by Next before anything is stored', async ({page, request}) => {
    await page.goto('/contact')
    // Everything a real browser would send, including React's hidden action fields.
    const fields = await page.getByTestId('contact-form').evaluate((form) =>
      Object.fromEntries(new FormData(form as HTMLFormElement) as unknown as Iterable<[string, string]>),
    )
    const subject = unique('Cross site')
    // Past the fill time, so that were Next to let it through, the message would be stored.
    await pastMinimumFillTime(Date.now())
    const response = await request.post('/contact', {
      headers: {origin: 'https://evil.example'},
      multipart: {...fields, name: 'Mallory', email: 'mallory@example.net', subject, message: 'Posted from another site.'},
    })
    // Next answers a forged-origin action with a bare 500 ("Invalid Server Actions request").
    expect(response.status()).toBeGreaterThanOrEqual(400)
    expect(await messageWithSubject(subject)).toBeNull()
  })
})

test('the message appears in the Studio Inbox', async ({page}) => {
  const dataDir = process.env.E2E_LAKE_DATA_DIR || ''
  const loginFile = path.join(dataDir, 'first-login.txt')
  test.skip(!fs.existsSync(loginFile), 'the lake has no first-login.txt (no Studio account to sign in with)')
  const subject = unique('For the inbox')
  await page.goto('/contact')
  const loadedAt = Date.now()
  await fillForm(page, {name: 'Inbox Reader', email: 'inbox@example.net', subject, message: 'Please read me in the Studio.'})
  await pastMinimumFillTime(loadedAt)
  await page.getByTestId('contact-form').getByRole('button', {name: 'Send message'}).click()
  await expect(page.getByRole('status')).toContainText('Thank you')

  const login = fs.readFileSync(loginFile, 'utf8')
  const email = /[\w.+-]+@[\w.-]+/.exec(login)?.[0] ?? 'editor@localhost'
  const password = /password\W+(\S+)/i.exec(login)?.[1] ?? login.trim().split(/\s+/).pop() ?? ''

  await page.goto('/studio/structure/contactMessage')
  // Signed out, the Studio offers the lake's login provider; its page is a plain form on the lake.
  const provider = page.getByRole('button', {name: /local account|sign in|log in/i}).or(page.getByRole('link', {name: /local account|sign in|log in/i})).first()
  const inbox = page.getByText(subject)
  await expect(provider.or(inbox).first()).toBeVisible({timeout: 90_000})
  if (await provider.isVisible()) {
    await provider.click()
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', {name: 'Sign in'}).click()
    await page.waitForURL(/\/studio/, {timeout: 60_000})
  }
  await expect(page.getByText(subject)).toBeVisible({timeout: 60_000})
})
