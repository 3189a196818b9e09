/**
 * In local mode nothing the Studio does may leave this machine. Sanity Studio polls
 * sanity-cdn.com for new versions from the browser (PackageVersionStatusProvider) with no
 * setting to turn it off, so the Studio page answers such calls itself: any `fetch` to a host
 * other than loopback fails at once, exactly as it would offline (the Studio handles that).
 */

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '127.0.0.1' || hostname === '[::1]'
}

const INSTALLED = Symbol.for('dispatch.loopbackFetchGuard')

export function installLoopbackFetchGuard(): void {
  if (typeof window === 'undefined') return
  const target = window as unknown as Record<symbol, boolean>
  if (target[INSTALLED]) return
  target[INSTALLED] = true
  const original = window.fetch.bind(window)
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const raw = input instanceof Request ? input.url : String(input)
    let url: URL | null = null
    try {
      url = new URL(raw, window.location.href)
    } catch {
      // Let fetch itself report malformed URLs.
    }
    // The page's own origin is this server too (behind PUBLIC_URL the lake shares it).
    const local = url && (isLoopbackHost(url.hostname) || url.origin === window.location.origin)
    if (url && (url.protocol === 'http:' || url.protocol === 'https:') && !local) {
      return Promise.reject(new TypeError(`Offline by design: the local Studio does not call ${url.origin}`))
    }
    return original(input, init)
  }
}
