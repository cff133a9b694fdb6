import { LogsIngestionError } from '@dcr-logs/core'
import type { BatchProcessorConfig } from './processor.ts'

/**
 * OpenTelemetry's standard `BatchLogRecordProcessor` variables
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#batch-logrecord-processor).
 * Our own settings (`DCR_LOGS_*`, `AZURE_*`) are read by `@dcr-logs/core`, in one place.
 */
const BLRP_VARIABLES = {
  OTEL_BLRP_SCHEDULE_DELAY: 'scheduledDelayMillis',
  OTEL_BLRP_EXPORT_TIMEOUT: 'exportTimeoutMillis',
  OTEL_BLRP_MAX_QUEUE_SIZE: 'maxQueueSize',
  OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: 'maxExportBatchSize',
} as const satisfies Record<string, keyof BatchProcessorConfig>

/**
 * Batch processor settings from `OTEL_BLRP_*` variables. Pure: the caller passes the environment.
 * @throws LogsIngestionError (`INVALID_OPTIONS`) naming the variable when a value is not a non-negative integer (sdk-node would ignore it with a
 *   warning; a typo that silently keeps the default is harder to find).
 */
export function batchProcessorConfigFromEnv(env: Readonly<Record<string, string | undefined>>): BatchProcessorConfig {
  const config: BatchProcessorConfig = {}
  for (const [variable, key] of Object.entries(BLRP_VARIABLES) as [string, keyof BatchProcessorConfig][]) {
    const raw = env[variable]?.trim()
    if (raw === undefined || raw === '') continue
    const value = Number(raw)
    if (!Number.isSafeInteger(value) || value < 0 || (value === 0 && key !== 'scheduledDelayMillis')) {
      throw new LogsIngestionError(
        'INVALID_OPTIONS',
        `${variable} must be a ${key === 'scheduledDelayMillis' ? 'non-negative' : 'positive'} integer (got "${raw}"); unset it to use the sdk-logs default`,
      )
    }
    config[key] = value
  }
  return config
}
