import { randomUUID } from 'node:crypto'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import type { AzureLogsExporterOptions } from '../src/options.ts'
import type { ExportResultLike } from '../src/otel-types.ts'

export const TABLE = 'AppLogs_CL'

/** A row as the emulator stores it; the default schema's columns, typed loosely. */
export interface Row {
  [column: string]: unknown
  TimeGenerated?: unknown
  Body?: unknown
  TraceId?: unknown
  SpanId?: unknown
  Attributes?: Record<string, unknown>
}

/** Exporter options pointing at the emulator's default DCR, plus `extra`. */
export function exporterOptions(emulator: Emulator, extra: AzureLogsExporterOptions = {}): AzureLogsExporterOptions {
  return {
    endpoint: emulator.endpoint,
    ruleId: emulator.rules[0]!.ruleId,
    streamName: 'Custom-AppLogs',
    credential: emulator.credentialConfig,
    ...extra,
  }
}

/** A tag that keeps one test's rows apart from another's. */
export const newRun = (): string => randomUUID()

/** Rows whose `Attributes.run` is `run`. */
export function rowsOf(emulator: Emulator, run: string): Row[] {
  return (emulator.rows(TABLE) as Row[]).filter((row) => row.Attributes?.['run'] === run)
}

/** Promise of the result an `export()` call reports, also counting how often it called back. */
export function exportResult(
  exporter: { export(logs: never[], cb: (r: ExportResultLike) => void): void },
  logs: unknown[],
): Promise<ExportResultLike> & { calls: () => number } {
  let calls = 0
  const promise = new Promise<ExportResultLike>((resolve) => {
    exporter.export(logs as never[], (result) => {
      calls++
      resolve(result)
    })
  })
  return Object.assign(promise, { calls: () => calls })
}

export { type Emulator, startEmulator }
