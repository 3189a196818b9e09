'use client'

import {useCallback, useEffect, useState, type ReactNode} from 'react'

type LakeState = 'checking' | LakeDiagnosis
export type LakeDiagnosis = 'ready' | 'unreachable' | 'project-host-unresolved'

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

/**
 * The URL the Studio's client really calls: @sanity/client puts the project id in front of the
 * API host (`https://dispatch.localhost:4444` for `https://localhost:4444`, or
 * `https://dispatch.<public host>` behind a public origin).
 */
export function projectHostUrl(apiHost: string, projectId: string): string {
  const url = new URL(apiHost)
  url.hostname = `${projectId}.${url.hostname}`
  return url.origin
}

/**
 * Pings both the API host and the project host the Studio will use (#16.8): the lake may be up
 * and trusted while `<project>.localhost` does not resolve in this browser (some resolvers only
 * map `localhost` itself to loopback), and then the Studio would crash on its first request.
 */
export async function diagnoseLake(apiHost: string, projectId: string | null, signal?: AbortSignal, ping = pingLake): Promise<LakeDiagnosis> {
  // No project id: the Studio calls the API host itself (behind PUBLIC_URL), so that is the check.
  if (projectId === null) return (await ping(apiHost, signal)) ? 'ready' : 'unreachable'
  const [api, project] = await Promise.all([ping(apiHost, signal), ping(projectHostUrl(apiHost, projectId), signal)])
  if (project) return 'ready'
  return api ? 'project-host-unresolved' : 'unreachable'
}

/** `projectId` null: the Studio's clients do not use the project hostname (PUBLIC_URL, lib/env.ts). */
export function LakeGate({apiHost, projectId, children}: {apiHost: string; projectId: string | null; children: ReactNode}) {
  const [state, setState] = useState<LakeState>('checking')
  // Bumped by "Retry": each attempt is one ping.
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    let cancelled = false
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), PING_TIMEOUT_MS)
    void diagnoseLake(apiHost, projectId, controller.signal).then((diagnosis) => {
      clearTimeout(timer)
      // A ping cancelled by unmount (or React's double effect in dev) must not decide anything.
      if (!cancelled) setState(diagnosis)
    })
    return () => {
      cancelled = true
      clearTimeout(timer)
      controller.abort()
    }
  }, [apiHost, projectId, attempt])

  const retry = useCallback(() => {
    setState('checking')
    setAttempt((count) => count + 1)
  }, [])

  if (state === 'ready') return <>{children}</>
  const projectHost = projectId === null ? apiHost : projectHostUrl(apiHost, projectId)
  return (
    <main style={styles.page} data-testid="lake-gate" aria-busy={state === 'checking'}>
      {state === 'checking' ? (
        <p style={styles.muted}>Connecting to the local Content Lake at {apiHost}…</p>
      ) : state === 'project-host-unresolved' ? (
        <div style={styles.card} role="alert">
          <h1 style={styles.heading}>This browser cannot resolve {new URL(projectHost).hostname}</h1>
          <p>
            The local Content Lake at <a href={`${apiHost}/`}>{apiHost}</a> answers, but the Studio talks to it as{' '}
            <code>{projectHost}</code>, and that name does not resolve here. Chrome, Edge and Firefox
            resolve every <code>*.localhost</code> name to this machine; elsewhere add this line to <code>/etc/hosts</code>{' '}
            (on Windows <code>C:\Windows\System32\drivers\etc\hosts</code>):
          </p>
          <pre style={styles.code}>127.0.0.1 {new URL(projectHost).hostname}</pre>
          <button type="button" style={styles.button} onClick={retry}>
            Retry
          </button>
        </div>
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
  code: {background: '#f0f1f4', padding: '0.5rem 0.75rem', borderRadius: '0.25rem', overflowX: 'auto'},
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
