/**
 * Infers stream columns from sample records: the top-level fields become columns, typed so that every sample
 * value fits (`createConformer` keeps or converts it, never drops it). Nested objects and arrays are `dynamic`,
 * ISO 8601 text is `datetime`, whole numbers `long` (an `int` column would lose a later value above 2^31). Pure.
 */
import type { ColumnDefinition, StreamColumnType } from '../schema.js'
import { checkColumnName } from './column-names.js'
import { isIsoDateTime } from './datetime.js'

/** What was learnt about one top-level field. */
export interface InferredField {
  readonly field: string
  /** The column it becomes: the field name, or undefined when the name cannot be a column. */
  readonly column: string | undefined
  readonly type: StreamColumnType
  /** Samples holding a non-null value. */
  readonly seen: number
  /** The distinct value types met, in the order met. */
  readonly valueTypes: readonly StreamColumnType[]
  /** Why the field is not a column, or how mixed values were settled. */
  readonly note: string | undefined
}

export interface InferResult {
  /** The columns to declare, in order of first appearance (`TimeGenerated` first when present). */
  readonly columns: readonly ColumnDefinition[]
  readonly fields: readonly InferredField[]
  /** Samples read (objects only). */
  readonly records: number
  /** Samples that were not JSON objects, and so were not read. */
  readonly skipped: number
  /** The datetime column that best serves as `TimeGenerated`, or undefined when there is none. */
  readonly timeColumn: string | undefined
}

const INT64 = 2 ** 63
/** Names that usually hold the time of a log record, best first. */
const TIME_FIELDS = ['TimeGenerated', 'time', 'timestamp', 'Timestamp', 'time_generated', 'ts', 'date', 'datetime']

/** The column type of one value, or undefined for null/undefined. */
export const inferValueType = (value: unknown): StreamColumnType | undefined => {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'boolean') return 'boolean'
  if (typeof value === 'bigint') return value >= -(2n ** 63n) && value < 2n ** 63n ? 'long' : 'real'
  if (typeof value === 'number') return Number.isInteger(value) && value >= -INT64 && value < INT64 ? 'long' : 'real'
  if (typeof value === 'string') return isIsoDateTime(value) ? 'datetime' : 'string'
  if (value instanceof Date) return 'datetime'
  if (typeof value === 'object') return 'dynamic'
  return 'string'
}

/** The narrowest type every value of both types fits. */
export const joinTypes = (a: StreamColumnType, b: StreamColumnType): StreamColumnType => {
  if (a === b) return a
  if (a === 'dynamic' || b === 'dynamic') return 'dynamic'
  const numeric = (t: StreamColumnType) => t === 'long' || t === 'real' || t === 'int'
  if (numeric(a) && numeric(b)) return a === 'real' || b === 'real' ? 'real' : 'long'
  // every scalar has a text form; strings do not all have a number or time form
  return 'string'
}

interface Acc {
  field: string
  type: StreamColumnType | undefined
  seen: number
  valueTypes: StreamColumnType[]
}

/**
 * @example
 * inferColumns([{ time: '2026-01-15T10:00:00Z', status: 200, req: { id: 'r1' } }]).columns
 * // [{ name: 'time', type: 'datetime' }, { name: 'status', type: 'long' }, { name: 'req', type: 'dynamic' }]
 */
export const inferColumns = (samples: Iterable<unknown>): InferResult => {
  const fields = new Map<string, Acc>()
  let records = 0
  let skipped = 0
  for (const sample of samples) {
    if (sample === null || typeof sample !== 'object' || Array.isArray(sample)) {
      skipped++
      continue
    }
    records++
    for (const [field, value] of Object.entries(sample)) {
      let acc = fields.get(field)
      if (acc === undefined) {
        acc = { field, type: undefined, seen: 0, valueTypes: [] }
        fields.set(field, acc)
      }
      const t = inferValueType(value)
      if (t === undefined) continue
      acc.seen++
      if (!acc.valueTypes.includes(t)) acc.valueTypes.push(t)
      acc.type = acc.type === undefined ? t : joinTypes(acc.type, t)
    }
  }

  const inferred: InferredField[] = [...fields.values()].map((acc) => {
    const type = acc.type ?? 'string'
    const problem = checkColumnName(acc.field)
    let note: string | undefined
    if (problem !== undefined) {
      note = `not a column: ${problem.message.replace(/; rename it/, '; rename the field where it is logged')}`
    } else if (acc.type === undefined) {
      note = 'only null values in the samples: declared as string'
    } else if (acc.valueTypes.length > 1) {
      note = `mixed values (${acc.valueTypes.join(', ')}): declared as ${type}, which holds them all`
    }
    return {
      field: acc.field,
      column: problem === undefined ? acc.field : undefined,
      type,
      seen: acc.seen,
      valueTypes: acc.valueTypes,
      note,
    }
  })
  const usable = inferred.filter((f) => f.column !== undefined)
  usable.sort((a, b) => Number(b.field === 'TimeGenerated') - Number(a.field === 'TimeGenerated'))
  const datetimes = usable.filter((f) => f.type === 'datetime').map((f) => f.field)
  const timeColumn = TIME_FIELDS.find((n) => datetimes.includes(n)) ?? datetimes[0]
  return {
    columns: usable.map((f) => ({ name: f.column!, type: f.type })),
    fields: inferred,
    records,
    skipped,
    timeColumn,
  }
}
