/**
 * Raw HTTP for attacks: node:http (not fetch) so a test can choose the source address (every
 * 127.x.y.z is this machine: one "client" per address), stream a chunked body of any size, and
 * tell a real answer apart from a reset connection.
 */
import http from 'node:http'
import {inject} from 'vitest'

export const stack = () => inject('securityStack')

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
  text: string
}

export interface SendOptions {
  method?: string
  headers?: Record<string, string>
  body?: string | Buffer
  /** Send this many bytes of `fill` as a body, in chunks (no Content-Length unless given in headers). */
  streamBytes?: number
  /** Source address, e.g. 127.0.0.7. */
  from?: string
  base?: string
  timeoutMs?: number
}

/** One request; resolves with the answer, or rejects with the socket error (EPIPE, ECONNRESET…). */
export function send(path: string, options: SendOptions = {}): Promise<Answer> {
  const url = new URL(path, options.base ?? stack().siteUrl)
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {method: options.method ?? (options.body !== undefined || options.streamBytes ? 'POST' : 'GET'), headers: options.headers, localAddress: options.from, agent: false},
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const body = Buffer.concat(chunks)
          resolve({status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8')})
        })
        res.on('error', reject)
      },
    )
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    if (options.streamBytes) {
      const chunk = Buffer.alloc(64 * 1024, 'a')
      let sent = 0
      const pump = () => {
        while (sent < options.streamBytes!) {
          sent += chunk.length
          if (!req.write(chunk)) return void req.once('drain', pump)
        }
        req.end()
      }
      // Stop sending once the answer is in (a server that stops reading must still answer).
      req.once('response', () => {
        sent = Infinity
      })
      pump()
    } else {
      req.end(options.body)
    }
  })
}

/** A URL on the public site origin (what the site calls itself: mention targets, feeds). */
export function publicUrl(path: string): string {
  return new URL(path, stack().publicSiteUrl).href
}
