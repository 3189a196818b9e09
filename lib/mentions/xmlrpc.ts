/**
 * XML-RPC (https://xmlrpc.com/spec.md) parsing and serialising, hardened for input from strangers.
 *
 * Parsing is done by fast-xml-parser with entity processing OFF; we decode only the five predefined
 * XML entities and numeric character references ourselves, in one pass (no double decoding). Any
 * DOCTYPE/ENTITY declaration is refused before parsing, so external entities and "billion laughs"
 * expansions cannot happen. The caller caps the body size (see MAX_XMLRPC_BODY_BYTES).
 */
import {XMLParser, XMLValidator} from 'fast-xml-parser'

export const MAX_XMLRPC_BODY_BYTES = 64 * 1024

/** Fault codes of the Pingback 1.0 spec plus the XML-RPC interoperability codes. */
export const FaultCode = {
  generic: 0,
  sourceDoesNotExist: 16,
  sourceDoesNotLink: 17,
  targetDoesNotExist: 32,
  targetCannotBeUsed: 33,
  alreadyRegistered: 48,
  accessDenied: 49,
  upstreamError: 50,
  parseError: -32700,
  methodNotFound: -32601,
  invalidParams: -32602,
} as const

export class XmlRpcFault extends Error {
  constructor(
    readonly faultCode: number,
    readonly faultString: string,
  ) {
    super(faultString)
    this.name = 'XmlRpcFault'
  }
}

export type XmlRpcValue = string | number | boolean | Date | XmlRpcValue[] | {[key: string]: XmlRpcValue}

export interface MethodCall {
  methodName: string
  params: XmlRpcValue[]
}

/* ----------------------------------------------------------------------------------------------- */
/* Parsing                                                                                          */
/* ----------------------------------------------------------------------------------------------- */

type OrderedNode = {[tag: string]: OrderedNode[] | string} & {'#text'?: string; __cdata?: OrderedNode[]}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  trimValues: false,
  parseTagValue: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '__cdata',
  commentPropName: '__comment',
  maxNestedTags: 64,
})

const PREDEFINED: Record<string, string> = {lt: '<', gt: '>', amp: '&', quot: '"', apos: "'"}

/** Decodes predefined entities and character references; any other entity is malformed XML here. */
function decodeText(raw: string): string {
  return raw.replace(/&([^;\s&]{0,12});|&/g, (match, name: string | undefined) => {
    if (name === undefined) throw new XmlRpcFault(FaultCode.parseError, 'Parse error: not well formed (bare "&")')
    if (name in PREDEFINED) return PREDEFINED[name]
    const code = name.startsWith('#x') ? parseInt(name.slice(2), 16) : name.startsWith('#') ? parseInt(name.slice(1), 10) : NaN
    if (!Number.isFinite(code) || !isXmlChar(code)) {
      throw new XmlRpcFault(FaultCode.parseError, `Parse error: unsupported entity "&${name};"`)
    }
    return String.fromCodePoint(code)
  })
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  )
}

function tagOf(node: OrderedNode): string {
  const key = Object.keys(node).find((k) => k !== ':@')
  return key ?? ''
}

/** Child elements of a node, ignoring whitespace-only text and comments; other text is an error. */
function elementChildren(children: OrderedNode[], where: string): OrderedNode[] {
  const out: OrderedNode[] = []
  for (const child of children) {
    const tag = tagOf(child)
    if (tag === '__comment') continue
    if (tag === '#text') {
      if (String(child['#text']).trim() !== '') throw invalid(`unexpected text inside <${where}>`)
      continue
    }
    if (tag === '__cdata') throw invalid(`unexpected CDATA inside <${where}>`)
    out.push(child)
  }
  return out
}

/** The text content of a leaf element (text and CDATA pieces concatenated). */
function textContent(children: OrderedNode[], where: string): string {
  let text = ''
  for (const child of children) {
    const tag = tagOf(child)
    if (tag === '#text') text += decodeText(String(child['#text']))
    else if (tag === '__cdata') text += (child.__cdata as OrderedNode[]).map((c) => String(c['#text'] ?? '')).join('')
    else if (tag === '__comment') continue
    else throw invalid(`unexpected element <${tag}> inside <${where}>`)
  }
  return text
}

function invalid(message: string): XmlRpcFault {
  return new XmlRpcFault(FaultCode.parseError, `Parse error: ${message}`)
}

function single(children: OrderedNode[], tag: string, where: string): OrderedNode[] {
  const elements = elementChildren(children, where)
  if (elements.length !== 1 || tagOf(elements[0]) !== tag) throw invalid(`<${where}> must contain exactly one <${tag}>`)
  return elements[0][tag] as OrderedNode[]
}

function parseValue(valueChildren: OrderedNode[], depth = 0): XmlRpcValue {
  if (depth > 16) throw invalid('values nested too deeply')
  // <value>text</value> without a type element is a string (whitespace included).
  if (elementChildrenCount(valueChildren) === 0) return textContent(valueChildren, 'value')
  const elements = elementChildren(valueChildren, 'value')
  if (elements.length !== 1) throw invalid('<value> must contain one type element')
  const type = tagOf(elements[0])
  const inner = elements[0][type] as OrderedNode[]
  switch (type) {
    case 'string':
      return textContent(inner, 'string')
    case 'int':
    case 'i4':
    case 'i8': {
      const text = textContent(inner, type).trim()
      if (!/^[+-]?\d{1,19}$/.test(text)) throw invalid(`bad <${type}> "${text.slice(0, 20)}"`)
      return Number(text)
    }
    case 'boolean': {
      const text = textContent(inner, type).trim()
      if (text !== '0' && text !== '1') throw invalid('bad <boolean>')
      return text === '1'
    }
    case 'double': {
      const text = textContent(inner, type).trim()
      const number = Number(text)
      if (text === '' || !Number.isFinite(number)) throw invalid('bad <double>')
      return number
    }
    case 'dateTime.iso8601': {
      const text = textContent(inner, type).trim()
      const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(text)
      if (!m) throw invalid('bad <dateTime.iso8601>')
      return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]))
    }
    case 'base64':
      return Buffer.from(textContent(inner, type).replace(/\s+/g, ''), 'base64').toString('utf8')
    case 'nil':
      return ''
    case 'array': {
      const data = single(inner, 'data', 'array')
      return elementChildren(data, 'data').map((v) => {
        if (tagOf(v) !== 'value') throw invalid('<data> may only contain <value>')
        return parseValue(v.value as OrderedNode[], depth + 1)
      })
    }
    case 'struct': {
      const struct: {[key: string]: XmlRpcValue} = {}
      for (const member of elementChildren(inner, 'struct')) {
        if (tagOf(member) !== 'member') throw invalid('<struct> may only contain <member>')
        const parts = elementChildren(member.member as OrderedNode[], 'member')
        const nameNode = parts.find((p) => tagOf(p) === 'name')
        const valueNode = parts.find((p) => tagOf(p) === 'value')
        if (!nameNode || !valueNode || parts.length !== 2) throw invalid('<member> needs <name> and <value>')
        struct[textContent(nameNode.name as OrderedNode[], 'name')] = parseValue(valueNode.value as OrderedNode[], depth + 1)
      }
      return struct
    }
    default:
      throw invalid(`unknown value type <${type}>`)
  }
}

function elementChildrenCount(children: OrderedNode[]): number {
  return children.filter((c) => !['#text', '__comment', '__cdata'].includes(tagOf(c))).length
}

/** Parses a document and returns its root element's name and children. */
function parseDocument(xml: string): {root: string; children: OrderedNode[]} {
  // Declarations are refused outright: no external entities, no entity expansion bombs.
  if (/<!DOCTYPE|<!ENTITY|<!ELEMENT|<!ATTLIST/i.test(xml)) {
    throw new XmlRpcFault(FaultCode.parseError, 'Parse error: DOCTYPE and ENTITY declarations are not allowed')
  }
  const validation = XMLValidator.validate(xml)
  if (validation !== true) {
    throw new XmlRpcFault(FaultCode.parseError, `Parse error: not well formed (${validation.err.msg})`)
  }
  let nodes: OrderedNode[]
  try {
    nodes = parser.parse(xml) as OrderedNode[]
  } catch (error) {
    throw new XmlRpcFault(FaultCode.parseError, `Parse error: ${(error as Error).message}`)
  }
  const roots = elementChildren(nodes, 'document')
  if (roots.length !== 1) throw invalid('expected exactly one root element')
  const root = tagOf(roots[0])
  return {root, children: roots[0][root] as OrderedNode[]}
}

function parseParams(children: OrderedNode[]): XmlRpcValue[] {
  return elementChildren(children, 'params').map((param) => {
    if (tagOf(param) !== 'param') throw invalid('<params> may only contain <param>')
    return parseValue(single(param.param as OrderedNode[], 'value', 'param'))
  })
}

/** Parses a `<methodCall>`. Throws XmlRpcFault (parse error) on anything unexpected. */
export function parseMethodCall(xml: string): MethodCall {
  const {root, children} = parseDocument(xml)
  if (root !== 'methodCall') throw invalid('root element must be <methodCall>')
  const parts = elementChildren(children, 'methodCall')
  const nameNode = parts.find((p) => tagOf(p) === 'methodName')
  const paramsNode = parts.find((p) => tagOf(p) === 'params')
  if (!nameNode || parts.length > 2 || (parts.length === 2 && !paramsNode)) {
    throw invalid('<methodCall> needs <methodName> and optional <params>')
  }
  const methodName = textContent(nameNode.methodName as OrderedNode[], 'methodName').trim()
  if (!/^[A-Za-z0-9_.:/]{1,128}$/.test(methodName)) throw invalid('bad method name')
  return {methodName, params: paramsNode ? parseParams(paramsNode.params as OrderedNode[]) : []}
}

export type MethodResponse = {ok: true; value: XmlRpcValue} | {ok: false; faultCode: number; faultString: string}

/** Parses a `<methodResponse>` (used when we send pingbacks). */
export function parseMethodResponse(xml: string): MethodResponse {
  const {root, children} = parseDocument(xml)
  if (root !== 'methodResponse') throw invalid('root element must be <methodResponse>')
  const parts = elementChildren(children, 'methodResponse')
  if (parts.length !== 1) throw invalid('<methodResponse> needs <params> or <fault>')
  const tag = tagOf(parts[0])
  if (tag === 'fault') {
    const value = parseValue(single(parts[0].fault as OrderedNode[], 'value', 'fault'))
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
      throw invalid('<fault> must hold a struct')
    }
    return {ok: false, faultCode: Number(value.faultCode ?? 0), faultString: String(value.faultString ?? '')}
  }
  if (tag !== 'params') throw invalid('<methodResponse> needs <params> or <fault>')
  const params = parseParams(parts[0].params as OrderedNode[])
  if (params.length !== 1) throw invalid('a response has exactly one param')
  return {ok: true, value: params[0]}
}

/* ----------------------------------------------------------------------------------------------- */
/* Serialising                                                                                      */
/* ----------------------------------------------------------------------------------------------- */

/** Escapes text for XML and drops characters XML 1.0 cannot carry at all. */
export function escapeXml(text: string): string {
  const clean = text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF](?<![\uD800-\uDBFF][\uDC00-\uDFFF])(?![\uDC00-\uDFFF])/g, '')
  return clean.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function serialiseValue(value: XmlRpcValue): string {
  if (typeof value === 'string') return `<value><string>${escapeXml(value)}</string></value>`
  if (typeof value === 'boolean') return `<value><boolean>${value ? 1 : 0}</boolean></value>`
  if (typeof value === 'number') {
    return Number.isInteger(value) && Math.abs(value) < 2 ** 31
      ? `<value><int>${value}</int></value>`
      : `<value><double>${value}</double></value>`
  }
  if (value instanceof Date) {
    const iso = value.toISOString().replace(/\.\d{3}Z$/, '').replace(/-/g, '')
    return `<value><dateTime.iso8601>${iso}</dateTime.iso8601></value>`
  }
  if (Array.isArray(value)) return `<value><array><data>${value.map(serialiseValue).join('')}</data></array></value>`
  const members = Object.entries(value)
    .map(([name, v]) => `<member><name>${escapeXml(name)}</name>${serialiseValue(v)}</member>`)
    .join('')
  return `<value><struct>${members}</struct></value>`
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

export function serialiseResponse(value: XmlRpcValue): string {
  return `${DECLARATION}<methodResponse><params><param>${serialiseValue(value)}</param></params></methodResponse>\n`
}

export function serialiseFault(faultCode: number, faultString: string): string {
  return `${DECLARATION}<methodResponse><fault>${serialiseValue({faultCode, faultString})}</fault></methodResponse>\n`
}

export function serialiseMethodCall(methodName: string, params: XmlRpcValue[]): string {
  const body = params.map((p) => `<param>${serialiseValue(p)}</param>`).join('')
  return `${DECLARATION}<methodCall><methodName>${escapeXml(methodName)}</methodName><params>${body}</params></methodCall>\n`
}
