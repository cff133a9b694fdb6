/**
 * The `Syslog` preset: the default record shape as columns of Azure's built-in `Syslog` table, sent through a
 * custom stream whose data flow writes to `Microsoft-Syslog`. Nothing of the record is lost: fields Syslog has no
 * column for are appended to `SyslogMessage` as JSON. Pure.
 */
import type { ColumnDefinition } from '../schema.js'
import type { LogColumns } from '../types.js'
import { bodyText, exceptionLine, fields, integer, severityBand, take, text, time } from './default-record.js'

/** Facility names the `Syslog` table uses. */
export const SYSLOG_FACILITIES: readonly string[] = Object.freeze([
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'audit',
  'alert',
  'clock',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
])

/** Severity names the `Syslog` table uses (`SeverityLevel`), most severe first. */
export const SYSLOG_SEVERITY_NAMES: readonly string[] = Object.freeze([
  'emerg',
  'alert',
  'crit',
  'err',
  'warning',
  'notice',
  'info',
  'debug',
])

/** The stream columns the preset sends: all of them columns of `Syslog`, so the data flow needs no transformation. */
export const SYSLOG_COLUMNS: readonly ColumnDefinition[] = Object.freeze(
  (
    [
      ['TimeGenerated', 'datetime'],
      ['EventTime', 'datetime'],
      ['Computer', 'string'],
      ['HostName', 'string'],
      ['Facility', 'string'],
      ['SeverityLevel', 'string'],
      ['SyslogMessage', 'string'],
      ['ProcessName', 'string'],
      ['ProcessID', 'int'],
    ] as const
  ).map(([name, type]) => Object.freeze({ name, type })),
)

export interface SyslogPresetOptions {
  /** Facility when the record's `Attributes.facility` is not a syslog facility name. @defaultValue `'user'` */
  facility?: string
}

const ALIASES: Readonly<Record<string, string>> = {
  error: 'err',
  warn: 'warning',
  critical: 'crit',
  fatal: 'crit',
  emergency: 'emerg',
  panic: 'emerg',
  trace: 'debug',
}

const BAND_TO_SYSLOG: Readonly<Record<string, string>> = {
  trace: 'debug',
  debug: 'debug',
  info: 'info',
  notice: 'notice',
  warn: 'warning',
  error: 'err',
  crit: 'crit',
  alert: 'alert',
  emerg: 'emerg',
}

/** The syslog severity name of a record: its level name when it is one (or an alias), else from its number. */
export const syslogSeverity = (severityText: unknown, severityNumber: unknown): string => {
  if (typeof severityText === 'string') {
    const name = severityText.trim().toLowerCase()
    if (SYSLOG_SEVERITY_NAMES.includes(name)) return name
    // own keys only: a level named `__proto__` or `constructor` is no alias
    if (Object.hasOwn(ALIASES, name)) return ALIASES[name]!
  }
  return BAND_TO_SYSLOG[severityBand(severityNumber) ?? 'info']!
}

/**
 * Maps a record of the default shape to `Syslog` columns.
 *
 * @example
 * toSyslogColumns({ TimeGenerated: new Date(), SeverityText: 'error', Body: 'disk full', HostName: 'web-1' })
 * // { TimeGenerated, EventTime, Computer: 'web-1', HostName: 'web-1', Facility: 'user', SeverityLevel: 'err', SyslogMessage: 'disk full' }
 */
export const toSyslogColumns = (record: LogColumns, options: SyslogPresetOptions = {}): LogColumns => {
  const attributes = fields(record, 'Attributes')
  const resource = fields(record, 'Resource')
  const facilityField = take(attributes, 'facility')
  const facility =
    typeof facilityField === 'string' && SYSLOG_FACILITIES.includes(facilityField.toLowerCase())
      ? facilityField.toLowerCase()
      : (options.facility ?? 'user')
  if (facilityField !== undefined && facility !== facilityField) attributes['facility'] = facilityField

  // what Syslog has no column for travels in the message, as JSON, rather than being lost
  const extra: Record<string, unknown> = { ...attributes }
  for (const column of ['TraceId', 'SpanId', 'EventName', 'ExceptionStacktrace'] as const) {
    const v = text(record, column)
    if (v !== undefined) extra[column] = v
  }
  const exception = exceptionLine(record)
  const message = [
    bodyText(record),
    exception === undefined ? undefined : `(${exception})`,
    Object.keys(extra).length > 0 ? JSON.stringify(extra) : undefined,
  ]
    .filter((part) => part !== undefined && part !== '')
    .join(' ')

  const out: LogColumns = {}
  const when = time(record)
  if (when !== undefined) {
    out['TimeGenerated'] = when
    out['EventTime'] = when
  }
  const host =
    text(record, 'HostName') ?? (typeof resource['host.name'] === 'string' ? resource['host.name'] : undefined)
  if (host !== undefined) {
    out['Computer'] = host
    out['HostName'] = host
  }
  out['Facility'] = facility
  out['SeverityLevel'] = syslogSeverity(record['SeverityText'], record['SeverityNumber'])
  out['SyslogMessage'] = message
  const processName = text(record, 'ServiceName') ?? text(record, 'ScopeName')
  if (processName !== undefined) out['ProcessName'] = processName
  const pid = integer(resource['process.pid'])
  if (pid !== undefined && Math.abs(pid) < 2 ** 31) out['ProcessID'] = pid
  return out
}
