/**
 * What `dcr-logs init` creates, decided from its options before any file is written: the table, the stream and
 * its columns, the data flow and the names. Pure; the templates render a plan, the command writes them.
 */
import {
  type ColumnDefinition,
  DEFAULT_COLUMNS,
  DEFAULT_TABLE_NAME,
  type InferResult,
  TABLE_PRESETS,
  type TableColumnType,
  tableColumnType,
  tableCreateRequest,
} from '@dcr-logs/core'
import { CliError } from '../errors.ts'

export const PRESETS = ['default', 'syslog', 'commonSecurityLog'] as const
export type PresetChoice = (typeof PRESETS)[number]

export interface TableColumn {
  readonly name: string
  readonly type: TableColumnType
  readonly description?: string
}

export interface InitPlan {
  readonly preset: PresetChoice
  /** `AppLogs_CL`, or the built-in `Syslog` / `CommonSecurityLog`. */
  readonly table: string
  /** A custom table is created; a built-in one must already exist. */
  readonly customTable: boolean
  /** File name stem: `app-logs`. */
  readonly baseName: string
  readonly dcrName: string
  readonly streamName: string
  readonly outputStream: string
  readonly streamColumns: readonly ColumnDefinition[]
  /** The custom table's columns (empty for a built-in table). */
  readonly tableColumns: readonly TableColumn[]
  readonly transformKql: string
  readonly description: string
  /** What the user should know: inference notes, the time column chosen, built-in table caveats. */
  readonly notes: readonly string[]
}

export interface InitPlanOptions {
  preset: PresetChoice
  table?: string | undefined
  dcrName?: string | undefined
  /** Columns inferred from `--from` samples. */
  inferred?: { file: string; result: InferResult } | undefined
}

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_]*_CL$/

/** `AppLogs_CL` → `app-logs`, `CommonSecurityLog` → `common-security-log`. */
export const kebab = (table: string): string =>
  table
    .replace(/_CL$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/_+/g, '-')
    .toLowerCase()

const checkTable = (table: string): void => {
  if (TABLE_NAME.test(table) && table.length <= 63) return
  const hint = /^[A-Za-z][A-Za-z0-9_]*$/.test(table) && !table.endsWith('_CL') ? ` (did you mean ${table}_CL?)` : ''
  throw new CliError(
    `--table "${table}" is not a custom table name${hint}: custom tables end in _CL and hold letters, digits and _ (at most 63 characters). For Syslog or CommonSecurityLog use --preset.`,
  )
}

const fromSamples = (inferred: NonNullable<InitPlanOptions['inferred']>, table: string) => {
  const { result, file } = inferred
  if (result.columns.length === 0) {
    throw new CliError(
      `--from ${file}: no usable field in ${result.records} record(s)${result.skipped > 0 ? ` (${result.skipped} line(s) were not JSON objects)` : ''}; it needs JSON lines such as {"time":"2026-01-15T10:00:00Z","msg":"hello"}`,
    )
  }
  const notes: string[] = []
  for (const f of result.fields) if (f.note !== undefined) notes.push(`${f.field}: ${f.note}`)
  let columns = [...result.columns]
  let transformKql = 'source'
  const time = columns.find((c) => c.name === 'TimeGenerated')
  if (time !== undefined && time.type !== 'datetime') {
    columns = columns.map((c) => (c.name === 'TimeGenerated' ? { name: c.name, type: 'datetime' } : c))
    notes.push(
      `TimeGenerated: declared datetime (the samples hold ${time.type}); send ISO 8601 text such as "2026-01-15T10:00:00Z"`,
    )
  } else if (time === undefined && result.timeColumn !== undefined) {
    transformKql = `source | extend TimeGenerated = todatetime(['${result.timeColumn}'])`
    notes.push(`TimeGenerated: the transformation sets it from '${result.timeColumn}'`)
  } else if (time === undefined) {
    transformKql = 'source | extend TimeGenerated = now()'
    notes.push('TimeGenerated: no datetime field in the samples, so rows get the time they arrive (now())')
  }
  const tableColumns: TableColumn[] = [
    ...(columns.some((c) => c.name === 'TimeGenerated') ? [] : [{ name: 'TimeGenerated', type: 'dateTime' as const }]),
    ...columns.map((c) => ({ name: c.name, type: tableColumnType(c.type) })),
  ]
  return {
    streamColumns: columns,
    tableColumns,
    transformKql,
    notes,
    description: `dcr-logs: records like ${file.split(/[\\/]/).pop()} into ${table}`,
  }
}

/** Decides what to create. Throws `CliError` for options that cannot work together. */
export const planInit = (options: InitPlanOptions): InitPlan => {
  if (options.preset !== 'default') {
    const preset = TABLE_PRESETS[options.preset]
    if (options.table !== undefined && options.table !== preset.table) {
      throw new CliError(
        `--preset ${options.preset} writes to the built-in ${preset.table} table; leave out --table "${options.table}" (or use --preset default for a custom table)`,
      )
    }
    if (options.inferred !== undefined)
      throw new CliError(
        `--from infers the columns of a custom table; the ${preset.table} table's columns are fixed by Azure`,
      )
    const baseName = kebab(preset.table)
    return {
      preset: options.preset,
      table: preset.table,
      customTable: false,
      baseName,
      dcrName: options.dcrName ?? `dcr-${baseName}`,
      streamName: preset.streamName,
      outputStream: preset.outputStream,
      streamColumns: preset.columns,
      tableColumns: [],
      transformKql: 'source',
      description: `dcr-logs: logs mapped by the ${options.preset} preset into the built-in ${preset.table} table`,
      notes:
        options.preset === 'commonSecurityLog'
          ? [
              'CommonSecurityLog exists only in workspaces onboarded to Microsoft Sentinel; elsewhere DCR creation fails with InvalidOutputTable',
            ]
          : [],
    }
  }
  const table = options.table ?? DEFAULT_TABLE_NAME
  checkTable(table)
  const baseName = kebab(table)
  const shape =
    options.inferred === undefined
      ? {
          streamColumns: DEFAULT_COLUMNS,
          // the columns, types and descriptions core ships in schema/table.json
          tableColumns: tableCreateRequest(DEFAULT_COLUMNS, table).properties.schema.columns,
          transformKql: 'source',
          notes: [] as string[],
          description: `dcr-logs: winston, pino and OpenTelemetry logs into ${table}`,
        }
      : fromSamples(options.inferred, table)
  return {
    preset: 'default',
    table,
    customTable: true,
    baseName,
    dcrName: options.dcrName ?? `dcr-${baseName}`,
    streamName: `Custom-${table.replace(/_CL$/, '')}`,
    outputStream: `Custom-${table}`,
    ...shape,
  }
}
