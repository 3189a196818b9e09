/**
 * The full-text catch-up's worker (text-catch-up.ts): its copy of the tokenising gives exactly the
 * lake's FTS words and persisted counts, and a catch-up through the workers leaves the same index
 * as the lake's own, with commits changing documents under it.
 */
import {existsSync} from 'node:fs'
import {describe, expect, it, vi} from 'vitest'
import type {SanityDocument} from '@/lib/lake/engine'
import {textIndexing} from '@/lib/lake/engine/engine'
import {indexedText, persistedFields} from '@/lib/lake/engine/fts'
import type {Store} from '@/lib/lake/engine/store'
import {catchUpWorkers, createCatchUpTokenizer} from '@/lib/lake/engine/text-catch-up'
import {createTextTokenizer, foldCase, tokenize, tokenMemo} from '@/lib/lake/engine/text-index'
import {countFields, wordCounts} from '@/lib/lake/engine/text-postings'
import {generateDataset} from '@/bench/dataset'
import {author, DS, testEngine} from './helpers'
import {seeded, type Random} from './random-groq'

const PIECES = [
  'inflation', 'Inflation', 'Straße', 'café', 'CAFÉ', 'İstanbul', 'ıi', 'ſun', '\u212Aelvin', 'Σίσυφος', 'σς', 'Москва', '東京', '😀',
  'a😀b', 'x\uD83D', '\uDC00y', "don't", 'e.g.', '...dots', 'dots...', 'a.b', '3.14', '.5', '5.', 'é.é', 'é..', '..é', '_x_', 'x_y', 'a=b',
  '~t', '`t`', 'hy-phen', 'sl/ash', 'C++', 'C#', '#tag', '@u', 'f*b', 'ok!', '(p)', '[b]', '{c}', 'q?', 's;c', 'tab\tx', 'nl\nx',
  '\u00A0nb', 'z\u200Bw', '\u2028', '\u3000', '\uFEFF', 'ǅ', 'ﬁ', 'ß', 'ẞ', 'µ', '.', '..', ' . ', '-', '',
]

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]
}

function text(random: Random, words = 1 + Math.floor(random() * 6)): string {
  let out = ''
  for (let i = 0; i < words; i++) out += (i > 0 ? pick(random, [' ', '', '.', '. ', '-', '\n\n', ', ', '..']) : '') + pick(random, PIECES)
  return out
}

function randomDoc(random: Random, id: string): SanityDocument {
  const block = () => ({
    _type: pick(random, ['block', 'block', 'image']),
    _key: `k${Math.floor(random() * 1e6)}`,
    children: Array.from({length: Math.floor(random() * 4)}, () => (random() < 0.85 ? {_type: 'span', text: text(random, 2)} : {_type: 'link', text: text(random, 1)})),
  })
  const doc: Record<string, unknown> = {_id: id, _type: 'post'}
  if (random() < 0.9) doc.title = random() < 0.8 ? text(random) : pick(random, [42, null, [text(random), 7, text(random)], {nested: text(random)}])
  if (random() < 0.7) doc.excerpt = random() < 0.9 ? text(random) : [text(random)]
  if (random() < 0.8) doc.body = random() < 0.9 ? Array.from({length: Math.floor(random() * 5)}, () => (random() < 0.9 ? block() : [block()])) : block()
  if (random() < 0.5) doc.tags = [text(random, 1), {label: text(random)}]
  return doc as SanityDocument
}

/** A factory as the worker runs it: rebuilt from its source text, with nothing else in scope (esbuild's `__name` helper aside). */
function fromSource<T>(factory: (...args: never[]) => unknown): T {
  return new Function('__name', `return (${factory.toString()})`)((target: unknown) => target) as T
}
const workerText = fromSource<typeof createTextTokenizer>(createTextTokenizer)()
const {tokenize: workerTokenize, foldCase: workerFoldCase} = workerText
const {tokenizeDocument} = fromSource<typeof createCatchUpTokenizer>(createCatchUpTokenizer)(workerText)

/** What the lake's own catch-up files for a document: its FTS words and its counts per persisted text. */
function expected(id: string, doc: SanityDocument) {
  const tokensOf = tokenMemo()
  return {text: indexedText(id, doc, tokensOf), fields: countFields(doc, persistedFields, tokensOf)}
}

describe('the catch-up worker’s tokenising', () => {
  it('folds and tokenises every text as text-index.ts does', () => {
    const random = seeded(11)
    for (let i = 0; i < 20_000; i++) {
      const value = text(random, 1 + Math.floor(random() * 10))
      expect(workerFoldCase(value)).toBe(foldCase(value))
      expect(workerTokenize(workerFoldCase(value))).toEqual(tokenize(foldCase(value)))
    }
    // Every code unit next to dots and word characters.
    for (let code = 0; code < 65536; code += 1) {
      const ch = String.fromCharCode(code)
      for (const value of [`a.${ch}.b`, `${ch}..`, `..${ch}`, `x${ch}y`]) expect(workerTokenize(workerFoldCase(value))).toEqual(tokenize(foldCase(value)))
    }
  })

  it('tokenises exactly as groq-js’s matchTokenize’s regular expressions (the one-pass tokenize)', () => {
    // groq-js's expressions, as text-index.ts tokenised with them before.
    const TOKEN = /([^!@#$%^&*(),\\/?";:{}|[\]+<>\s-])+/g
    const EDGES = /(\b\.+|\.+\b)/g
    const reference = (value: string) => value.replace(EDGES, '').match(TOKEN) ?? []
    const random = seeded(14)
    for (let i = 0; i < 20_000; i++) {
      const value = foldCase(text(random, 1 + Math.floor(random() * 10)))
      expect(tokenize(value), value).toEqual(reference(value))
    }
    const pieces = ['.', '..', '...', 'a', 'Z', '_', '9', ' ', '-', 'é', '\u00a0', '*', "'", '!', '\uD83D', '\u2028', 'x.y', '\t']
    for (let i = 0; i < 50_000; i++) {
      let value = ''
      for (let k = Math.floor(random() * 12); k > 0; k--) value += pick(random, pieces)
      expect(tokenize(value), value).toEqual(reference(value))
    }
    // Every code unit alone, and next to dots, word characters and spaces.
    for (let code = 0; code < 65536; code += 1) {
      const ch = String.fromCharCode(code)
      for (const value of [ch, `a.${ch}.b`, `${ch}..`, `..${ch}`, `x${ch}y`, `.${ch}`, `${ch}.`, ` ${ch} `]) expect(tokenize(value)).toEqual(reference(value))
    }
  })

  it('gives each document the FTS words and persisted counts the lake computes (random documents, drafts and versions, generated posts)', () => {
    const random = seeded(12)
    for (let i = 0; i < 3000; i++) {
      const id = pick(random, [`doc${i}`, `drafts.doc${i}`, `versions.r1.doc${i}`, `versions.r${i}`, `a.b.${i}`])
      const doc = randomDoc(random, id)
      expect(tokenizeDocument(id, JSON.stringify(doc), true), id).toEqual(expected(id, doc))
      expect(tokenizeDocument(id, JSON.stringify(doc), false).fields).toBeNull()
    }
    let posts = 0
    for (const doc of generateDataset({posts: 300, settings: true})) {
      const stored = doc as unknown as SanityDocument
      expect(tokenizeDocument(stored._id, JSON.stringify(stored), true), stored._id).toEqual(expected(stored._id, stored))
      posts++
    }
    expect(posts).toBeGreaterThan(300)
  })
})

/** Each stored document's current counts, as the persisted lists hold them (live ordinals only). */
function listsOf(store: Store): Map<string, string> {
  const {postings} = store.fullText
  const live = postings.liveOrdinals(DS)
  const out = new Map<string, string>()
  for (const field of persistedFields) {
    for (const word of postings.wordsWithPrefix(DS, field.key, '')) {
      const {ords, counts} = postings.posting(DS, field.key, word)
      for (let i = 0; i < ords.length; i++) {
        const id = live.get(ords[i])
        if (id !== undefined) out.set(`${id} ${field.key} ${word}`, String(counts[i]))
      }
    }
  }
  return out
}

function expectedLists(docs: SanityDocument[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const doc of docs) for (const field of persistedFields) for (const [word, count] of wordCounts(field.textOf(doc))) out.set(`${doc._id} ${field.key} ${word}`, String(count))
  return out
}

describe('the catch-up through the workers', () => {
  it('files what the lake would, while commits change, delete and re-import documents under it; nothing is left pending', {timeout: 120_000}, async () => {
    const saved = {...textIndexing}
    const savedWorkers = {...catchUpWorkers}
    textIndexing.background = false
    textIndexing.workerMin = 1
    catchUpWorkers.count = 2
    try {
      const random = seeded(13)
      const engine = testEngine()
      const store = (engine as unknown as {store: Store}).store
      const ids = Array.from({length: 1500}, (_, i) => (i % 10 === 0 ? `drafts.d${i}` : `d${i}`))
      await engine.importDocuments(DS, ids.map((id) => randomDoc(random, id)), {mode: 'create', author: 'test'})
      expect(engine.textIndexBehind).toBe(1500)
      const catchUp = engine.catchUpTextIndex()
      // While it runs: ordinary commits (filed at once), deletes, and an import batch replacing some (pending again).
      for (let round = 0; round < 6; round++) {
        await new Promise((resolve) => setTimeout(resolve, 5))
        const picked = Array.from({length: 20}, () => pick(random, ids))
        await engine.mutate(DS, [
          ...picked.slice(0, 8).map((id) => ({createOrReplace: {...randomDoc(random, id), title: `changed ${round} ${id}`}})),
          ...picked.slice(8, 10).map((id) => ({delete: {id}})),
        ], author)
        await engine.importDocuments(DS, picked.slice(10).map((id) => randomDoc(random, id)), {mode: 'createOrReplace', author: 'test'})
      }
      await catchUp
      // Imports during it may have left documents noted after the pass: the next run files them.
      await engine.catchUpTextIndex()
      expect(engine.textIndexBehind).toBe(0)
      expect(store.fullText.listsBehind).toBe(0)
      const docs = [...engine.exportDocuments(DS)]
      expect((await store.textIndexChecked).outcome).toBe('ok')
      // The same documents committed into a fresh store (filed by each commit, on the lake's thread):
      // every word finds the same documents in both.
      const reference = testEngine()
      await reference.mutate(DS, docs.map((doc) => ({create: doc})), author)
      await reference.catchUpTextIndex()
      const referenceStore = (reference as unknown as {store: Store}).store
      await referenceStore.textIndexChecked
      // (Not the words of system fields, which differ between the stores.)
      const system = new Set<string>()
      for (const doc of [...docs, ...reference.exportDocuments(DS)]) for (const value of [doc._rev, doc._createdAt, doc._updatedAt]) for (const word of tokenize(foldCase(value))) system.add(word)
      const words = new Set<string>()
      for (const doc of docs) for (const word of expected(doc._id, doc).text.split(' ')) if (/^[A-Z0-9\u00c0-\ud7ff]+$/.test(word) && !system.has(word)) words.add(word)
      expect(words.size).toBeGreaterThan(20)
      const search = store.fullText.search(DS)
      const referenceSearch = referenceStore.fullText.search(DS)
      for (const word of words) {
        const found = [...(search.candidates(word) ?? ['(not narrowed)'])].sort()
        expect(found, word).toEqual([...(referenceSearch.candidates(word) ?? ['(not narrowed)'])].sort())
      }
      expect(listsOf(store)).toEqual(expectedLists(docs))
    } finally {
      Object.assign(textIndexing, saved)
      Object.assign(catchUpWorkers, savedWorkers)
    }
  })

  it('a lake closed while the workers run closes last: the WAL is checkpointed and removed, and a reopened store finishes the catch-up', {timeout: 120_000}, async () => {
    const saved = {...textIndexing}
    textIndexing.background = false
    textIndexing.workerMin = 1
    try {
      const random = seeded(14)
      const engine = testEngine()
      await engine.importDocuments(DS, Array.from({length: 3000}, (_, i) => randomDoc(random, `c${i}`)), {mode: 'create', author: 'test'})
      const store = (engine as unknown as {store: Store}).store
      const filed = vi.spyOn(store, 'fileTokenized')
      void engine.catchUpTextIndex()
      await vi.waitFor(() => expect(filed).toHaveBeenCalled(), {timeout: 60_000})
      engine.close()
      expect(existsSync(`${engine.file}-wal`)).toBe(false)
      const reopened = testEngine(engine.file)
      expect(reopened.textIndexBehind).toBeGreaterThan(0)
      await reopened.catchUpTextIndex()
      expect(reopened.textIndexBehind).toBe(0)
    } finally {
      Object.assign(textIndexing, saved)
    }
  })
})
