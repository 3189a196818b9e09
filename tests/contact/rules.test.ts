/**
 * The contact form's rules on their own: validation and limits, the signed fill-time token, the
 * rate limiter, client addresses and the same-origin check.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {CONTACT_FIELDS, checkAll, checkField} from '@/lib/contact/rules'
import {clientKey, rateLimitKey} from '@/lib/http/client-address'
import {LIMITS, validateContact, validateField, type ContactValues} from '@/lib/contact/fields'
import {checkFormToken, issueFormToken} from '@/lib/contact/form-token'
import {checkSameOrigin} from '@/lib/contact/origin'
import {createRateLimiter} from '@/lib/cluster/rate-limit'
import {SUBMISSIONS_PER_MINUTE} from '@/lib/contact/rate-limit'
import {isDeliveryDue, retryDelayMs, MAX_DELIVERY_ATTEMPTS} from '@/lib/contact/delivery'

const good: ContactValues = {name: 'Ana', email: 'ana@example.net', subject: '', message: 'A message of some length.'}

describe('validation', () => {
  it('accepts a normal message and normalises whitespace', () => {
    const result = validateContact({...good, name: '  Ana \n Reader ', message: ' Line one\r\nLine two\u0000 '})
    expect(result).toEqual({ok: true, data: {...good, name: 'Ana Reader', message: 'Line one\nLine two'}})
  })

  it('gives one clear message per wrong field', () => {
    const result = validateContact({name: '', email: 'not-an-address', subject: 's'.repeat(151), message: 'short'})
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toEqual({
      name: 'Please tell us your name.',
      email: 'Please enter a valid e-mail address, like name@example.com.',
      subject: 'The subject can be at most 150 characters.',
      message: 'Please write at least 10 characters.',
    })
  })

  it('enforces every length limit at its edge', () => {
    const at = {
      name: 'n'.repeat(LIMITS.name.max),
      email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(254 - 64 - 1 - 63 - 1 - 63 - 1)}`,
      subject: 's'.repeat(LIMITS.subject.max),
      message: 'm'.repeat(LIMITS.message.max),
    }
    expect(at.email).toHaveLength(254)
    expect(validateContact(at).ok).toBe(true)
    expect(validateField('name', 'n'.repeat(101))).toBe('Your name can be at most 100 characters.')
    expect(validateField('email', `${'a'.repeat(250)}@x.io`)).toBe('The e-mail address can be at most 254 characters.')
    expect(validateField('subject', 's'.repeat(151))).toBe('The subject can be at most 150 characters.')
    expect(validateField('message', 'm'.repeat(5001))).toBe('The message can be at most 5000 characters.')
    expect(validateField('message', 'm'.repeat(9))).toBe('Please write at least 10 characters.')
  })

  it('keeps header-breaking characters out of single-line fields', () => {
    const result = validateContact({...good, subject: 'Hi\r\nBcc: victim@example.com'})
    expect(result.ok && result.data.subject).toBe('Hi Bcc: victim@example.com')
    expect(validateField('email', 'ana@example.net\r\nBcc: x@y.z')).toBeDefined()
  })
})

describe('the browser island\'s rules (lib/contact/rules.ts) and the server\'s schema agree', () => {
  // Edge cases of every rule, plus random strings built from the characters the rules care about.
  const edges = [
    '', ' ', '\n', '\u0000', 'a', ' a ', 'a\r\nb', 'x'.repeat(9), ' '.repeat(12) + 'x', 'm'.repeat(10), 'm'.repeat(99), 'm'.repeat(100),
    'm'.repeat(101), 'm'.repeat(150), 'm'.repeat(151), 'm'.repeat(254), 'm'.repeat(255), 'm'.repeat(5000), 'm'.repeat(5001), '😀'.repeat(9), '😀'.repeat(10), '😀'.repeat(100), '😀'.repeat(101), '\ud800'.repeat(12),
    'a@b.co', 'a@b.c', 'a.b@c.de', '.a@b.cd', 'a..b@c.de', 'a.@b.cd', "o'neil@example.com", 'a+tag@sub.example.org', 'a@-b.co',
    'a@b-.co', 'a@b..co', 'ana@example.net\r\nBcc: x@y.z', ' ana@example.net ', 'ana@exam ple.net', 'ana@@example.net', 'ana@',
    '@example.net', 'ana@example.123', 'ána@example.net', 'ana@exámple.net', `${'a'.repeat(250)}@x.io`, `${'a'.repeat(240)}@example.net`,
    'Line one\r\nLine two\u0000 ', '\t\tTabbed message text\t', '\u0085\u009f short \u007f',
  ]
  let seed = 16
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const alphabet = ['a', 'Z', '0', '.', '@', '-', '_', "'", '+', ' ', '\n', '\r', '\t', '\u0000', '\u0085', 'é', '😀', ',']
  const randoms = Array.from({length: 400}, () =>
    Array.from({length: Math.floor(random() * 24)}, () => alphabet[Math.floor(random() * alphabet.length)]).join(''),
  )

  it('gives the same verdict and message for every field on the same input', () => {
    for (const field of CONTACT_FIELDS) {
      for (const value of [...edges, ...randoms]) {
        expect({field, value, message: checkField(field, value)}).toEqual({field, value, message: validateField(field, value)})
      }
    }
    const valid = randoms.filter((value) => checkField('email', value) === undefined)
    expect(valid.length + edges.filter((value) => checkField('email', value) === undefined).length).toBeGreaterThan(3)
  })

  it('reports the same errors for whole submissions', () => {
    for (let i = 0; i + 3 < edges.length; i++) {
      const values = {name: edges[i], email: edges[i + 1], subject: edges[i + 2], message: edges[i + 3]}
      const server = validateContact(values)
      expect(checkAll(values)).toEqual(server.ok ? {} : server.errors)
    }
  })

  it('keeps zod (and anything else the server uses) out of the browser island', () => {
    // Follows the island's imports through the project's own modules: none may reach a package
    // other than React and Next, so the post and /contact pages ship no validation library.
    const root = path.resolve(import.meta.dirname, '../..')
    const seen = new Set<string>()
    const packages = new Set<string>()
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      const source = fs.readFileSync(file, 'utf8')
      for (const match of source.matchAll(/^\s*import\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        if (match[1]) continue // type-only: erased from the bundle
        const specifier = match[2]
        if (specifier.startsWith('@/') || specifier.startsWith('.')) {
          const base = specifier.startsWith('@/') ? path.join(root, specifier.slice(2)) : path.resolve(path.dirname(file), specifier)
          const resolved = ['.ts', '.tsx', '/index.ts'].map((ext) => base + ext).find((candidate) => fs.existsSync(candidate))
          if (!resolved) throw new Error(`cannot resolve ${specifier} from ${file}`)
          visit(resolved)
        } else packages.add(specifier)
      }
    }
    visit(path.join(root, 'components/contact/ContactForm.tsx'))
    expect([...packages].filter((name) => name !== 'react' && !name.startsWith('next/'))).toEqual([])
    expect(seen.has(path.join(root, 'lib/contact/rules.ts'))).toBe(true)
  })
})

describe('fill-time token', () => {
  it('drops forms sent within three seconds, accepts later ones', () => {
    const rendered = new Date('2026-01-01T00:00:00Z')
    const token = issueFormToken(rendered)
    expect(checkFormToken(token, new Date(rendered.getTime() + 1_000))).toBe('too-fast')
    expect(checkFormToken(token, new Date(rendered.getTime() + 2_999))).toBe('too-fast')
    expect(checkFormToken(token, new Date(rendered.getTime() + 3_000))).toBe('ok')
    expect(checkFormToken(token, new Date(rendered.getTime() + 86_400_000))).toBe('ok')
  })

  it('refuses forged, backdated and missing tokens', () => {
    const token = issueFormToken(new Date('2026-01-01T00:00:00Z'))
    const [time, signature] = token.split('.')
    expect(checkFormToken(`${Number(time) - 60_000}.${signature}`)).toBe('invalid')
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`
    expect(checkFormToken(`${time}.${flipped}`)).toBe('invalid')
    expect(checkFormToken(undefined)).toBe('invalid')
    expect(checkFormToken('')).toBe('invalid')
    expect(checkFormToken('x'.repeat(1000))).toBe('invalid')
    // From the future (beyond clock skew): forged or a broken clock.
    expect(checkFormToken(issueFormToken(new Date(Date.now() + 3_600_000)))).toBe('invalid')
  })
})

describe('rate limiter (in memory, without REDIS_URL)', () => {
  it('allows five a minute per key and refuses the sixth with a retry time', async () => {
    const limiter = createRateLimiter({name: 'test', points: SUBMISSIONS_PER_MINUTE, durationSeconds: 60, redis: null})
    for (let i = 0; i < 5; i++) expect((await limiter.hit('a')).allowed).toBe(true)
    const sixth = await limiter.hit('a')
    expect(sixth.allowed).toBe(false)
    expect(sixth.retryAfterSeconds).toBeGreaterThan(55)
    expect(sixth.retryAfterSeconds).toBeLessThanOrEqual(60)
    expect((await limiter.hit('b')).allowed).toBe(true)
  })

  it('lets the key through again once its window has passed', async () => {
    const limiter = createRateLimiter({name: 'test', points: 1, durationSeconds: 1, redis: null})
    expect((await limiter.hit('a')).allowed).toBe(true)
    expect(await limiter.hit('a')).toEqual({allowed: false, retryAfterSeconds: 1})
    await new Promise((resolve) => setTimeout(resolve, 1_050))
    expect((await limiter.hit('a')).allowed).toBe(true)
  })
})

describe('client address', () => {
  it('takes the rightmost forwarded address (the one the nearest proxy saw)', () => {
    expect(clientKey(new Headers({'x-forwarded-for': '1.2.3.4, 198.51.100.7'}))).toBe('198.51.100.7')
    expect(clientKey(new Headers({'x-forwarded-for': '::ffff:127.0.0.1'}))).toBe('127.0.0.1')
    expect(clientKey(new Headers())).toBe('unknown')
  })

  it('groups IPv6 clients by /64', () => {
    expect(rateLimitKey('2001:db8:1:2:aaaa::1')).toBe(rateLimitKey('2001:db8:1:2:bbbb::2'))
    expect(rateLimitKey('2001:db8:1:3::1')).not.toBe(rateLimitKey('2001:db8:1:2::1'))
  })
})

describe('same-origin check', () => {
  const check = (headers: Record<string, string>) => checkSameOrigin(new Headers({host: 'blog.example', ...headers})).ok

  it('accepts the site itself and non-browser clients', () => {
    expect(check({origin: 'http://blog.example'})).toBe(true)
    expect(check({origin: 'https://blog.example'})).toBe(true)
    expect(check({referer: 'https://blog.example/posts/x'})).toBe(true)
    expect(check({})).toBe(true)
  })

  it('refuses other sites, null origins and cross-site fetches', () => {
    expect(check({origin: 'https://evil.example'})).toBe(false)
    expect(check({origin: 'null'})).toBe(false)
    expect(check({referer: 'https://evil.example/page'})).toBe(false)
    expect(check({'sec-fetch-site': 'cross-site'})).toBe(false)
    expect(check({origin: 'https://blog.example.evil.example'})).toBe(false)
  })
})

describe('delivery schedule', () => {
  const now = new Date('2026-01-01T12:00:00Z')
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString()

  it('backs off exponentially up to an hour', () => {
    expect([1, 2, 3, 4, 10].map(retryDelayMs)).toEqual([60_000, 120_000, 240_000, 480_000, 3_600_000])
  })

  it('retries failed messages when their backoff has passed, and gives up after the last attempt', () => {
    expect(isDeliveryDue({state: 'failed', attempts: 1, lastAttemptAt: ago(30_000)}, ago(40_000), now)).toBe(false)
    expect(isDeliveryDue({state: 'failed', attempts: 1, lastAttemptAt: ago(61_000)}, ago(70_000), now)).toBe(true)
    expect(isDeliveryDue({state: 'failed', attempts: MAX_DELIVERY_ATTEMPTS, lastAttemptAt: ago(1e9)}, ago(1e9), now)).toBe(false)
    expect(isDeliveryDue({state: 'sent', attempts: 1}, ago(1e9), now)).toBe(false)
    expect(isDeliveryDue({state: 'not-configured', attempts: 0}, ago(1e9), now)).toBe(false)
  })

  it('leaves fresh messages to their own request and rescues abandoned claims', () => {
    expect(isDeliveryDue({state: 'pending', attempts: 0}, ago(5_000), now)).toBe(false)
    expect(isDeliveryDue({state: 'pending', attempts: 0}, ago(31_000), now)).toBe(true)
    expect(isDeliveryDue({state: 'pending', attempts: 1, lastAttemptAt: ago(60_000)}, ago(70_000), now)).toBe(false)
    expect(isDeliveryDue({state: 'pending', attempts: 1, lastAttemptAt: ago(6 * 60_000)}, ago(7 * 60_000), now)).toBe(true)
  })
})
