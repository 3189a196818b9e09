/**
 * Seeded random documents and GROQ queries for the differential test: documents with nulls,
 * missing fields, mixed types, arrays, references, Portable Text, drafts and release versions;
 * queries built from the shapes the planner recognises (and some it must leave to groq-js).
 */

export type Random = () => number

/** mulberry32: small, fast, seedable. */
export function seeded(seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]
const chance = (random: Random, p: number) => random() < p
const int = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1))

const TYPES = ['post', 'post', 'post', 'author', 'category', 'page']
const WORDS = ['alpha', 'beta', 'Gamma', 'delta', 'épsilon', 'zeta', 'eta', 'theta', 'e.g.', 'iota', 'kappa', 'LAMBDA', 'mu']
const DATES = ['2020-01-01T00:00:00Z', '2021-06-15T12:00:00Z', '2022-03-03T03:03:03Z', '2023-12-31T23:59:59Z', '2024-02-29T00:00:00Z']
const BASE_IDS = Array.from({length: 40}, (_, i) => `doc${String(i).padStart(2, '0')}`)

function words(random: Random, n: number): string {
  return Array.from({length: n}, () => pick(random, WORDS)).join(pick(random, [' ', ' ', '-', ', ']))
}

/** A value of a random type, often a string or number, sometimes null, an object or an array. */
function mixed(random: Random, strings: readonly string[]): unknown {
  const r = random()
  if (r < 0.35) return pick(random, strings)
  if (r < 0.6) return int(random, -3, 12)
  if (r < 0.68) return chance(random, 0.5)
  if (r < 0.76) return null
  if (r < 0.84) return [pick(random, strings), int(random, 0, 3)]
  if (r < 0.9) return {current: pick(random, strings)}
  return int(random, 0, 3) + 0.5
}

export function randomDocument(random: Random, id: string): Record<string, unknown> {
  const doc: Record<string, unknown> = {_id: id, _type: pick(random, TYPES)}
  if (chance(random, 0.85)) doc.title = chance(random, 0.85) ? words(random, int(random, 1, 4)) : mixed(random, WORDS)
  if (chance(random, 0.8)) doc.n = mixed(random, ['3', 'a', 'b', ''])
  if (chance(random, 0.8)) doc.publishedAt = chance(random, 0.85) ? pick(random, DATES) : mixed(random, DATES)
  if (chance(random, 0.75)) {
    const r = random()
    doc.slug = r < 0.7 ? {_type: 'slug', current: chance(random, 0.9) ? `s${int(random, 0, 15)}` : null} : r < 0.85 ? `s${int(random, 0, 15)}` : [{current: 's1'}]
  }
  if (chance(random, 0.5)) doc.author = {_type: 'reference', _ref: pick(random, BASE_IDS)}
  if (chance(random, 0.5)) {
    doc.categories = Array.from({length: int(random, 0, 3)}, (_, i) => ({_type: 'reference', _key: `c${i}`, _ref: pick(random, BASE_IDS)}))
  }
  if (chance(random, 0.4)) doc.tags = Array.from({length: int(random, 0, 3)}, () => mixed(random, WORDS))
  if (chance(random, 0.6)) {
    doc.body = Array.from({length: int(random, 0, 3)}, (_, i) => ({
      _type: 'block',
      _key: `b${i}`,
      style: 'normal',
      markDefs: [],
      children: Array.from({length: int(random, 1, 3)}, (_, j) => ({_type: 'span', _key: `s${j}`, text: words(random, int(random, 0, 3)), marks: []})),
    }))
  }
  if (chance(random, 0.3)) doc.nested = {a: mixed(random, WORDS), b: {c: mixed(random, WORDS)}}
  return doc
}

export function randomId(random: Random): string {
  const base = pick(random, BASE_IDS)
  const r = random()
  if (r < 0.15) return `drafts.${base}`
  if (r < 0.22) return `versions.r1.${base}`
  if (r < 0.25) return `versions.r2.${base}`
  return base
}

export function randomDocuments(random: Random, count: number): Record<string, unknown>[] {
  const byId = new Map<string, Record<string, unknown>>()
  while (byId.size < count) {
    const id = randomId(random)
    byId.set(id, randomDocument(random, id))
  }
  return [...byId.values()]
}

export interface RandomQuery {
  query: string
  params: Record<string, unknown>
}

const PATHS = ['title', 'n', 'publishedAt', 'slug.current', 'slug', 'nested.a', 'nested.b.c', '_id', '_type', 'author._ref', 'missing']
const ORDER_PATHS = ['publishedAt', 'n', 'title', '_id', 'slug.current', 'nested.a', 'missing']

function literal(random: Random): string {
  const r = random()
  if (r < 0.3) return JSON.stringify(pick(random, [...WORDS, 's1', 's3', '3', 'a', '']))
  if (r < 0.55) return String(int(random, -2, 12))
  if (r < 0.75) return JSON.stringify(pick(random, DATES))
  if (r < 0.85) return pick(random, ['true', 'false'])
  return 'null'
}

class QueryBuilder {
  readonly params: Record<string, unknown> = {}
  private paramCount = 0

  constructor(private readonly random: Random) {}

  /** A literal, or the same value as a param. */
  value(): string {
    const text = literal(this.random)
    if (!chance(this.random, 0.4)) return text
    const name = `p${this.paramCount++}`
    this.params[name] = JSON.parse(text)
    return `$${name}`
  }

  term(depth = 0): string {
    const random = this.random
    const r = random()
    if (r < 0.12) return `_type == "${pick(random, ['post', 'author', 'page', 'nope'])}"`
    if (r < 0.16) return `_type in ["post", "${pick(random, ['author', 'category'])}"]`
    if (r < 0.24) return `defined(${pick(random, PATHS)})`
    if (r < 0.42) return `${pick(random, PATHS)} ${pick(random, ['==', '==', '!=', '<', '<=', '>', '>='])} ${this.value()}`
    if (r < 0.46) return `${this.value()} ${pick(random, ['==', '<', '>='])} ${pick(random, PATHS)}`
    if (r < 0.52) return `references("${pick(random, BASE_IDS)}")`
    if (r < 0.55) {
      this.params.refs = [pick(random, BASE_IDS), pick(random, BASE_IDS)]
      return 'references($refs)'
    }
    if (r < 0.6) return `${chance(random, 0.5) ? '!' : ''}(_id in path("${pick(random, ['drafts.**', 'versions.**', '*', 'doc1*'])}"))`
    if (r < 0.66) return `${pick(random, ['title', '[title, pt::text(body)]', 'pt::text(body)', 'tags'])} match ${JSON.stringify(this.pattern())}`
    if (r < 0.7) {
      this.params.q = this.pattern()
      return 'title match $q'
    }
    if (r < 0.74) {
      this.params.topic = chance(random, 0.5) ? '' : pick(random, BASE_IDS)
      return '($topic == "" || references($topic))'
    }
    if (r < 0.78) return `count(categories) ${pick(random, ['>', '=='])} ${int(random, 0, 2)}`
    if (r < 0.82 && depth < 1) return `(${this.term(depth + 1)} || ${this.term(depth + 1)})`
    if (r < 0.86 && depth < 1) return `!(${this.term(depth + 1)})`
    if (r < 0.9) return `${pick(random, ['true', 'false', 'null', '1 == 1', '$flag'])}`.replace('$flag', this.flag())
    if (r < 0.92) return `lower(title) == ${JSON.stringify(pick(random, WORDS).toLowerCase())}`
    if (r < 0.94) return this.joinTerm()
    if (r < 0.96 && depth < 1) return this.parentScopeTerm()
    return `${pick(random, PATHS)} in [${this.value()}, ${this.value()}]`
  }

  /** A filter term that follows references (`->`), with a projection now and then. */
  private joinTerm(): string {
    const random = this.random
    const r = random()
    if (r < 0.25) return `author->${pick(random, PATHS)} ${pick(random, ['==', '!=', '<', '>='])} ${this.value()}`
    if (r < 0.4) return `defined(author->${pick(random, ['title', 'slug.current', 'author._ref', 'missing'])})`
    if (r < 0.55) return `count(categories[]->{_id, title}[defined(title)]) ${pick(random, ['>', '==', '<'])} ${int(random, 0, 2)}`
    if (r < 0.7) return `author->{"t": title, "n": n}.${pick(random, ['t', 'n'])} == ${this.value()}`
    if (r < 0.85) return `"${pick(random, BASE_IDS)}" in categories[]._ref`
    return `${this.value()} in categories[]->${pick(random, ['title', 'n', '_type'])}`
  }

  /**
   * A term whose pipeline looks back at the document being filtered (`^`), sometimes two scopes
   * up (`^.^`) from a pipeline nested in it.
   */
  private parentScopeTerm(): string {
    const random = this.random
    const link = pick(random, ['_type == ^._type', 'references(^._id)', '^._id in categories[]._ref', 'n > ^.n', 'author._ref == ^.author._ref', 'publishedAt < ^.publishedAt'])
    const inner = `*[${this.term(1)} && ${link}]`
    const r = random()
    if (r < 0.4) return `count(${inner}) ${pick(random, ['>', '==', '<'])} ${int(random, 0, 2)}`
    if (r < 0.6) return `defined(${inner} | order(${pick(random, ORDER_PATHS)} desc)[0]._id)`
    if (r < 0.8) return `count(*[${link} && count(*[_id == ^._id && (${pick(random, ['_type == ^.^._type', 'n == ^.^.n', '^.^._id in categories[]._ref'])})]) > 0]) > 0`
    return `^._id in ${inner}.author._ref`
  }

  private flag(): string {
    this.params.flag = chance(this.random, 0.7)
    return '$flag'
  }

  private pattern(): string {
    const random = this.random
    const word = pick(random, WORDS)
    const r = random()
    if (r < 0.3) return `${word.slice(0, int(random, 1, 3))}*`
    if (r < 0.5) return `${word} ${pick(random, WORDS)}`
    if (r < 0.55) return `*${word.slice(-2)}`
    if (r < 0.6) return ''
    return chance(random, 0.5) ? word.toUpperCase() : word
  }

  filter(): string {
    const n = int(this.random, 0, 4)
    return Array.from({length: n}, () => this.term()).join(' && ') || 'true'
  }

  order(): string {
    const random = this.random
    if (chance(random, 0.1)) return ` | order(lower(title) ${pick(random, ['asc', 'desc'])})`
    const keys = Array.from({length: int(random, 1, 2)}, () => `${pick(random, ORDER_PATHS)}${pick(random, ['', ' asc', ' desc'])}`)
    return ` | order(${keys.join(', ')})`
  }

  slice(): string {
    const random = this.random
    const r = random()
    if (r < 0.3) return ''
    if (r < 0.5) return `[${int(random, -3, 4)}]`
    if (r < 0.65) {
      this.params.start = int(random, 0, 3)
      this.params.end = this.params.start as number + int(random, 0, 5)
      return '[$start...$end]'
    }
    const a = int(random, -4, 5)
    return `[${a}${pick(random, ['...', '..'])}${a + int(random, -1, 6)}]`
  }

  pipeline(inner = false): string {
    const random = this.random
    let query = `*[${this.filter()}]`
    if (!inner && chance(random, 0.1)) query += ` | score(title match "${pick(random, WORDS)}", pt::text(body) match "${pick(random, WORDS)}")`
    if (chance(random, 0.6)) query += this.order()
    query += this.slice()
    return query
  }

  projection(): string {
    const random = this.random
    const fields = ['_id', 'title']
    if (chance(random, 0.4)) fields.push('"a": author->title')
    if (chance(random, 0.4)) fields.push(`"prev": *[_type == "post" && publishedAt < ^.publishedAt] | order(publishedAt desc)[0]._id`)
    if (chance(random, 0.3)) fields.push(`"next": *[${this.term()} && n > ^.n] | order(n asc, _id desc)[0...2]._id`)
    if (chance(random, 0.3)) fields.push('"refs": count(*[references(^._id)])')
    if (chance(random, 0.2)) fields.push('"same": *[slug.current == ^.slug.current && _id != ^._id]._id')
    if (chance(random, 0.2)) fields.push('"cats": categories[]->title')
    if (chance(random, 0.2)) {
      fields.push('"sub": *[_id in ^.categories[]._ref]{_id, "back": count(*[references(^._id) && _id != ^.^._id]), "up": ^.^._id}')
    }
    if (chance(random, 0.15)) fields.push(`"joined": *[author->_id == ^.author._ref && ${this.term(1)}] | order(_id)[0...2]{_id, "a": author->{title, "n": count(*[references(^._id)])}}`)
    return `{${fields.join(', ')}}`
  }

  query(): string {
    const random = this.random
    const r = random()
    if (r < 0.2) return `count(${this.pipeline()})`
    if (r < 0.5) return `${this.pipeline()}._id`
    if (r < 0.8) return `${this.pipeline()}${this.projection()}`
    if (r < 0.9) return `{"items": ${this.pipeline()}._id, "total": count(${this.pipeline()})}`
    return `array::unique(${this.pipeline()}.categories[]._ref)`
  }
}

export function randomQuery(random: Random): RandomQuery {
  const builder = new QueryBuilder(random)
  const query = builder.query()
  return {query, params: builder.params}
}
