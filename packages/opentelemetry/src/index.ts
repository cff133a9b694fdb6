export { batchProcessorConfigFromEnv } from './env.ts'
export { AzureLogsExporter } from './exporter.ts'
export { bodyColumn, hrTimeToIso, type MapLogRecordOptions, mapLogRecord } from './map-record.ts'
export { type Acknowledge, type AzureLogsExporterOptions, DEFAULTS } from './options.ts'
export type { ExportResultLike, HrTimeLike, ReadableLogRecordLike } from './otel-types.ts'
export {
  type BatchLogRecordProcessorClass,
  type BatchProcessorConfig,
  type CreateBatchProcessorOptions,
  createBatchLogRecordProcessor,
  type LogRecordExporterLike,
} from './processor.ts'
