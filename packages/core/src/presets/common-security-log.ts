/**
 * The `CommonSecurityLog` preset: the default record shape as CEF columns of Microsoft Sentinel's built-in
 * `CommonSecurityLog` table (the table exists only in workspaces onboarded to Sentinel). Well-known OpenTelemetry
 * attributes fill their CEF columns; every other attribute travels in `AdditionalExtensions` as CEF `key=value`
 * pairs, so nothing is lost. Pure.
 */
import type { ColumnDefinition } from '../schema.js'
import type { LogColumns } from '../types.js'
import {
  bodyText,
  exceptionLine,
  fields,
  integer,
  scalarText,
  severityBand,
  take,
  text,
  time,
} from './default-record.js'

/** OpenTelemetry semantic-convention attributes (flat keys) and the CEF column each fills. */
const ATTRIBUTE_COLUMNS: ReadonlyArray<readonly [attribute: string, column: string, type: 'string' | 'int']> = [
  ['client.address', 'SourceIP', 'string'],
  ['source.address', 'SourceIP', 'string'],
  ['client.port', 'SourcePort', 'int'],
  ['source.port', 'SourcePort', 'int'],
  ['user.name', 'SourceUserName', 'string'],
  ['enduser.id', 'SourceUserName', 'string'],
  ['server.address', 'DestinationHostName', 'string'],
  ['server.port', 'DestinationPort', 'int'],
  ['url.full', 'RequestURL', 'string'],
  ['http.request.method', 'RequestMethod', 'string'],
  ['user_agent.original', 'RequestClientApplication', 'string'],
]

/** The stream columns the preset sends: all of them columns of `CommonSecurityLog`. */
export const COMMON_SECURITY_LOG_COLUMNS: readonly ColumnDefinition[] = Object.freeze(
  (
    [
      ['TimeGenerated', 'datetime'],
      ['DeviceVendor', 'string'],
      ['DeviceProduct', 'string'],
      ['DeviceVersion', 'string'],
      ['DeviceEventClassID', 'string'],
      ['Activity', 'string'],
      ['LogSeverity', 'string'],
      ['OriginalLogSeverity', 'string'],
      ['Message', 'string'],
      ['Computer', 'string'],
      ['DeviceName', 'string'],
      ['ProcessName', 'string'],
      ['ProcessID', 'int'],
      ['SourceIP', 'string'],
      ['SourcePort', 'int'],
      ['SourceUserName', 'string'],
      ['DestinationHostName', 'string'],
      ['DestinationPort', 'int'],
      ['RequestURL', 'string'],
      ['RequestMethod', 'string'],
      ['RequestClientApplication', 'string'],
      ['AdditionalExtensions', 'string'],
    ] as const
  ).map(([name, type]) => Object.freeze({ name, type })),
)

export interface CommonSecurityLogPresetOptions {
  /** CEF Device Vendor. @defaultValue `'dcr-logs'` */
  deviceVendor?: string
  /** CEF Device Product. @defaultValue the record's `ServiceName`, else `'unknown'` */
  deviceProduct?: string
}

const CEF_SEVERITY: Readonly<Record<string, string>> = {
  trace: '0',
  debug: '1',
  info: '3',
  notice: '4',
  warn: '5',
  error: '7',
  crit: '8',
  alert: '9',
  emerg: '10',
}

/** CEF severity (0 lowest – 10 highest, as text) of an OpenTelemetry severity number. */
export const cefSeverity = (severityNumber: unknown): string => CEF_SEVERITY[severityBand(severityNumber) ?? 'info']!

const escapeValue = (v: string): string =>
  v.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r/g, '\\r').replace(/\n/g, '\\n')

/** CEF extension text (`key=value key=value`) of a flat object; non-scalar values become JSON text. */
export const formatCefExtensions = (entries: Readonly<Record<string, unknown>>): string =>
  Object.entries(entries)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => {
      let value = scalarText(v)
      if (value === undefined) {
        try {
          value = JSON.stringify(v) ?? String(v)
        } catch {
          value = String(v)
        }
      }
      return `${k.replace(/[\s=]+/g, '_')}=${escapeValue(value)}`
    })
    .join(' ')

/** Maps a record of the default shape to `CommonSecurityLog` columns. */
export const toCommonSecurityLogColumns = (
  record: LogColumns,
  options: CommonSecurityLogPresetOptions = {},
): LogColumns => {
  const attributes = fields(record, 'Attributes')
  const resource = fields(record, 'Resource')
  const out: LogColumns = {}
  const when = time(record)
  if (when !== undefined) out['TimeGenerated'] = when
  out['DeviceVendor'] = options.deviceVendor ?? 'dcr-logs'
  out['DeviceProduct'] = options.deviceProduct ?? text(record, 'ServiceName') ?? 'unknown'
  const version = scalarText(resource['service.version'])
  if (version !== undefined) out['DeviceVersion'] = version
  const body = bodyText(record)
  out['DeviceEventClassID'] = text(record, 'EventName') ?? text(record, 'SeverityText') ?? 'log'
  out['Activity'] = body
  out['LogSeverity'] = cefSeverity(record['SeverityNumber'])
  const level = text(record, 'SeverityText')
  if (level !== undefined) out['OriginalLogSeverity'] = level
  const exception = exceptionLine(record)
  out['Message'] = exception === undefined ? body : body === '' ? exception : `${body} (${exception})`
  const host = text(record, 'HostName')
  if (host !== undefined) {
    out['Computer'] = host
    out['DeviceName'] = host
  }
  const processName = text(record, 'ServiceName')
  if (processName !== undefined) out['ProcessName'] = processName
  const pid = integer(resource['process.pid'])
  if (pid !== undefined && Math.abs(pid) < 2 ** 31) out['ProcessID'] = pid

  for (const [attribute, column, type] of ATTRIBUTE_COLUMNS) {
    if (out[column] !== undefined || !(attribute in attributes)) continue
    const raw = attributes[attribute]
    const value = type === 'int' ? integer(raw) : scalarText(raw)
    if (value === undefined || (type === 'int' && Math.abs(value as number) >= 2 ** 31)) continue
    take(attributes, attribute)
    out[column] = value
  }
  const extensions: Record<string, unknown> = { ...attributes }
  for (const column of ['TraceId', 'SpanId', 'ExceptionStacktrace'] as const) {
    const v = text(record, column)
    if (v !== undefined) extensions[column] = v
  }
  const additional = formatCefExtensions(extensions)
  if (additional !== '') out['AdditionalExtensions'] = additional
  return out
}
