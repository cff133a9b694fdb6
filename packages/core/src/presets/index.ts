/**
 * Built-in table presets: how the default record shape becomes the columns of an Azure table that has its own
 * schema, and the stream that carries them. Pure; adapters apply them per record (phase 2: one option).
 */
import type { ColumnDefinition } from '../schema.js'
import type { LogColumns } from '../types.js'
import {
  COMMON_SECURITY_LOG_COLUMNS,
  type CommonSecurityLogPresetOptions,
  toCommonSecurityLogColumns,
} from './common-security-log.js'
import { SYSLOG_COLUMNS, type SyslogPresetOptions, toSyslogColumns } from './syslog.js'

export type PresetName = 'syslog' | 'commonSecurityLog'

export interface TablePreset<Options = unknown> {
  readonly name: PresetName
  /** The built-in table the rows land in. */
  readonly table: string
  /** The DCR data flow's `outputStream`. */
  readonly outputStream: string
  /** The custom input stream a DCR for the preset declares (the stream name to send to). */
  readonly streamName: string
  /** The stream declaration: columns of the table, so the data flow passes records through (`transformKql: source`). */
  readonly columns: readonly ColumnDefinition[]
  /** Maps one record of the default shape to the stream's columns. */
  readonly map: (record: LogColumns, options?: Options) => LogColumns
}

export const SYSLOG_PRESET: TablePreset<SyslogPresetOptions> = Object.freeze({
  name: 'syslog',
  table: 'Syslog',
  outputStream: 'Microsoft-Syslog',
  streamName: 'Custom-SyslogStream',
  columns: SYSLOG_COLUMNS,
  map: toSyslogColumns,
})

export const COMMON_SECURITY_LOG_PRESET: TablePreset<CommonSecurityLogPresetOptions> = Object.freeze({
  name: 'commonSecurityLog',
  table: 'CommonSecurityLog',
  outputStream: 'Microsoft-CommonSecurityLog',
  streamName: 'Custom-CommonSecurityLogStream',
  columns: COMMON_SECURITY_LOG_COLUMNS,
  map: toCommonSecurityLogColumns,
})

/** Every preset by name. */
export const TABLE_PRESETS: Readonly<Record<PresetName, TablePreset>> = Object.freeze({
  syslog: SYSLOG_PRESET as TablePreset,
  commonSecurityLog: COMMON_SECURITY_LOG_PRESET as TablePreset,
})
