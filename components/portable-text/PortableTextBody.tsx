import {PortableText, type PortableTextBlock, type PortableTextComponents} from 'next-sanity'
import type {ReactNode} from 'react'
import {ContentImage} from '@/components/site/ContentImage'
import type {ImageField} from '@/lib/site/types'
import {isExternalHref, safeHref} from '@/lib/site/urls'

/**
 * Renders a post body (docs/data-model.md "Post body") as semantic HTML: real headings,
 * `<blockquote>`s, lists, links (external ones get rel="noopener noreferrer"), code blocks,
 * captioned images, embeds as linked figures, tables and separators (`<hr>`). Server component: no client JS.
 * Unknown block types render nothing rather than breaking the page.
 */
type LinkMark = {_type: 'link'; href?: string; blank?: boolean}
type CodeBlock = {_type: 'codeBlock'; code?: string; language?: string; filename?: string}
type Embed = {_type: 'embed'; url?: string; caption?: string}
type Table = {_type: 'table'; caption?: string; headerRow?: boolean; rows?: {_key?: string; cells?: unknown[]}[]}
type Separator = {_type: 'separator'; style?: string}

/** Rows with their cells as strings (anything else in a cell is shown empty); rows without cells dropped. */
export function tableRows(value: Table): {key: string; cells: string[]}[] {
  if (!Array.isArray(value.rows)) return []
  return value.rows.flatMap((row, index) =>
    row && Array.isArray(row.cells) && row.cells.length > 0
      ? [{key: typeof row._key === 'string' ? row._key : String(index), cells: row.cells.map((cell) => (typeof cell === 'string' ? cell : ''))}]
      : [],
  )
}

/**
 * A real `<table>`: the caption names it, a header row (when the editor or WordPress marked one)
 * becomes `<thead>` with `<th scope="col">`. Wide tables scroll sideways inside a focusable region
 * (keyboard users can scroll it; screen readers announce it by the caption).
 */
function TableView({value}: {value: Table}) {
  const rows = tableRows(value)
  if (rows.length === 0) return null
  const [head, ...rest] = value.headerRow ? rows : [null, ...rows]
  const caption = typeof value.caption === 'string' && value.caption.trim() ? value.caption.trim() : undefined
  return (
    <div className="table-scroll overflow-x-auto" role="region" aria-label={caption ?? 'Table'} tabIndex={0}>
      <table>
        {caption ? <caption>{caption}</caption> : null}
        {head ? (
          <thead>
            <tr>
              {head.cells.map((cell, i) => (
                <th key={i} scope="col">
                  {cell}
                </th>
              ))}
            </tr>
          </thead>
        ) : null}
        <tbody>
          {rest.map((row) =>
            row ? (
              <tr key={row.key}>
                {row.cells.map((cell, i) => (
                  <td key={i}>{cell}</td>
                ))}
              </tr>
            ) : null,
          )}
        </tbody>
      </table>
    </div>
  )
}

function SeparatorView({value}: {value: Separator}) {
  const style = value.style === 'wide' || value.style === 'dots' ? value.style : 'line'
  return <hr className={`separator separator-${style}`} />
}

function LinkAnnotation({value, children}: {value?: LinkMark; children: ReactNode}) {
  const href = safeHref(value?.href)
  if (!href) return <>{children}</>
  const external = isExternalHref(href)
  return (
    <a
      href={href}
      target={value?.blank ? '_blank' : undefined}
      rel={external || value?.blank ? 'noopener noreferrer' : undefined}
    >
      {children}
    </a>
  )
}

function CodeBlockView({value}: {value: CodeBlock}) {
  if (typeof value.code !== 'string' || value.code === '') return null
  const language = value.language && /^[\w+#-]{1,32}$/.test(value.language) ? value.language : undefined
  return (
    <figure className="code-block">
      {value.filename ? <figcaption className="eyebrow font-mono">{value.filename}</figcaption> : null}
      <pre tabIndex={0} aria-label={value.filename ? `Code: ${value.filename}` : 'Code'}>
        <code className={language ? `language-${language}` : undefined} data-language={language}>
          {value.code}
        </code>
      </pre>
    </figure>
  )
}

function EmbedView({value}: {value: Embed}) {
  const href = safeHref(value.url)
  if (!href) return null
  let host = href
  try {
    host = new URL(href).host
  } catch {
    /* relative URL: show as given */
  }
  return (
    <figure className="embed not-prose my-8 rounded-lg border border-zinc-300 p-4 dark:border-zinc-700">
      <a href={href} rel="noopener noreferrer" className="link break-words font-medium">
        {value.caption || href}
      </a>
      <figcaption className="eyebrow mt-1">{host}</figcaption>
    </figure>
  )
}

export const portableTextComponents: PortableTextComponents = {
  block: {
    blockquote: ({children}) => <blockquote>{children}</blockquote>,
  },
  marks: {
    link: LinkAnnotation,
    'strike-through': ({children}) => <s>{children}</s>,
    underline: ({children}) => <u>{children}</u>,
  },
  types: {
    image: ({value}: {value: ImageField & {_key?: string}}) => <ContentImage image={value} sizes="(min-width: 768px) 720px, 100vw" />,
    codeBlock: CodeBlockView,
    embed: EmbedView,
    table: TableView,
    separator: SeparatorView,
  },
  unknownType: () => null,
}

/** Takes typegen's body type as is: its optional `children` are handled by the renderer. */
export function PortableTextBody({value}: {value: readonly unknown[] | null | undefined}) {
  if (!Array.isArray(value) || value.length === 0) return null
  return <PortableText value={value as PortableTextBlock[]} components={portableTextComponents} onMissingComponent={false} />
}
