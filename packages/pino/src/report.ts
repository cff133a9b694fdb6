/**
 * How the transport tells the application about records it could not ship: coalesced events and one-time
 * warnings on the main thread, and a summary at close. The worker has no logger of its own (logging through
 * the logger being shipped would loop), so these are its only voice besides core's diagnostics.
 */
import type { DropEvent, DropReason, LogsIngestionStats } from '@dcr-logs/core'
import type { InvalidLineReason } from './parse-line.ts'

/** Event names emitted on the stream pino returns (`pino.transport()`), or on the transport stream itself. */
export const EVENTS = {
  /** Records core reported undelivered, coalesced: `(DropReport)`. */
  drop: 'dcr-logs:drop',
  /** Lines that were not pino JSON objects, coalesced: `(InvalidLinesReport)`. */
  invalidLines: 'dcr-logs:invalid-lines',
  /** Counters after each `logger.flush()` and at close: `(TransportStats)`. */
  stats: 'dcr-logs:stats',
} as const

/**
 * Reasons a line was not a pino record at all. A record the mapping could not turn into columns (a mapper module
 * threw) is a dropped record instead: core counts it (`invalid-record`) and it reaches `dcr-logs:drop`.
 */
export type LineProblem = Exclude<InvalidLineReason, 'blank'>

/** Drops of one reason since the previous report. */
export interface DropReport {
  reason: DropReason
  /** Records dropped for this reason since the previous report. */
  records: number
  status?: number
  errorCode?: string
  clientRequestId?: string
  retriable: boolean
  /** The last error's message: what happened and what to do. */
  message: string
}

/** Bad lines since the previous report, by reason, with a short preview of the last one. */
export interface InvalidLinesReport {
  byReason: Partial<Record<LineProblem, number>>
  lastMessage: string
  /** The first 120 characters of the last bad line. */
  lastPreview: string
}

/** Core's counters plus the transport's own. */
export interface TransportStats extends LogsIngestionStats {
  lines: {
    /** Lines read that became records (pushed to core). */
    mapped: number
    /** Lines dropped by a custom mapper returning `null` / `undefined` on purpose. */
    filtered: number
    invalid: number
    invalidByReason: Partial<Record<LineProblem, number>>
  }
}

/** Where reports go: a pino worker's main thread, the CLI's stderr, or the stream itself. */
export interface ReportSink {
  event(name: string, payload: unknown): void
  /** A one-time, human-readable warning. */
  warn(message: string): void
  /** Called once at close when something was dropped (the process may be exiting: must be synchronous). */
  final(message: string): void
}

export interface Reporter {
  drop(event: DropEvent): void
  invalidLine(reason: LineProblem, message: string, line: string): void
  filtered(): void
  mapped(): void
  /** Sends pending coalesced reports now. */
  publish(): void
  stats(core: LogsIngestionStats): TransportStats
  /** Publishes, then emits the stats event and a final summary if anything was lost. */
  close(core: LogsIngestionStats): TransportStats
}

export interface ReporterOptions {
  sink: ReportSink
  /** Coalescing window of events (ms); `0` sends every report at once. */
  reportIntervalMs: number
  /** Warnings and the final summary; events are always emitted. */
  warnings: boolean
}

const PREVIEW_LENGTH = 120

/** Creates the reporter. Its one timer is unref'd and exists only while reports are pending. */
export function createReporter(options: ReporterOptions): Reporter {
  const { sink, reportIntervalMs, warnings } = options
  const pendingDrops = new Map<DropReason, DropReport>()
  let pendingInvalid: InvalidLinesReport | undefined
  const warned = new Set<string>()
  const lines = { mapped: 0, filtered: 0, invalid: 0, invalidByReason: {} as Partial<Record<LineProblem, number>> }
  let timer: NodeJS.Timeout | undefined

  const schedule = (): void => {
    if (reportIntervalMs <= 0) {
      publish()
      return
    }
    if (timer !== undefined) return
    timer = setTimeout(publish, reportIntervalMs)
    timer.unref()
  }

  const warnOnce = (key: string, message: string): void => {
    if (!warnings || warned.has(key)) return
    warned.add(key)
    sink.warn(message)
  }

  function publish(): void {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    for (const report of pendingDrops.values()) sink.event(EVENTS.drop, report)
    pendingDrops.clear()
    if (pendingInvalid !== undefined) sink.event(EVENTS.invalidLines, pendingInvalid)
    pendingInvalid = undefined
  }

  const stats = (core: LogsIngestionStats): TransportStats => ({
    ...core,
    lines: { ...lines, invalidByReason: { ...lines.invalidByReason } },
  })

  return {
    drop(event) {
      const count = event.records.length
      const previous = pendingDrops.get(event.reason)
      const report: DropReport = {
        reason: event.reason,
        records: (previous?.records ?? 0) + count,
        retriable: event.retriable,
        message: event.error.message,
      }
      if (event.status !== undefined) report.status = event.status
      if (event.errorCode !== undefined) report.errorCode = event.errorCode
      if (event.clientRequestId !== undefined) report.clientRequestId = event.clientRequestId
      pendingDrops.set(event.reason, report)
      // core's messages already say how many records, why, and what to do
      warnOnce(
        `drop:${event.reason}`,
        `@dcr-logs/pino: ${event.error.message} Further '${event.reason}' drops are counted without warnings; ` +
          `listen for '${EVENTS.drop}' on the transport for each report.`,
      )
      schedule()
    },
    invalidLine(reason, message, line) {
      lines.invalid++
      lines.invalidByReason[reason] = (lines.invalidByReason[reason] ?? 0) + 1
      const byReason = { ...pendingInvalid?.byReason }
      byReason[reason] = (byReason[reason] ?? 0) + 1
      pendingInvalid = { byReason, lastMessage: message, lastPreview: line.slice(0, PREVIEW_LENGTH) }
      warnOnce(
        `line:${reason}`,
        `@dcr-logs/pino: skipped a line (${reason}): ${message}. Further bad lines are counted without warnings.`,
      )
      schedule()
    },
    filtered() {
      lines.filtered++
    },
    mapped() {
      lines.mapped++
    },
    publish,
    stats,
    close(core) {
      publish()
      const result = stats(core)
      sink.event(EVENTS.stats, result)
      if (warnings && (core.records.dropped > 0 || lines.invalid > 0)) sink.final(summarize(result))
      return result
    },
  }
}

/** One line for humans: what was delivered and what was lost, by reason. */
export function summarize(stats: TransportStats): string {
  const parts = [`${stats.records.delivered} delivered`, `${stats.records.dropped} dropped`]
  const reasons = Object.entries(stats.droppedByReason).map(([reason, n]) => `${reason} ${n}`)
  if (reasons.length > 0) parts[1] += ` (${reasons.join(', ')})`
  if (stats.lines.invalid > 0) {
    const lineReasons = Object.entries(stats.lines.invalidByReason).map(([reason, n]) => `${reason} ${n}`)
    parts.push(`${stats.lines.invalid} invalid line(s) skipped (${lineReasons.join(', ')})`)
  }
  if (stats.lines.filtered > 0) parts.push(`${stats.lines.filtered} filtered by the mapper`)
  const last = stats.lastError === undefined ? '' : `; last error: ${stats.lastError.message}`
  return `@dcr-logs/pino: ${parts.join(', ')}${last}`
}
