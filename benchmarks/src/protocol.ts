/** Messages between the runner (parent, owns the emulators) and a child process running one contender. */

export type ContenderName =
  | 'core-throughput'
  | 'sdk-throughput'
  | 'limit-2core'
  | 'pino-dcr-logs'
  | 'pino-file'
  | 'winston-dcr-logs'
  | 'winston-noop'
  | 'otel-dcr-logs'
  | 'otel-memory'
  | 'outage'
  | 'latency'

/** One run of one contender. Connection details come from the environment (`emulator.env`). */
export interface Task {
  contender: ContenderName
  records: number
  /** Contender-specific settings (rates, durations, core options). */
  params: Record<string, number | string | boolean>
}

/** What the child measured about itself. Times in ms; memory in bytes; CPU in µs (user + system). */
export interface ChildResult {
  contender: ContenderName
  /** Log calls made (or records pushed / uploaded). */
  calls: number
  /** Wall time from the first call until everything was handed over, delivered or written, as the scenario defines. */
  totalMs: number
  /** Time the app thread spent inside log calls (framework scenarios). */
  appThreadMs?: number
  /** Time from the first call until the last record was stored (or written), measured by the child. */
  landedMs?: number
  cpuUserUs: number
  cpuSystemUs: number
  /** `process.resourceUsage().maxRSS`: the child's peak resident set. */
  peakRssBytes: number
  /** RSS after start-up and warm-up, before the measured work. */
  baselineRssBytes: number
  /** Core's counters where the contender uses core (`stats().records`, requests, fill). */
  core?: {
    accepted: number
    delivered: number
    dropped: number
    droppedByReason: Record<string, number>
    requests: number
    averageFill: number
    bytesSent: number
  }
  /** Contender-specific extra figures. */
  extra: Record<string, number>
}

export type ChildMessage =
  | { type: 'result'; result: ChildResult }
  | { type: 'error'; message: string; stack?: string }
  /** Outage scenario: the child asks the runner to switch the fault plan. */
  | { type: 'phase'; phase: 'outage-start' | 'outage-end' }

export type ParentMessage = { type: 'task'; task: Task } | { type: 'phase-ack' }
