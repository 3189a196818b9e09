'use client'

import {useCallback, useEffect, useState, type ReactNode} from 'react'

type LakeState = 'checking' | 'ready' | 'unreachable'

/** How long to wait for the lake's ping before calling it unreachable. */
const PING_TIMEOUT_MS = 5_000

/**
 * The local Content Lake speaks HTTPS with a certificate from a CA made on this machine. Until the
 * browser trusts it (or while the lake is down) every Studio request fails, and the Studio would
 * show nothing useful. So before mounting the Studio we ping the lake once and, if that fails,
 * explain what to do instead of a blank page.
 */
export async function pingLake(apiHost: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const response = await fetch(`${apiHost}/v1/ping`, {mode: 'cors', credentials: 'omit', cache: 'no-store', signal})
    return response.ok
  } catch {
    // Network errors and untrusted certificates look the same from a page: a TypeError.
    return false
  }
}

export function LakeGate({apiHost, children}: {apiHost: string; children: ReactNode}) {
  const [state, setState] = useState<LakeState>('checking')
  // Bumped by "Retry": each attempt is one ping.
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    let cancelled = false
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), PING_TIMEOUT_MS)
    void pingLake(apiHost, controller.signal).then((reachable) => {
      clearTimeout(timer)
      // A ping cancelled by unmount (or React's double effect in dev) must not decide anything.
      if (!cancelled) setState(reachable ? 'ready' : 'unreachable')
    })
    return () => {
      cancelled = true
      clearTimeout(timer)
      controller.abort()
    }
  }, [apiHost, attempt])

  const retry = useCallback(() => {
    setState('checking')
    setAttempt((count) => count + 1)
  }, [])

  if (state === 'ready') return <>{children}</>
  return (
    <main style={styles.page} data-testid="lake-gate" aria-busy={state === 'checking'}>
      {state === 'checking' ? (
        <p style={styles.muted}>Connecting to the local Content Lake at {apiHost}…</p>
      ) : (
        <div style={styles.card} role="alert">
          <h1 style={styles.heading}>The Studio cannot reach the local Content Lake</h1>
          <p>
            The local Content Lake at <a href={`${apiHost}/`}>{apiHost}</a> is not reachable or its certificate is not
            trusted yet — run <code>npm run dev</code>, then open <a href={`${apiHost}/`}>{apiHost}/</a> once and follow
            the steps to trust it.
          </p>
          <button type="button" style={styles.button} onClick={retry}>
            Retry
          </button>
        </div>
      )}
    </main>
  )
}

const styles = {
  page: {
    minHeight: '100vh',
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    padding: '2rem',
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    background: '#f6f6f8',
    color: '#1f2430',
  },
  card: {
    maxWidth: '36rem',
    background: '#fff',
    border: '1px solid #d9dbe1',
    borderRadius: '0.5rem',
    padding: '1.5rem 2rem',
    lineHeight: 1.5,
  },
  heading: {fontSize: '1.25rem', margin: '0 0 0.75rem'},
  muted: {color: '#5b6070'},
  button: {
    marginTop: '0.5rem',
    padding: '0.5rem 1.25rem',
    fontSize: '1rem',
    borderRadius: '0.375rem',
    border: '1px solid #2276fc',
    background: '#2276fc',
    color: '#fff',
    cursor: 'pointer',
  },
} as const
