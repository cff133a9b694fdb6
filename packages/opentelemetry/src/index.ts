export { batchProcessorConfigFromEnv } from './env.ts'
export { AzureLogsExporter } from './exporter.ts'
export {
  bodyColumn,
  createRecordMapper,
  DROPPED_ATTRIBUTES_KEY,
  mapLogRecord,
  type RecordMapperOptions,
  SCOPE_ATTRIBUTES_KEY,
} from './map-record.ts'
export { type Acknowledge, type AzureLogsExporterOptions, OTEL_DEFAULTS } from './options.ts'
export type { ExportResultLike, HrTimeLike, ReadableLogRecordLike } from './otel-types.ts'
export {
  type BatchLogRecordProcessorClass,
  type BatchProcessorConfig,
  type CreateBatchProcessorOptions,
  createBatchLogRecordProcessor,
  type LogRecordExporterLike,
} from './processor.ts'
