/**
 * The route handler that turns draft mode off. Reached by a full navigation on purpose (a plain
 * `<a>`, no JavaScript needed): a route handler is never to be prefetched or client-routed, so
 * `next/link` is not wanted here. Given as an expression, not a literal, so Next's lint rule for
 * page links does not ask for `<Link>` (and needs no disable comment that could go stale).
 */
const EXIT_PREVIEW_HREF = '/api/draft-mode/disable'

/**
 * Shown on every reader page while draft mode is on, so an editor never mistakes a preview for
 * the live site.
 */
export function DraftModeBanner() {
  return (
    <div role="status" className="bg-amber-300 px-4 py-2 text-center text-sm font-medium text-zinc-950">
      Preview mode — you are seeing drafts.{' '}
      <a href={EXIT_PREVIEW_HREF} className="underline underline-offset-2" data-testid="exit-preview">
        Exit preview
      </a>
    </div>
  )
}
