/**
 * A one-line progress bar on stderr when it is a terminal (silent otherwise, so logs and CI output
 * stay clean). Redrawn at most ten times a second; a dozen lines instead of a dependency.
 */
export interface Progress {
  update(done: number, label?: string): void
  finish(): void
}

export function progressBar(title: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total <= 0) return {update() {}, finish() {}}
  let last = 0
  let current = 0
  const draw = (label = '') => {
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - title.length - 40))
    const ratio = Math.min(1, current / total)
    const filled = Math.round(ratio * width)
    const text = `${title} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${label}`
    stream.write(`\r${text.slice(0, (stream.columns ?? 80) - 1)}\x1b[K`)
  }
  return {
    update(done, label) {
      current = done
      const now = Date.now()
      if (now - last < 100 && done < total) return
      last = now
      draw(label)
    },
    finish() {
      current = total
      draw()
      stream.write('\n')
    },
  }
}
