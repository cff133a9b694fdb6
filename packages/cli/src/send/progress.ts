/**
 * The progress line `send` keeps redrawing on a terminal: how far through the input, how many records read,
 * delivered and dropped. Rendering is pure; the ticker is the only timer, unref'd and stopped at the end.
 */
import { bytes, count, duration } from '../format.ts'
import type { Output } from '../io.ts'

export interface ProgressState {
  readonly records: number
  readonly bytesRead: number
  /** Size of the input when it is a file. */
  readonly totalBytes: number | undefined
  readonly delivered: number
  readonly dropped: number
  readonly badLines: number
  readonly elapsedMs: number
}

const BAR = 20

/** One line, at most `width` characters. */
export const renderProgress = (s: ProgressState, width: number): string => {
  const parts: string[] = []
  if (s.totalBytes !== undefined && s.totalBytes > 0) {
    const share = Math.min(1, s.bytesRead / s.totalBytes)
    const filled = Math.round(share * BAR)
    parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%`)
    parts.push(`${bytes(s.bytesRead)}/${bytes(s.totalBytes)}`)
  } else {
    parts.push(bytes(s.bytesRead))
  }
  parts.push(`${count(s.records)} read`, `${count(s.delivered)} delivered`)
  if (s.dropped > 0) parts.push(`${count(s.dropped)} dropped`)
  if (s.badLines > 0) parts.push(`${count(s.badLines)} bad lines`)
  parts.push(duration(s.elapsedMs))
  const line = parts.join('  ')
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line
}

export interface Progress {
  /** Prints a message above the bar. */
  log(text: string): void
  /** Clears the bar and stops redrawing. */
  stop(): void
}

/** Redraws `state()` on `out` every `intervalMs` when `out` is a terminal; otherwise only logs. */
export const startProgress = (
  out: Output,
  state: () => ProgressState,
  enabled: boolean,
  intervalMs = 100,
): Progress => {
  if (!enabled || out.isTTY !== true) return { log: (text) => void out.write(`${text}\n`), stop: () => {} }
  const clear = '\r\u001b[2K'
  // a terminal of unknown size reports 0 columns
  const draw = () => out.write(`${clear}${renderProgress(state(), (out.columns || 80) - 1)}`)
  const timer = setInterval(draw, intervalMs)
  timer.unref()
  draw()
  return {
    log(text) {
      out.write(`${clear}${text}\n`)
      draw()
    },
    stop() {
      clearInterval(timer)
      out.write(clear)
    },
  }
}
