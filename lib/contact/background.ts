/**
 * Work that must not delay the reader's answer (sending the notification e-mail).
 *
 * Inside a request Next's `after()` keeps the task alive after the response, also on platforms
 * that freeze a function once it answered. Outside a request scope (scripts, tests) `after()`
 * throws, and a plain detached promise in this long-running process does the same job. Nothing
 * depends on these tasks finishing: the delivery retry loop picks up whatever they leave undone.
 */
import {after} from 'next/server'

export function runAfterResponse(label: string, task: () => Promise<unknown>): void {
  const run = () =>
    task().catch((error: unknown) => {
      console.error(`[contact] ${label} failed:`, error instanceof Error ? error.message : error)
    })
  try {
    after(run)
  } catch {
    void run()
  }
}
