/** Column types of a DCR stream declaration (the table uses `dateTime` where a stream says `datetime`). */
export type StreamColumnType = 'string' | 'int' | 'long' | 'real' | 'boolean' | 'dynamic' | 'datetime'

export interface ColumnDefinition {
  readonly name: string
  readonly type: StreamColumnType
}

/**
 * The default schema every adapter fills, so one table serves winston, pino and OpenTelemetry.
 * Names follow Azure's `OTelLogs` table where one exists, so KQL carries over (see docs/architecture.md).
 */
export const DEFAULT_COLUMNS: readonly ColumnDefinition[] = Object.freeze(
  (
    [
      ['TimeGenerated', 'datetime'],
      ['ObservedTimestamp', 'datetime'],
      ['SeverityText', 'string'],
      ['SeverityNumber', 'int'],
      ['Body', 'string'],
      ['Attributes', 'dynamic'],
      ['Resource', 'dynamic'],
      ['ServiceName', 'string'],
      ['HostName', 'string'],
      ['TraceId', 'string'],
      ['SpanId', 'string'],
      ['TraceFlags', 'int'],
      ['ScopeName', 'string'],
      ['ScopeVersion', 'string'],
      ['EventName', 'string'],
      ['ExceptionType', 'string'],
      ['ExceptionMessage', 'string'],
      ['ExceptionStacktrace', 'string'],
    ] as const
  ).map(([name, type]) => Object.freeze({ name, type })),
)

/** Descriptions used in the shipped table schema. */
export const DEFAULT_COLUMN_DESCRIPTIONS: Readonly<Record<string, string>> = Object.freeze({
  TimeGenerated: 'When the log record was produced (UTC)',
  ObservedTimestamp: 'When the logging pipeline observed the record',
  SeverityText: 'Level name as the framework spells it',
  SeverityNumber: 'OpenTelemetry severity number (1-24)',
  Body: 'The log message',
  Attributes: 'Structured fields of the record',
  Resource: 'Attributes of the process or service that logged',
  ServiceName: 'service.name',
  HostName: 'Host that logged',
  TraceId: 'W3C trace id (32 hex)',
  SpanId: 'W3C span id (16 hex)',
  TraceFlags: 'W3C trace flags',
  ScopeName: 'Instrumentation scope or logging library',
  ScopeVersion: 'Instrumentation scope version',
  EventName: 'Event name',
  ExceptionType: 'Exception type',
  ExceptionMessage: 'Exception message',
  ExceptionStacktrace: 'Exception stack trace',
})

/** The DCR input stream of the shipped DCR and of the emulator's default DCR. */
export const DEFAULT_STREAM_NAME = 'Custom-AppLogs'
/** The custom table the default stream flows into. */
export const DEFAULT_TABLE_NAME = 'AppLogs_CL'

/** The stream declaration (`streamDeclarations['Custom-AppLogs']` of a DCR). */
export const DEFAULT_STREAM_DECLARATION: { readonly columns: readonly ColumnDefinition[] } = Object.freeze({
  columns: DEFAULT_COLUMNS,
})

/** Table column types (Log Analytics Tables API `ColumnTypeEnum`). */
export type TableColumnType = 'string' | 'int' | 'long' | 'real' | 'boolean' | 'dynamic' | 'dateTime' | 'guid'

/** The stream type → the table column type of the same values. */
export const tableColumnType = (type: StreamColumnType): TableColumnType => (type === 'datetime' ? 'dateTime' : type)

/** The body of a Log Analytics "Tables - Create Or Update" request for a table with the given columns. */
export const tableCreateRequest = (
  columns: readonly ColumnDefinition[] = DEFAULT_COLUMNS,
  tableName: string = DEFAULT_TABLE_NAME,
  descriptions: Readonly<Record<string, string>> = DEFAULT_COLUMN_DESCRIPTIONS,
) => ({
  properties: {
    schema: {
      name: tableName,
      columns: columns.map((c) => {
        const description = descriptions[c.name]
        return description === undefined
          ? { name: c.name, type: tableColumnType(c.type) }
          : { name: c.name, type: tableColumnType(c.type), description }
      }),
    },
    retentionInDays: 30,
    plan: 'Analytics',
  },
})
