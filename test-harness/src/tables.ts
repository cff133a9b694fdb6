/**
 * Schemas of built-in tables that accept the Logs Ingestion API, for DCRs whose input stream is `Microsoft-<Table>`
 * without a stream declaration. Copied from Azure/Azure-Sentinel's KQL validation stubs (MIT; see test/fixtures/SOURCES.md).
 */

import { EmulatorError } from './errors.ts'
import type { TableSchemaInput, TablesApiBody } from './options.ts'
import {
  type Column,
  normaliseTableType,
  SERVICE_MANAGED_COLUMNS,
  TABLE_PLANS,
  type TablePlan,
  type TableSchema,
} from './schema/types.ts'
import commonSecurityLog from './tables/CommonSecurityLog.json' with { type: 'json' }
import syslog from './tables/Syslog.json' with { type: 'json' }

interface RawTable {
  name: string
  columns: { name: string; type: string }[]
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** `{name, columns, plan?}`, from either input shape (the Tables API body keeps them under `properties`). */
const flatten = (input: TableSchemaInput | TablesApiBody | RawTable, where: string): RawTable & { plan?: unknown } => {
  const props = (input as { properties?: unknown }).properties
  if (isObject(props)) {
    const schema = props['schema']
    if (!isObject(schema)) {
      throw new EmulatorError('INVALID_OPTIONS', `Table ${where}: a Tables API body needs properties.schema.`)
    }
    return { ...(schema as unknown as RawTable), plan: props['plan'] }
  }
  return input as RawTable
}

/** The name of a table input, in either shape (for messages and keys). */
export const tableInputName = (input: TableSchemaInput | TablesApiBody): string => {
  const props = (input as { properties?: { schema?: { name?: unknown } } }).properties
  return String(props?.schema?.name ?? (input as { name?: unknown }).name ?? '(unnamed)')
}

/**
 * Turns a table schema as published (`{name, columns:[{name,type}], plan?}` or the Tables API body, types in any of
 * the spellings Log Analytics or .NET use) into one the emulator can enforce, without the columns the service fills
 * in itself.
 */
export const normaliseTableSchema = (
  input: TableSchemaInput | TablesApiBody | RawTable,
  where?: string,
): TableSchema => {
  const raw = flatten(input, where ?? tableInputName(input as TableSchemaInput))
  where ??= raw.name
  if (typeof raw.name !== 'string' || !Array.isArray(raw.columns)) {
    throw new EmulatorError('INVALID_OPTIONS', `Table ${where}: expected {name, columns: [{name, type}]}.`)
  }
  if (raw.plan !== undefined && !(TABLE_PLANS as readonly unknown[]).includes(raw.plan)) {
    throw new EmulatorError(
      'INVALID_OPTIONS',
      `Table ${where}: plan '${String(raw.plan)}' is not one of ${TABLE_PLANS.join(', ')}.`,
    )
  }
  const columns: Column[] = []
  for (const c of raw.columns) {
    if (SERVICE_MANAGED_COLUMNS.has(c.name)) continue
    const type = normaliseTableType(c.type)
    if (type === undefined) {
      throw new EmulatorError('INVALID_OPTIONS', `Table ${where}: column '${c.name}' has unknown type '${c.type}'.`)
    }
    columns.push({ name: c.name, type })
  }
  return raw.plan === undefined ? { name: raw.name, columns } : { name: raw.name, columns, plan: raw.plan as TablePlan }
}

/** Built-in tables whose schema the emulator knows. */
export const BUILT_IN_TABLES: readonly TableSchema[] = [syslog as RawTable, commonSecurityLog as RawTable].map((t) =>
  normaliseTableSchema(t),
)
