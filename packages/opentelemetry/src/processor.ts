import { batchProcessorConfigFromEnv } from './env.ts'
import { BUFFERS_ON_EXPORT } from './exporter.ts'
import type { ExportResultLike, ReadableLogRecordLike } from './otel-types.ts'

/** The `LogRecordExporter` lifecycle, as both sdk-logs lines declare it. */
export interface LogRecordExporterLike {
  export(logs: ReadableLogRecordLike[], resultCallback: (result: ExportResultLike) => void): void
  forceFlush(): Promise<void>
  shutdown(): Promise<void>
}

/** `BatchLogRecordProcessor` settings, with the names and meaning sdk-logs gives them. */
export interface BatchProcessorConfig {
  /** Records per `export()` call (sdk-logs default 512). */
  maxExportBatchSize?: number
  /** Records the processor queues before it drops new ones (sdk-logs default 2048). */
  maxQueueSize?: number
  /** Delay between timer-driven exports (sdk-logs default 1000 ms). */
  scheduledDelayMillis?: number
  /** How long one `export()` may take before the processor gives up on it (sdk-logs default 30000 ms). */
  exportTimeoutMillis?: number
}

/** Either constructor shape of `BatchLogRecordProcessor`: `(options)` since sdk-logs 0.220, `(exporter, config)` before. */
export type BatchLogRecordProcessorClass<P> = new (...args: never[]) => P

export interface CreateBatchProcessorOptions extends BatchProcessorConfig {
  /**
   * Where `OTEL_BLRP_*` variables are read from (sdk-logs stopped reading them itself in 0.212; sdk-node reads
   * them only for exporters it builds). Explicit settings win over the environment. Pass `{}` to ignore it.
   * @defaultValue `process.env`
   */
  env?: Readonly<Record<string, string | undefined>>
}

/**
 * Builds a `BatchLogRecordProcessor` around `exporter` with whichever sdk-logs the application uses.
 *
 * Pass the class from your own `@opentelemetry/sdk-logs` import: this package loads nothing from sdk-logs at run
 * time, so it cannot pick a copy that differs from your `LoggerProvider`'s. One argument serves both constructor
 * shapes: it is an options object (`exporter` plus the batch settings) for sdk-logs 0.220 and later, and itself a
 * `LogRecordExporter` that forwards to `exporter` for 0.215–0.219, which read the settings from the second
 * argument.
 *
 * The processor returned is a subclass that keeps requests full through `forceFlush()` and `shutdown()`. The SDK's
 * processor drains its queue batch by batch and calls `exporter.forceFlush()` after each one (sdk-logs
 * `_flushAll`); an `AzureLogsExporter` has each batch in core's buffer once `export()` answered, so there those
 * calls are only a hint and are not passed on: one flush follows the last batch (`forceFlush()`), or core's close
 * (`shutdown()`), and core packs everything into full requests instead of one request per 512 records. The subclass
 * also flushes the exporter when the SDK's processor holds nothing (it would not call the exporter then).
 *
 * @example
 * ```ts
 * import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs'
 * const processor = createBatchLogRecordProcessor(BatchLogRecordProcessor, new AzureLogsExporter(options))
 * const provider = new LoggerProvider({ processors: [processor] })
 * ```
 */
export function createBatchLogRecordProcessor<P>(
  BatchLogRecordProcessor: BatchLogRecordProcessorClass<P>,
  exporter: LogRecordExporterLike,
  options: CreateBatchProcessorOptions = {},
): P {
  const { env = process.env, ...explicit } = options
  const config: BatchProcessorConfig = { ...batchProcessorConfigFromEnv(env), ...definedOnly(explicit) }
  // our exporter buffers on export(): the processor's per-batch flushes would only seal half-empty requests
  const buffers = (exporter as { [BUFFERS_ON_EXPORT]?: unknown })[BUFFERS_ON_EXPORT] === true
  const perBatchFlush = buffers ? () => Promise.resolve() : () => exporter.forceFlush()
  const both = {
    ...config,
    exporter: undefined as unknown,
    export: (logs: ReadableLogRecordLike[], resultCallback: (result: ExportResultLike) => void) =>
      exporter.export(logs, resultCallback),
    forceFlush: perBatchFlush,
    shutdown: () => exporter.shutdown(),
  }
  // the options object of sdk-logs ≥ 0.220 names the exporter it drives: the forwarding object itself
  both.exporter = both
  const Base = BatchLogRecordProcessor as unknown as new (
    first: unknown,
    second: unknown,
  ) => {
    forceFlush(): Promise<void>
  }
  class FlushingBatchLogRecordProcessor extends Base {
    override async forceFlush(): Promise<void> {
      await super.forceFlush()
      await exporter.forceFlush()
    }
  }
  return new FlushingBatchLogRecordProcessor(both, config) as unknown as P
}

function definedOnly(config: BatchProcessorConfig): BatchProcessorConfig {
  const out: BatchProcessorConfig = {}
  for (const [key, value] of Object.entries(config) as [keyof BatchProcessorConfig, number | undefined][]) {
    if (value !== undefined) out[key] = value
  }
  return out
}
