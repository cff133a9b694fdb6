import { type LogsIngestionClientOptions, LogsIngestionError } from '@dcr-logs/core'

/**
 * When `export()` reports `SUCCESS` to the processor.
 * - `'buffered'`: once every record of the batch is in core's bounded buffer. Core packs records from many
 *   exports into full requests; later failures reach `onDrop` and `stats()`, not the processor.
 * - `'delivered'`: once core has delivered the batch (every record pushed so far is settled). Each export then
 *   ends with a flush, so requests are as small as the processor's batches.
 */
export type Acknowledge = 'buffered' | 'delivered'

/** Options of {@link AzureLogsExporter}: core's client options, plus how the exporter answers the processor. */
export interface AzureLogsExporterOptions extends LogsIngestionClientOptions {
  /**
   * When `export()` reports `SUCCESS`.
   * @defaultValue `DEFAULTS.acknowledge` (`'buffered'`)
   */
  acknowledge?: Acknowledge
  /**
   * Deadline for `forceFlush()` (and, in `'delivered'` mode, for each export's delivery). Records still pending then
   * stay queued and keep being retried.
   * @defaultValue none: wait until settled (core stops retrying after its `maxRetryTimeMs`)
   */
  flushTimeoutMs?: number
  /**
   * Deadline for `shutdown()`'s final flush; records still pending then are dropped with reason `shutdown-timeout`.
   * @defaultValue core's close default
   */
  shutdownTimeoutMs?: number
}

/** The exporter's own defaults; everything else defaults in `@dcr-logs/core`. */
export const DEFAULTS = {
  acknowledge: 'buffered',
} as const satisfies { acknowledge: Acknowledge }

const ACKNOWLEDGE_VALUES: readonly Acknowledge[] = ['buffered', 'delivered']

export interface ResolvedExporterOptions {
  acknowledge: Acknowledge
  flushTimeoutMs: number | undefined
  shutdownTimeoutMs: number | undefined
  client: LogsIngestionClientOptions
}

function checkTimeout(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new LogsIngestionError(
      'INVALID_OPTIONS',
      `${name} must be a non-negative number of milliseconds (got ${JSON.stringify(value)})`,
    )
  }
  return value
}

/** Splits the exporter's options from core's and checks them; core checks its own. */
export function resolveExporterOptions(options: AzureLogsExporterOptions = {}): ResolvedExporterOptions {
  const { acknowledge = DEFAULTS.acknowledge, flushTimeoutMs, shutdownTimeoutMs, ...client } = options
  if (!ACKNOWLEDGE_VALUES.includes(acknowledge)) {
    throw new LogsIngestionError(
      'INVALID_OPTIONS',
      `acknowledge must be ${ACKNOWLEDGE_VALUES.map((v) => `'${v}'`).join(' or ')} (got ${JSON.stringify(acknowledge)})`,
    )
  }
  return {
    acknowledge,
    flushTimeoutMs: checkTimeout('flushTimeoutMs', flushTimeoutMs),
    shutdownTimeoutMs: checkTimeout('shutdownTimeoutMs', shutdownTimeoutMs),
    client,
  }
}
