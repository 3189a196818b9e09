import type {Readable} from 'node:stream'

/**
 * The stream's lines (split on `\n`), pulled chunk by chunk: the stream is read only as fast as
 * lines are taken. (readline's async iterator reads ahead up to a thousand lines whatever their
 * size — 100 MB of 100 kB documents.)
 */
export async function* lines(input: Readable): AsyncGenerator<string> {
  input.setEncoding('utf8')
  let pending: string[] = []
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      let start = 0
      for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
        pending.push(chunk.slice(start, end))
        yield pending.join('')
        pending = []
        start = end + 1
      }
      if (start < chunk.length) pending.push(chunk.slice(start))
    }
    if (pending.length > 0) yield pending.join('')
  } finally {
    input.destroy()
  }
}
