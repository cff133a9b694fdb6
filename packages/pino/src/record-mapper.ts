/**
 * Composes the mapping of one line from the logger's configuration and the user's options, once per
 * transport: default columns, declarative `columns`, then a custom mapper module.
 */
import { createColumnMapper, createResourceCache, type LogColumns, severityNumberFor } from '@dcr-logs/core'
import { type LineMappingContext, mapLine } from './map-line.ts'
import type { ResolvedPinoOptions } from './options.ts'
import { buildSeverityTable, DEFAULT_PINO_LEVELS, type PinoLevels } from './severity.ts'

/** What pino sends the worker with `expectPinoConfig` (pino ≥ 8.21); all absent with older pino and in the CLI. */
export interface PinoConfig {
  levels?: PinoLevels | undefined
  messageKey?: string | undefined
  errorKey?: string | undefined
}

/** A custom mapper loaded from `mapperModule`: returns the record to send, or `null`/`undefined` to skip the line. */
export type CustomMapper = (line: Record<string, unknown>, columns: LogColumns) => LogColumns | null | undefined

/** Maps a line; `undefined` means a custom mapper filtered it out. */
export type RecordMapper = (line: Record<string, unknown>, observedMs: number) => LogColumns | undefined

type MapperOptions = Pick<
  ResolvedPinoOptions,
  | 'messageKey'
  | 'errorKey'
  | 'customLevels'
  | 'severityNumbers'
  | 'serviceName'
  | 'resource'
  | 'resourceAttributes'
  | 'scopeName'
  | 'scopeVersion'
  | 'columns'
  | 'defaultColumns'
  | 'restColumn'
>

/** pino's levels with the `customLevels` option on top (the option wins for a label both define). */
export function mergeLevels(
  base: PinoLevels | undefined,
  customLevels: Readonly<Record<string, number>> | undefined,
): PinoLevels {
  const from = base ?? DEFAULT_PINO_LEVELS
  if (customLevels === undefined) return from
  const labels: Record<string, string> = { ...from.labels }
  const values: Record<string, number> = { ...from.values }
  for (const [label, value] of Object.entries(customLevels)) {
    values[label] = value
    labels[value] = label
  }
  return { labels, values }
}

/** Builds the mapping context: options override what pino sent, which overrides pino's defaults. */
export function mappingContext(options: MapperOptions, config: PinoConfig): LineMappingContext {
  return {
    messageKey: options.messageKey ?? config.messageKey ?? 'msg',
    errorKey: options.errorKey ?? config.errorKey ?? 'err',
    severity: buildSeverityTable(
      mergeLevels(config.levels, options.customLevels),
      options.severityNumbers,
      severityNumberFor,
    ),
    serviceName: options.serviceName,
    resource: createResourceCache(options.resource, options.resourceAttributes),
    scopeName: options.scopeName,
    scopeVersion: options.scopeVersion,
  }
}

/** Creates the line → record function. Invalid `columns` specs throw here, at startup. */
export function createRecordMapper(options: MapperOptions, config: PinoConfig, custom?: CustomMapper): RecordMapper {
  const ctx = mappingContext(options, config)
  const columnMapper =
    options.columns === undefined
      ? undefined
      : createColumnMapper(
          options.columns,
          !options.defaultColumns && options.restColumn !== undefined ? { restColumn: options.restColumn } : {},
        )
  const useDefaults = options.defaultColumns
  return (line, observedMs) => {
    let columns: LogColumns = useDefaults ? mapLine(line, ctx, observedMs) : {}
    if (columnMapper !== undefined) Object.assign(columns, columnMapper(line))
    if (custom !== undefined) {
      const result = custom(line, columns)
      if (result === null || result === undefined) return undefined
      columns = result
    }
    return columns
  }
}
