/**
 * The Auxiliary table plan's ingestion rules, checked before the service answers (logs-ingestion-api §5, §7):
 * nested JSON only into dynamic columns, else 400 "malformed JSON"; and at most 30 minutes between the earliest and
 * the latest TimeGenerated of one call (`RecordsTimeRangeIsMoreThan30Minutes`), for data flows without a
 * transformation. Pure.
 */
import type { LoadedStream } from './dcr-loader.ts'
import type { AzureError } from './http.ts'
import { INVALID, parseDateTime } from './schema/convert.ts'

export const AUXILIARY_MAX_SPAN_MS = 30 * 60_000

const isNested = (v: unknown): boolean => typeof v === 'object' && v !== null

const minutes = (ms: number): string => `${Math.round(ms / 60_000)} minutes`

/** The 400 the service answers for a call to a stream that feeds an Auxiliary table, or undefined. */
export const checkAuxiliaryRules = (body: unknown, stream: LoadedStream): AzureError | undefined => {
  const auxiliary = stream.flows.filter((f) => f.auxiliary)
  if (auxiliary.length === 0 || !Array.isArray(body) || stream.columns === undefined) return undefined
  const tables = [...new Set(auxiliary.map((f) => f.table))].join(', ')
  const flat = stream.columns.filter((c) => c.type !== 'dynamic')
  for (let i = 0; i < body.length; i++) {
    const record: unknown = body[i]
    if (typeof record !== 'object' || record === null) continue
    for (const column of flat) {
      if (isNested((record as Record<string, unknown>)[column.name])) {
        return {
          status: 400,
          code: 'BadRequest',
          message: `The request body is malformed JSON for the Auxiliary table ${tables}: record ${i}, column '${column.name}' (${column.type}) holds nested JSON, which Auxiliary tables accept only in dynamic columns. Declare '${column.name}' as dynamic, or send it as a string.`,
        }
      }
    }
  }
  const hasTimeGenerated = stream.columns.some((c) => c.name === 'TimeGenerated')
  if (!hasTimeGenerated || !auxiliary.some((f) => f.transform.identity)) return undefined
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (const record of body) {
    const t =
      typeof record === 'object' && record !== null
        ? parseDateTime((record as Record<string, unknown>)['TimeGenerated'])
        : INVALID
    if (t === INVALID) continue
    min = Math.min(min, t.getTime())
    max = Math.max(max, t.getTime())
  }
  if (max - min <= AUXILIARY_MAX_SPAN_MS) return undefined
  return {
    status: 400,
    code: 'RecordsTimeRangeIsMoreThan30Minutes',
    message: `The records' TimeGenerated values span ${minutes(max - min)} (${new Date(min).toISOString()} to ${new Date(max).toISOString()}); one call to the Auxiliary table ${tables} may span at most 30 minutes. Split the batch by time.`,
  }
}
