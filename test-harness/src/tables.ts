/**
 * Schemas of built-in tables that accept the Logs Ingestion API, for DCRs whose input stream is `Microsoft-<Table>`
 * without a stream declaration. Copied from Azure/Azure-Sentinel's KQL validation stubs (MIT; see test/fixtures/SOURCES.md).
 */

import { EmulatorError } from './errors.ts'
import { type Column, normaliseTableType, SERVICE_MANAGED_COLUMNS, type TableSchema } from './schema/types.ts'
import commonSecurityLog from './tables/CommonSecurityLog.json' with { type: 'json' }
import syslog from './tables/Syslog.json' with { type: 'json' }

interface RawTable {
  name: string
  columns: { name: string; type: string }[]
}

/**
 * Turns a table schema as published (`{name, columns:[{name,type}]}`, types in any of the spellings Log Analytics or
 * .NET use) into one the emulator can enforce, without the columns the service fills in itself.
 */
export const normaliseTableSchema = (raw: RawTable, where = raw.name): TableSchema => {
  const columns: Column[] = []
  for (const c of raw.columns) {
    if (SERVICE_MANAGED_COLUMNS.has(c.name)) continue
    const type = normaliseTableType(c.type)
    if (type === undefined) {
      throw new EmulatorError('INVALID_OPTIONS', `Table ${where}: column '${c.name}' has unknown type '${c.type}'.`)
    }
    columns.push({ name: c.name, type })
  }
  return { name: raw.name, columns }
}

/** Built-in tables whose schema the emulator knows. */
export const BUILT_IN_TABLES: readonly TableSchema[] = [syslog as RawTable, commonSecurityLog as RawTable].map((t) =>
  normaliseTableSchema(t),
)
