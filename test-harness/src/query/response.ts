/**
 * The Log Analytics query API's response shapes: `{tables:[{name, columns:[{name,type}], rows}]}` with values as
 * the service writes them (datetimes as ISO text, dynamic values as JSON text), and its error bodies. Pure.
 */
import { stringifyJson } from '../json-lossless.ts'
import { KqlError } from '../kql/errors.ts'
import type { QueryResult } from '../kql/query.ts'
import type { KqlType } from '../kql/types.ts'
import { formatDateTime, Timespan, toKqlString } from '../kql/values.ts'

/** The JSON text of one cell, as the service writes a value of that column type. */
const cellJson = (type: KqlType, v: unknown): string => {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'bigint') return v.toString() // a long beyond 2^53, kept exact
  switch (type) {
    case 'datetime':
      return JSON.stringify(v instanceof Date ? formatDateTime(v) : toKqlString(v))
    case 'timespan':
      return JSON.stringify(v instanceof Timespan ? v.toString() : toKqlString(v))
    case 'dynamic':
      // The service sends dynamic values as JSON text; clients parse it back. (Longs inside stay exact.)
      return JSON.stringify(stringifyJson(v))
    case 'int':
    case 'long':
    case 'real':
      if (typeof v === 'number') return Number.isFinite(v) ? String(v) : JSON.stringify(String(v))
      return JSON.stringify(toKqlString(v))
    case 'bool':
      return typeof v === 'boolean' ? String(v) : JSON.stringify(toKqlString(v))
    default:
      return JSON.stringify(toKqlString(v))
  }
}

/** The JSON text of a result table (written by hand so a `bigint` long stays an exact JSON number). */
export const tableJson = (result: QueryResult, name = 'PrimaryResult'): string => {
  const rows = result.rows.map((row) => `[${row.map((v, i) => cellJson(result.columns[i]!.type, v)).join(',')}]`)
  return `{"name":${JSON.stringify(name)},"columns":${JSON.stringify(result.columns)},"rows":[${rows.join(',')}]}`
}

/** A query API error (`{error:{message, code, correlationId, innererror?}}`) and its status. */
export interface QueryApiError {
  status: number
  body: { error: Record<string, unknown> }
}

export const queryApiError = (
  status: number,
  code: string,
  message: string,
  correlationId: string,
  innererror?: Record<string, unknown>,
): QueryApiError => ({
  status,
  body: { error: { message, code, correlationId, ...(innererror === undefined ? {} : { innererror }) } },
})

/** A KQL error as the service reports a bad query: 400 `BadArgumentError` with a syntax or semantic inner error. */
export const kqlErrorResponse = (e: KqlError, correlationId: string): QueryApiError => {
  const syntax = e.kind === 'syntax'
  return queryApiError(400, 'BadArgumentError', 'The request had some invalid properties', correlationId, {
    code: syntax ? 'SyntaxError' : 'SemanticError',
    message: syntax ? 'A recognition error occurred in the query.' : 'A semantic error occurred.',
    innererror: {
      // SYN0002 and SEM0100 are the service's codes; EMULATOR_UNSUPPORTED marks valid KQL the emulator does not run.
      code: syntax ? 'SYN0002' : e.kind === 'semantic' ? 'SEM0100' : 'EMULATOR_UNSUPPORTED',
      message: e.message,
      pos: e.pos,
    },
  })
}

export const isKqlError = (e: unknown): e is KqlError => e instanceof KqlError
