/**
 * Streaming WXR reader: bytes → UTF-8 text → saxes → one small element tree per record
 * (`<item>`, `<wp:author>`, `<wp:category>`, `<wp:tag>`, `<wp:term>`) handed to `onRecord`, plus the
 * channel's own fields. Only one record is in memory at a time, so a 200 MB export needs a few
 * megabytes of heap, whatever its size.
 *
 * Namespaces: WXR 1.0, 1.1 and 1.2 put `wp:` at `http(s)://wordpress.org/export/1.x/` and
 * `excerpt:` at `…/1.x/excerpt/`; WordPress.com and old exports differ in http/https and version.
 * Element names are normalised to the conventional prefixes (`wp:`, `excerpt:`, `content:`, `dc:`)
 * from the namespace URI, so nothing below depends on which prefix or version a file used.
 *
 * Hostile input is reported, never fatal: saxes keeps going after well-formedness errors (undefined
 * entities such as `&nbsp;` are decoded as HTML entities, a stray `]]>` stays text, control
 * characters are kept out), invalid UTF-8 becomes U+FFFD, and every problem is reported with its
 * line and column (and the record it was in) through `onWarning`.
 */
import fs from 'node:fs'
import {SaxesParser, type SaxesTagNS} from 'saxes'
import {decodeHtmlEntity} from './entities'

export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  text: string
}

export type RecordKind = 'item' | 'wp:author' | 'wp:category' | 'wp:tag' | 'wp:term'

export interface XmlWarning {
  line: number
  column: number
  message: string
}

export interface ReadOptions {
  /** Channel-level scalar fields (title, link, wp:base_site_url, wp:wxr_version, …) as they are read. */
  onChannelField?: (name: string, value: string) => void
  onRecord: (kind: RecordKind, element: XmlElement, position: {line: number}) => void
  onWarning?: (warning: XmlWarning) => void
  /** Bytes read so far (for progress). */
  onProgress?: (bytesRead: number) => void
  /** Called after each chunk's records are delivered; awaited, so writes can apply back-pressure. */
  afterChunk?: () => Promise<void>
}

const RECORD_KINDS = new Set<string>(['item', 'wp:author', 'wp:category', 'wp:tag', 'wp:term'])

/** Maps a namespace URI to the conventional WXR prefix; unknown URIs keep the file's own prefix. */
export function prefixForNamespace(uri: string, filePrefix: string): string {
  if (/^https?:\/\/(www\.)?wordpress\.(org|com)\/export\/\d+(\.\d+)*\/?$/i.test(uri)) return 'wp'
  if (/^https?:\/\/(www\.)?wordpress\.(org|com)\/export\/\d+(\.\d+)*\/excerpt\/?$/i.test(uri)) return 'excerpt'
  if (/^https?:\/\/purl\.org\/rss\/1\.0\/modules\/content\/?$/i.test(uri)) return 'content'
  if (/^https?:\/\/purl\.org\/dc\/elements\/1\.1\/?$/i.test(uri)) return 'dc'
  if (/^https?:\/\/wellformedweb\.org\/CommentAPI\/?$/i.test(uri)) return 'wfw'
  return filePrefix
}

function qualifiedName(tag: SaxesTagNS): string {
  if (!tag.prefix) return tag.local
  return `${prefixForNamespace(tag.uri, tag.prefix)}:${tag.local}`
}

/** The characters XML 1.0 forbids (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g

/**
 * Reads a WXR file. Resolves when the whole file is read; rejects only for I/O errors or when the
 * file is not WXR at all (no `<rss>`/`<channel>`), with a message naming the file.
 */
export async function readWxr(file: string, options: ReadOptions): Promise<void> {
  const parser = new SaxesParser({xmlns: true, position: true, fileName: file})
  const stack: XmlElement[] = []
  let recordDepth = -1
  let channelDepth = -1
  let sawRss = false
  let lastUndefinedEntity = -1
  let bytesRead = 0

  parser.on('error', (error) => {
    const message = error.message.replace(/^.*?:\d+:\d+: /, '')
    if (message === 'undefined entity.') lastUndefinedEntity = parser.position
    if (/unbound namespace prefix/.test(message)) return // handled by keeping the prefix
    options.onWarning?.({line: parser.line, column: parser.column, message: `XML: ${message}`})
  })
  parser.on('opentag', (tag) => {
    const name = qualifiedName(tag as SaxesTagNS)
    const depth = stack.length
    if (depth === 0 && name === 'rss') sawRss = true
    if (name === 'channel' && channelDepth < 0) channelDepth = depth
    const attributes: Record<string, string> = {}
    for (const [key, attribute] of Object.entries((tag as SaxesTagNS).attributes)) {
      attributes[key] = typeof attribute === 'string' ? attribute : attribute.value
    }
    const element: XmlElement = {name, attributes, children: [], text: ''}
    if (recordDepth < 0 && channelDepth >= 0 && depth === channelDepth + 1 && RECORD_KINDS.has(name)) {
      recordDepth = depth
    }
    if (recordDepth >= 0 && depth > recordDepth) stack[depth - 1].children.push(element)
    stack.push(element)
  })
  const onText = (text: string, fromTextNode: boolean) => {
    const top = stack[stack.length - 1]
    if (!top) return
    let value = text
    if (fromTextNode && lastUndefinedEntity >= 0 && value.includes('&')) {
      // saxes leaves an undefined entity as its literal `&name;`: decode the HTML ones (`&nbsp;`, `&hellip;`…).
      value = value.replace(/&([a-z][a-z0-9]{1,31});/gi, (whole, entity: string) => decodeHtmlEntity(entity) ?? whole)
      lastUndefinedEntity = -1
    }
    top.text += value.replace(XML_FORBIDDEN, '')
  }
  parser.on('text', (text) => onText(text, true))
  parser.on('cdata', (text) => onText(text, false))
  parser.on('closetag', () => {
    const element = stack.pop()
    if (!element) return
    const depth = stack.length
    if (depth === recordDepth) {
      recordDepth = -1
      options.onRecord(element.name as RecordKind, element, {line: parser.line})
    } else if (recordDepth < 0 && channelDepth >= 0 && depth === channelDepth + 1) {
      options.onChannelField?.(element.name, element.text.trim())
    }
    if (depth === channelDepth) channelDepth = -2
  })

  const decoder = new TextDecoder('utf-8', {fatal: false, ignoreBOM: false})
  const stream = fs.createReadStream(file, {highWaterMark: 256 * 1024})
  let reportedInvalidUtf8 = 0
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let text = decoder.decode(chunk, {stream: true})
    if (text.includes('\uFFFD')) {
      const genuine = countOccurrences(chunk, REPLACEMENT_BYTES)
      const replaced = countChar(text, '\uFFFD') - genuine
      if (replaced > 0 && reportedInvalidUtf8 < 20) {
        reportedInvalidUtf8++
        options.onWarning?.({
          line: parser.line,
          column: parser.column,
          message: `invalid UTF-8: ${replaced} byte sequence(s) near byte ${bytesRead} replaced with U+FFFD`,
        })
      }
    }
    text = text.replace(/\uFFFE|\uFFFF/g, '\uFFFD')
    bytesRead += chunk.length
    parser.write(text)
    options.onProgress?.(bytesRead)
    if (options.afterChunk) await options.afterChunk()
  }
  parser.write(decoder.decode())
  parser.close()
  if (options.afterChunk) await options.afterChunk()
  if (!sawRss || channelDepth === -1) {
    throw new Error(`${file}: not a WordPress export (WXR): no <rss><channel> found`)
  }
}

const REPLACEMENT_BYTES = Buffer.from([0xef, 0xbf, 0xbd])

function countOccurrences(haystack: Buffer, needle: Buffer): number {
  let count = 0
  for (let index = haystack.indexOf(needle); index >= 0; index = haystack.indexOf(needle, index + needle.length)) count++
  return count
}

function countChar(text: string, char: string): number {
  let count = 0
  for (let index = text.indexOf(char); index >= 0; index = text.indexOf(char, index + 1)) count++
  return count
}

/** Helpers for reading record trees. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name)
}

export function childText(element: XmlElement, name: string): string {
  return child(element, name)?.text ?? ''
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name)
}
