/**
 * Shown on every reader page while draft mode is on, so an editor never mistakes a preview for
 * the live site. "Exit" is a plain link to the disable route (no JavaScript needed).
 */
export function DraftModeBanner() {
  return (
    <div role="status" className="bg-amber-300 px-4 py-2 text-center text-sm font-medium text-zinc-950">
      Preview mode — you are seeing drafts.{' '}
      {/* A full navigation on purpose: a route handler, never to be prefetched or client-routed. */}
      {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
      <a href="/api/draft-mode/disable" className="underline underline-offset-2" data-testid="exit-preview">
        Exit preview
      </a>
    </div>
  )
}
