/** A minimal server-sent events reader over fetch, so tests control headers like Last-Event-ID. */
export interface SseEvent {
  event: string
  id?: string
  data: string
}

export interface SseStream {
  events: SseEvent[]
  /** Resolves once an event the predicate accepts has arrived (after `from`), or rejects on timeout. */
  next(predicate: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>
  close(): void
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController()
  const response = await fetch(url, {headers: {accept: 'text/event-stream', ...headers}, signal: controller.signal})
  if (!response.ok || !response.body) throw new Error(`SSE ${url}: ${response.status}`)
  const events: SseEvent[] = []
  const waiters = new Set<() => void>()
  void (async () => {
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, {stream: true})
        let end: number
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const event: SseEvent = {event: 'message', data: ''}
          let isComment = true
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue
            isComment = false
            const colon = line.indexOf(':')
            const field = line.slice(0, colon)
            const value = line.slice(colon + 1).replace(/^ /, '')
            if (field === 'event') event.event = value
            else if (field === 'id') event.id = value
            else if (field === 'data') event.data += value
          }
          if (!isComment) events.push(event)
          for (const wake of [...waiters]) wake()
        }
      }
    } catch {
      // aborted
    }
  })()
  let seen = 0
  return {
    events,
    next(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          while (seen < events.length) {
            const event = events[seen++]
            if (predicate(event)) {
              waiters.delete(check)
              clearTimeout(timer)
              resolve(event)
              return
            }
          }
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`timed out; got ${JSON.stringify(events.slice(-5))}`))
        }, timeoutMs)
        waiters.add(check)
        check()
      })
    },
    close: () => controller.abort(),
  }
}
