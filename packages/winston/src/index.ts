/**
 * `@dcr-logs/winston`: a winston transport that ships logs to Azure Monitor Logs through the Logs Ingestion API.
 */

export type { BodySource, DefaultColumns, WinstonInfo } from './map-info.ts'
export {
  type AzureLogsTransportOptions,
  WINSTON_DEFAULTS,
  type WinstonMappingOptions,
  type WinstonTransportOptions,
} from './options.ts'
export { AzureLogsTransport } from './transport.ts'
