import {PortableText, type PortableTextBlock, type PortableTextComponents} from 'next-sanity'
import type {ReactNode} from 'react'
import {ContentImage} from '@/components/site/ContentImage'
import type {ImageField} from '@/lib/site/types'
import {isExternalHref, safeHref} from '@/lib/site/urls'

/**
 * Renders a post body (docs/data-model.md "Post body") as semantic HTML: real headings,
 * `<blockquote>`s, lists, links (external ones get rel="noopener noreferrer"), code blocks,
 * captioned images and embeds as linked figures. Server component: no client JS.
 * Unknown block types render nothing rather than breaking the page.
 */
type LinkMark = {_type: 'link'; href?: string; blank?: boolean}
type CodeBlock = {_type: 'codeBlock'; code?: string; language?: string; filename?: string}
type Embed = {_type: 'embed'; url?: string; caption?: string}

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
  },
  unknownType: () => null,
}

/** Takes typegen's body type as is: its optional `children` are handled by the renderer. */
export function PortableTextBody({value}: {value: readonly unknown[] | null | undefined}) {
  if (!Array.isArray(value) || value.length === 0) return null
  return <PortableText value={value as PortableTextBlock[]} components={portableTextComponents} onMissingComponent={false} />
}
