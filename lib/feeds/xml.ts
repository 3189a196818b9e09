/**
 * The smallest XML writer the feeds need. Text and attribute values are always entity-escaped
 * (never CDATA): escaping is correct for any input, including bodies that contain `]]>`, which a
 * CDATA section cannot hold. Callers pass strings already cleaned by `stripXmlForbidden`; the
 * writer cleans again so a forgotten call can never produce a broken document.
 */
import {stripXmlForbidden} from './xml-safe'

/** A child is an element (already serialised XML) or nothing (skipped). */
export type XmlChild = XmlElement | null | undefined | false
export type XmlAttributes = Record<string, string | number | undefined | null>

/** Serialised XML for one element; a branded string so raw text cannot be mistaken for markup. */
export type XmlElement = {readonly xml: string}

export function escapeXmlText(value: string): string {
  return stripXmlForbidden(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export function escapeXmlAttribute(value: string): string {
  // Tabs and newlines in attribute values would be normalised to spaces by parsers; keep them exact.
  return escapeXmlText(value)
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
}

function attributes(attrs: XmlAttributes | undefined): string {
  if (!attrs) return ''
  let out = ''
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue
    out += ` ${name}="${escapeXmlAttribute(String(value))}"`
  }
  return out
}

/** An element whose content is text (escaped), e.g. `<title>Fish &amp; chips</title>`. */
export function textElement(name: string, text: string, attrs?: XmlAttributes): XmlElement {
  return {xml: `<${name}${attributes(attrs)}>${escapeXmlText(text)}</${name}>`}
}

/** An element containing other elements; empty elements are self-closed. */
export function element(name: string, attrs?: XmlAttributes, children: XmlChild[] = []): XmlElement {
  const inner = children.filter((child): child is XmlElement => Boolean(child)).map((child) => child.xml)
  if (inner.length === 0) return {xml: `<${name}${attributes(attrs)}/>`}
  return {xml: `<${name}${attributes(attrs)}>\n${inner.join('\n')}\n</${name}>`}
}

/** A complete document with the XML declaration (UTF-8 is what the routes send). */
export function xmlDocument(root: XmlElement): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${root.xml}\n`
}
