/** What the content converters need to know beyond the HTML itself, injected so each stage tests alone. */

export interface AttachmentInfo {
  id: string
  url: string
  alt: string
  caption: string
  title: string
}

export interface ConvertContext {
  /** Attachment by WordPress post id (galleries, featured images, `wp-image-<id>` classes). */
  attachment(id: string): AttachmentInfo | undefined
  /** Attachments whose parent is this post (`[gallery]` without ids). */
  attachmentsOf(parentId: string): AttachmentInfo[]
  /** Reusable block (`wp_block`) content by id, for `core/block`. */
  reusableBlock(id: string): string | undefined
  /** The post being converted (its WordPress id). */
  postId: string
  /** The post's footnotes (WordPress 6.3+ keeps them in the `footnotes` post meta, shown by the footnotes block). */
  footnotes?(): {id: string; content: string}[]
  /** Rewrites a link (old permalinks of this export → their new paths); identity when absent. */
  rewriteHref?(href: string): string
  /** Notes something kept as text or not imported: unknown shortcodes/blocks, dynamic blocks, dropped links. */
  note(kind: NoteKind, name: string): void
}

export type NoteKind =
  | 'unknown shortcode (kept as text)'
  | 'unknown block (content kept)'
  | 'dynamic block (rendered by WordPress, nothing stored to import)'
  | 'unsafe link removed (text kept)'
  | 'form control (label text kept)'

/** A context with no attachments, for tests and for content outside any post. */
export function emptyContext(overrides: Partial<ConvertContext> = {}): ConvertContext {
  return {
    attachment: () => undefined,
    attachmentsOf: () => [],
    reusableBlock: () => undefined,
    postId: '0',
    note: () => {},
    ...overrides,
  }
}
