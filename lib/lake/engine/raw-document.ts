/**
 * A document an import stores as the JSON text it came in (see document-text.ts): the store writes
 * the text, the document cache keeps only a handle, and nothing parses it unless something reads
 * beyond its system fields (a commit hook, a listener). It reads like the document through a Proxy,
 * parsing the text on first use, and refuses changes as a frozen document does (listeners get it in
 * the transaction); `plainDocument` gives the parsed object where a real one is needed (freezing,
 * `structuredClone`).
 */
import type {SanityDocument} from './types'

const RAW = Symbol('lake.rawDocument')

/**
 * A JSON object's text as `head` (a string: keys spliced in front, ending with a comma) followed by
 * UTF-8 bytes (the object's own text after its opening brace): a byte line with system fields
 * added, without copying the line into a new buffer.
 */
export class SplicedBytes {
  constructor(
    readonly head: string,
    readonly bytes: Uint8Array,
  ) {}

  /** Its size, about (characters of the head, bytes of the rest). */
  get length(): number {
    return this.head.length + this.bytes.length
  }

  toString(): string {
    return this.head + utf8(this.bytes)
  }
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
}

/** A stored document's JSON: a string, its UTF-8 bytes (an import line read as bytes, checked valid UTF-8), or those with keys spliced in. */
export type RawText = string | Uint8Array | SplicedBytes

interface RawState {
  text: RawText
  fields: Pick<SanityDocument, '_id' | '_type' | '_rev' | '_createdAt' | '_updatedAt'>
  parsed: SanityDocument | null
}

function parsed(state: RawState): SanityDocument {
  const {text} = state
  return (state.parsed ??= JSON.parse(typeof text === 'string' ? text : text instanceof SplicedBytes ? text.toString() : utf8(text)) as SanityDocument)
}

/**
 * The Proxy's target. Raw documents are told apart by `instanceof` on it (a Proxy without a
 * getPrototypeOf trap answers with its target's prototype): reading a property instead would make
 * a document cache handle (another Proxy) parse its document, and a WeakMap of every imported
 * document would be one more thing for each garbage collection to trace.
 */
class RawTarget {
  readonly [RAW]: RawState
  constructor(state: RawState) {
    this[RAW] = state
  }
}

const handler: ProxyHandler<RawTarget> = {
  get(target, key) {
    const state = target[RAW]
    if (key === RAW) return state
    if (typeof key === 'string' && Object.hasOwn(state.fields, key)) return state.fields[key as keyof RawState['fields']]
    return Reflect.get(parsed(state), key)
  },
  has(target, key) {
    return key === RAW || Reflect.has(parsed(target[RAW]), key)
  },
  ownKeys(target) {
    return Reflect.ownKeys(parsed(target[RAW]))
  },
  getOwnPropertyDescriptor(target, key) {
    const doc = parsed(target[RAW])
    if (!Object.hasOwn(doc, key)) return undefined
    return {value: (doc as unknown as Record<string | symbol, unknown>)[key], writable: false, enumerable: true, configurable: true}
  },
  set: () => false,
  defineProperty: () => false,
  deleteProperty: () => false,
  preventExtensions: () => false,
}

/** `text` (a JSON object whose system fields are `fields`, already checked; or its UTF-8 bytes) as a document. */
export function rawDocument(text: RawText, fields: RawState['fields']): SanityDocument {
  return new Proxy(new RawTarget({text, fields, parsed: null}), handler) as unknown as SanityDocument
}

function stateOf(value: unknown): RawState | undefined {
  return value instanceof RawTarget ? value[RAW] : undefined
}

/** The stored JSON text (or its UTF-8 bytes) of a raw document; undefined for any other value. */
export function rawTextOf(value: unknown): RawText | undefined {
  return stateOf(value)?.text
}

export function isRawDocument(value: unknown): boolean {
  return stateOf(value) !== undefined
}

/** The document as a plain object (raw documents parsed; anything else as it is). */
export function plainDocument<T extends SanityDocument | null>(value: T): T {
  const state = stateOf(value)
  return state ? (parsed(state) as T) : value
}

