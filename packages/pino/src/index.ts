/**
 * `@dcr-logs/pino`: a pino transport target that ships logs to Azure Monitor Logs (Logs Ingestion API)
 * from pino's worker thread.
 *
 * @example
 * const logger = pino({ transport: { target: '@dcr-logs/pino', options: { endpoint, ruleId, streamName } } })
 */
import type { InProcessTransportOptions, PinoTransportOptions } from './options.ts'
import { createTransport, type TransportStream } from './transport.ts'

/**
 * The transport target pino loads in its worker: `(options) => Promise<stream>`. Also usable in-process:
 * `pino(await dcrLogsTransport(options))`.
 */
export async function dcrLogsTransport(
  options: PinoTransportOptions | InProcessTransportOptions = {},
): Promise<TransportStream> {
  return (await createTransport(options)).stream
}

// pino loads the default export; the named one keeps CommonJS typings right
export default dcrLogsTransport

export type { LineMappingContext } from './map-line.ts'
export { mapLine } from './map-line.ts'
export type {
  CloneSafeClientOptions,
  InProcessTransportOptions,
  PinoAdapterOptions,
  PinoTransportOptions,
  ResolveContext,
  ResolvedPinoOptions,
} from './options.ts'
export { PINO_DEFAULTS, resolvePinoOptions } from './options.ts'
export type { InvalidLineReason } from './parse-line.ts'
export type { CustomMapper, PinoConfig, RecordMapper } from './record-mapper.ts'
export { createRecordMapper } from './record-mapper.ts'
export type { DropReport, InvalidLinesReport, LineProblem, ReportSink, TransportStats } from './report.ts'
export { EVENTS } from './report.ts'
export type { PinoLevels, Severity, SeverityTable } from './severity.ts'
export { buildSeverityTable } from './severity.ts'
export type { TransportDeps, TransportHandle, TransportStream } from './transport.ts'
export { createTransport } from './transport.ts'
