import {
  CORE_OPTION_NAMES,
  createResourceFilter,
  DEFAULT_RESOURCE_ATTRIBUTES,
  type LogsIngestionClientOptions,
  LogsIngestionError,
  type ResourceAttributeSelection,
} from '@dcr-logs/core'

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
   * @defaultValue `OTEL_DEFAULTS.acknowledge` (`'buffered'`)
   */
  acknowledge?: Acknowledge
  /**
   * Deadline of `forceFlush()` (and, in `'delivered'` mode, of each export's delivery), below the processor's
   * `exportTimeoutMillis` (30 s) so the processor hears the reason rather than a timeout. Flushes called back to back
   * (a processor flushing batch after batch) share one deadline. Records still pending then stay queued and keep
   * being retried.
   * @defaultValue `OTEL_DEFAULTS.flushTimeoutMs`
   */
  flushTimeoutMs?: number
  /**
   * Deadline for `shutdown()`'s final flush; records still pending then are dropped with reason `shutdown-timeout`.
   * @defaultValue core's `closeTimeoutMs` (env `DCR_LOGS_CLOSE_TIMEOUT_MS`)
   */
  shutdownTimeoutMs?: number
  /**
   * Which resource attributes `Resource` keeps on every row: names and `prefix.*` patterns, or `'all'`. NodeSDK's
   * detectors put 1–2 KB there (command line, runtime, OS, SDK), billed on every row. `ServiceName` and `HostName`
   * are read from the whole resource either way.
   * @defaultValue `OTEL_DEFAULTS.resourceAttributes` (core's `DEFAULT_RESOURCE_ATTRIBUTES`)
   */
  resourceAttributes?: ResourceAttributeSelection
}

/** The exporter's own defaults; everything else defaults in `@dcr-logs/core`. */
export const OTEL_DEFAULTS = Object.freeze({
  acknowledge: 'buffered' as Acknowledge,
  /** Below `BatchLogRecordProcessor`'s `exportTimeoutMillis` (30 s), like the OTLP exporters' 10 s. */
  flushTimeoutMs: 10_000,
  resourceAttributes: DEFAULT_RESOURCE_ATTRIBUTES,
})

const ACKNOWLEDGE_VALUES: readonly Acknowledge[] = ['buffered', 'delivered']

/** The exporter's own option names. */
export const EXPORTER_KEYS = [
  'acknowledge',
  'flushTimeoutMs',
  'shutdownTimeoutMs',
  'resourceAttributes',
] as const satisfies ReadonlyArray<Exclude<keyof AzureLogsExporterOptions, keyof LogsIngestionClientOptions>>

/** Every option name the exporter knows, for the unknown-name check. */
export const KNOWN_OPTION_NAMES: ReadonlySet<string> = new Set([...CORE_OPTION_NAMES, ...EXPORTER_KEYS])

const CORE_KEYS: ReadonlySet<string> = new Set(CORE_OPTION_NAMES)

export interface ResolvedExporterOptions {
  acknowledge: Acknowledge
  flushTimeoutMs: number
  shutdownTimeoutMs: number | undefined
  resourceAttributes: ResourceAttributeSelection
  /** Core's options only. */
  client: LogsIngestionClientOptions
  /** Names neither core nor the exporter knows. */
  unknown: string[]
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
  const client: Record<string, unknown> = {}
  const unknown: string[] = []
  const own: ReadonlySet<string> = new Set(EXPORTER_KEYS)
  for (const [key, value] of Object.entries(options)) {
    if (CORE_KEYS.has(key)) client[key] = value
    else if (!own.has(key)) unknown.push(key)
  }
  const acknowledge = options.acknowledge ?? OTEL_DEFAULTS.acknowledge
  if (!ACKNOWLEDGE_VALUES.includes(acknowledge)) {
    throw new LogsIngestionError(
      'INVALID_OPTIONS',
      `acknowledge must be ${ACKNOWLEDGE_VALUES.map((v) => `'${v}'`).join(' or ')} (got ${JSON.stringify(acknowledge)})`,
    )
  }
  const resourceAttributes = options.resourceAttributes ?? OTEL_DEFAULTS.resourceAttributes
  try {
    createResourceFilter(resourceAttributes)
  } catch (error) {
    throw new LogsIngestionError('INVALID_OPTIONS', `Invalid option "resourceAttributes": ${(error as Error).message}`)
  }
  return {
    acknowledge,
    flushTimeoutMs: checkTimeout('flushTimeoutMs', options.flushTimeoutMs) ?? OTEL_DEFAULTS.flushTimeoutMs,
    shutdownTimeoutMs: checkTimeout('shutdownTimeoutMs', options.shutdownTimeoutMs),
    resourceAttributes,
    client: client as LogsIngestionClientOptions,
    unknown,
  }
}
