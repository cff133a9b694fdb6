/**
 * Runs sample records through what the service would do with them: the stream declaration (undeclared fields
 * dropped, values converted or lost), each data flow's transformation (records filtered, columns produced), the
 * table (columns it lacks dropped) and the TimeGenerated window. Pure: records in, findings out.
 */
import { type ColumnDefinition, createConformer, type StreamDeclaration } from '@dcr-logs/core'
import { preview } from '../format.ts'
import type { FlowTarget } from './dcr-checks.ts'
import { type Finding, FindingGatherer } from './findings.ts'

const DAY = 86_400_000
/** The service replaces a TimeGenerated older than this, or further ahead than TIME_AHEAD, with the receive time. */
const TIME_BEHIND = 2 * DAY
const TIME_AHEAD = DAY

export interface SampleChecker {
  badLine(line: number, reason: string): void
  record(line: number, record: Record<string, unknown>): void
  findings(): Finding[]
}

/** What the service holds for a record before the transformation: every declared column, typed, empty if missing. */
const serviceRow = (record: Record<string, unknown>, columns: readonly ColumnDefinition[]): Record<string, unknown> => {
  const row: Record<string, unknown> = {}
  for (const c of columns) {
    const v = record[c.name]
    if (v === undefined || v === null) row[c.name] = c.type === 'string' ? '' : null
    else if (c.type === 'datetime') row[c.name] = v instanceof Date ? v : new Date(v as string)
    else row[c.name] = v
  }
  return row
}

const timeOf = (v: unknown): number | undefined => {
  const ms = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : Number.NaN
  return Number.isNaN(ms) ? undefined : ms
}

export const createSampleChecker = (
  declaration: StreamDeclaration,
  flows: readonly FlowTarget[],
  file: string,
  now: number,
): SampleChecker => {
  const conform = createConformer(declaration)
  const types = new Map(declaration.columns.map((c) => [c.name, c.type]))
  const gather = new FindingGatherer()
  const stream = declaration.streamName
  let records = 0
  const filtered = new Map<number, number>()
  const ctx = { now: new Date(now) }

  const runFlow = (target: FlowTarget, line: number, row: Record<string, unknown>): void => {
    const { flow, transform, table, tableSchema } = target
    if (transform === undefined) return
    let out: Record<string, unknown> | null
    try {
      out = transform.run(row, ctx)
    } catch (error) {
      gather.add(`transform-error:${flow.index}`, line, () => ({
        severity: 'error',
        code: 'TransformationError',
        where: file,
        message: `the transformation of data flow ${flow.index} fails on these records (${(error as Error).message}); Azure drops them and logs a Transformation error in DCRLogErrors`,
      }))
      return
    }
    if (out === null) {
      filtered.set(flow.index, (filtered.get(flow.index) ?? 0) + 1)
      return
    }
    const time = out['TimeGenerated']
    const ms = timeOf(time)
    if (ms === undefined) {
      gather.add(`no-time:${flow.index}`, line, () => ({
        severity: 'warning',
        code: 'NoTimeGenerated',
        where: file,
        message: `rows for ${table ?? flow.outputStream} have no TimeGenerated: Azure stores them with the time they arrive`,
      }))
    } else if (ms < now - TIME_BEHIND || ms > now + TIME_AHEAD) {
      gather.add(`time-window:${flow.index}`, line, () => ({
        severity: 'warning',
        code: 'TimeGeneratedOutOfRange',
        where: file,
        message: `TimeGenerated ${preview(time)} is more than 2 days old or 1 day ahead: Azure replaces it with the time the record arrives (keep the original in another column for backfills)`,
      }))
    }
    if (tableSchema !== undefined && transform.outputColumns === undefined) {
      const have = new Set(tableSchema.columns.map((c) => c.name))
      for (const column of Object.keys(out)) {
        if (have.has(column)) continue
        gather.add(`not-in-table:${flow.index}:${column}`, line, () => ({
          severity: 'error',
          code: 'ColumnNotInTable',
          where: file,
          message: `column '${column}' is not in ${tableSchema.name}: Azure drops it without an error (DCR metric "Log Columns Dropped per Min")`,
        }))
      }
    }
  }

  return {
    badLine(line, reason) {
      gather.add('bad-line', line, () => ({
        severity: 'error',
        code: 'BadLine',
        where: file,
        message: `not a record, so it would not be sent (first: ${reason})`,
      }))
    },
    record(line, record) {
      records++
      const result = conform(record)
      for (const u of result.unknownFields) {
        gather.add(`unknown:${u.field}`, line, () => ({
          severity: 'error',
          code: 'UndeclaredField',
          where: file,
          message: `field '${u.field}' is not declared in ${stream}: Azure drops it without an error${u.suggestion === undefined ? '' : ` (did you mean '${u.suggestion}'? names are case-sensitive)`}; declare it in the DCR and the table, or send it inside a dynamic column`,
        }))
      }
      for (const d of result.dropped) {
        gather.add(`dropped:${d.column}:${d.reason}`, line, () => ({
          severity: 'error',
          code: 'TypeMismatch',
          where: file,
          message: `'${d.column}' is declared ${d.type}, but ${preview(d.value)} is ${d.reason}: the value is lost (the column is stored empty)`,
        }))
      }
      for (const c of result.converted) {
        const kind = c.from instanceof Date ? 'Date' : typeof c.from
        gather.add(`converted:${c.column}:${kind}`, line, () => ({
          severity: 'warning',
          code: 'TypeConverted',
          where: file,
          message: `'${c.column}' is declared ${c.type}, but holds ${kind === 'object' ? 'JSON' : kind} ${preview(c.from)}: the service may convert it or store it empty (not documented); send ${types.get(c.column)} values (dcr-logs send --dcr converts them to ${preview(c.to)})`,
        }))
      }
      const row = serviceRow(result.record, declaration.columns)
      for (const target of flows) runFlow(target, line, row)
    },
    findings() {
      const findings = gather.findings()
      for (const target of flows) {
        const n = filtered.get(target.flow.index) ?? 0
        if (n === 0 || records === 0) continue
        const share = n / records
        findings.push({
          severity: share > 0.5 ? 'warning' : 'info',
          code: 'FilteredByTransformation',
          where: file,
          message: `transformKql of data flow ${target.flow.index} filters out ${n} of ${records} sample records (${Math.round(share * 100)}%): they are still sent${share > 0.5 ? ', and with more than 50% filtered the excess is billed as data processing; drop them in the logger (its level) instead' : ''}`,
        })
      }
      return findings
    },
  }
}
