/** Column types of DCR stream declarations and Log Analytics tables, and the names the service reserves. */

/** The 7 column types a stream declaration may use (no `guid`: use `string`). */
export type ColumnType = 'string' | 'int' | 'long' | 'real' | 'boolean' | 'dynamic' | 'datetime'

export interface Column {
  name: string
  type: ColumnType
}

/** A table plan. Auxiliary tables take nested JSON only in dynamic columns and 30 minutes of TimeGenerated per call. */
export type TablePlan = 'Analytics' | 'Basic' | 'Auxiliary'

export const TABLE_PLANS: readonly TablePlan[] = ['Analytics', 'Basic', 'Auxiliary']

/** A table's schema: what rows of that table hold. */
export interface TableSchema {
  name: string
  columns: Column[]
  /** @defaultValue 'Analytics' */
  plan?: TablePlan
}

export const COLUMN_TYPES: readonly ColumnType[] = ['string', 'int', 'long', 'real', 'boolean', 'dynamic', 'datetime']

/**
 * Reserved column names, refused in stream declarations: the union of the two lists Microsoft publishes
 * (create-custom-table and logs-ingestion-api-overview), compared case-insensitively.
 */
export const RESERVED_COLUMN_NAMES: readonly string[] = [
  'id',
  'BilledSize',
  'IsBillable',
  'InvalidTimeGenerated',
  'TenantId',
  'Title',
  'Type',
  'UniqueId',
  '_ItemId',
  '_ResourceGroup',
  '_ResourceId',
  '_SubscriptionId',
  '_TimeReceived',
]

const RESERVED = new Set(RESERVED_COLUMN_NAMES.map((n) => n.toLowerCase()))

export const isReservedColumnName = (name: string): boolean => RESERVED.has(name.toLowerCase())

/** Columns Log Analytics fills in itself on built-in tables; an ingestion stream never sends them. */
export const SERVICE_MANAGED_COLUMNS: ReadonlySet<string> = new Set([
  'TenantId',
  'Type',
  '_ResourceId',
  '_SubscriptionId',
  '_BilledSize',
  '_IsBillable',
  '_ItemId',
  'MG',
  'ManagementGroupName',
  'SourceSystem',
])

/**
 * Maps a type name as found in table schemas and stream declarations (`dateTime`, .NET-style `DateTime`, `BigInt`,
 * `Float`, `guid`…) to a column type, or undefined when unknown.
 */
export const normaliseTableType = (type: string): ColumnType | undefined => {
  switch (type.toLowerCase()) {
    case 'string':
    case 'guid':
      return 'string'
    case 'int':
    case 'int32':
      return 'int'
    case 'long':
    case 'bigint':
    case 'int64':
      return 'long'
    case 'real':
    case 'float':
    case 'double':
    case 'decimal':
      return 'real'
    case 'bool':
    case 'boolean':
      return 'boolean'
    case 'dynamic':
      return 'dynamic'
    case 'datetime':
      return 'datetime'
    default:
      return undefined
  }
}

/** `Custom-AppLogs_CL` → `AppLogs_CL`, `Microsoft-Syslog` → `Syslog`, `Microsoft-Table-Event` → `Event`. */
export const tableForOutputStream = (outputStream: string): string | undefined => {
  const custom = /^Custom-(.+_CL)$/.exec(outputStream)
  if (custom !== null) return custom[1]
  const table = /^Microsoft-Table-(.+)$/.exec(outputStream)
  if (table !== null) return table[1]
  const builtIn = /^Microsoft-(.+)$/.exec(outputStream)
  return builtIn?.[1]
}
