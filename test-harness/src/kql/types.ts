/**
 * Static KQL types: what the compilers know about a column or an expression before any row is seen. They decide
 * Kusto's typed behaviours (`9 / 2` is 4 between integers, 4.5 with a real) and the column types of query results.
 */
import type { Column, ColumnType } from '../schema/types.ts'

/** The scalar types of Kusto (what the query API reports in `columns[].type`). */
export type KqlType = 'bool' | 'int' | 'long' | 'real' | 'string' | 'datetime' | 'timespan' | 'dynamic' | 'guid'

/** A column as the compilers see it: its type is unknown when the schema is (a record without a declaration). */
export interface TypedColumn {
  name: string
  type: KqlType | undefined
}

export const isIntegerType = (t: KqlType | undefined): boolean => t === 'int' || t === 'long'

export const isNumericType = (t: KqlType | undefined): boolean => t === 'int' || t === 'long' || t === 'real'

/** A stream or table column type as a KQL type (`boolean` is `bool` in KQL). */
export const kqlTypeOf = (type: ColumnType): KqlType => (type === 'boolean' ? 'bool' : type)

/** A KQL type as the column type a table stores: timespans are stored as text, guids as strings. */
export const columnTypeOf = (type: KqlType): ColumnType => {
  switch (type) {
    case 'bool':
      return 'boolean'
    case 'timespan':
    case 'guid':
      return 'string'
    default:
      return type
  }
}

/** Names, or typed columns, as the compilers take them. */
export const toTypedColumns = (columns: readonly (string | Column | TypedColumn)[]): TypedColumn[] =>
  columns.map((c) =>
    typeof c === 'string'
      ? { name: c, type: undefined }
      : { name: c.name, type: c.type === undefined ? undefined : kqlTypeOf(c.type as ColumnType) },
  )

/** The type of `a op b` for the arithmetic operators, per Kusto's rules (int op int is long; a real makes it real). */
export const arithmeticType = (op: string, a: KqlType | undefined, b: KqlType | undefined): KqlType | undefined => {
  if (a === 'datetime' && b === 'datetime') return op === '-' ? 'timespan' : undefined
  if (a === 'datetime' || b === 'datetime') return op === '+' || op === '-' ? 'datetime' : undefined
  if (a === 'timespan' && b === 'timespan') return op === '/' ? 'real' : 'timespan'
  if (a === 'timespan' || b === 'timespan') return op === '*' || op === '/' || op === '%' ? 'timespan' : undefined
  if (a === 'real' || b === 'real') return isNumericType(a) && isNumericType(b) ? 'real' : undefined
  if (isIntegerType(a) && isIntegerType(b)) return 'long'
  return undefined
}

/** The type of a JS value as stored in a row (for tables whose schema is not declared). */
export const typeOfValue = (v: unknown): KqlType | undefined => {
  if (v === null || v === undefined) return undefined
  switch (typeof v) {
    case 'string':
      return 'string'
    case 'boolean':
      return 'bool'
    case 'bigint':
      return 'long'
    case 'number':
      return Number.isInteger(v) ? 'long' : 'real'
    default:
      return v instanceof Date ? 'datetime' : 'dynamic'
  }
}
