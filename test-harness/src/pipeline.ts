/**
 * From a parsed request body to table rows, as the service does after it answered 204: enforce the stream
 * declaration, run each data flow's transformation, fit the output to the table, fix TimeGenerated. Pure.
 */
import type { LoadedFlow, LoadedStream } from './dcr-loader.ts'
import { toKqlDateTime } from './kql/values.ts'
import { type ConversionIssue, preview, type Row } from './schema/convert.ts'

/** A problem that DCRLogErrors would show. */
export interface PipelineError {
  operationName: 'Ingestion' | 'Transformation'
  message: string
}

/** What one data flow produced: rows for its table, in each of its workspaces. */
export interface FlowOutput {
  flow: LoadedFlow
  rows: Row[]
}

export interface PipelineResult {
  /** Rows per data flow (two flows may write to the same table, in different workspaces). */
  outputs: FlowOutput[]
  errors: PipelineError[]
  /** Items in the body (0 when the body is not an array). */
  records: number
}

/** How far TimeGenerated may be from the receive time before it is replaced (log-standard-columns). */
export const TIME_GENERATED_PAST_MS = 2 * 86_400_000
export const TIME_GENERATED_FUTURE_MS = 86_400_000

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)

const issuesMessage = (index: number, issues: ConversionIssue[], what: string): string =>
  `Record ${index}: ${issues
    .map((i) => `column '${i.column}' (${i.type}) could not be converted from ${preview(i.value)}`)
    .join('; ')}; ${what}`

/** TimeGenerated outside [receive − 2 days, receive + 1 day], missing or unreadable → the receive time. */
const fixTimeGenerated = (row: Row, received: Date): void => {
  const t = row['TimeGenerated']
  const d = t instanceof Date ? t : toKqlDateTime(t)
  const ms = d?.getTime()
  const now = received.getTime()
  if (
    ms === undefined ||
    Number.isNaN(ms) ||
    ms < now - TIME_GENERATED_PAST_MS ||
    ms > now + TIME_GENERATED_FUTURE_MS
  ) {
    row['TimeGenerated'] = received
  } else if (!(t instanceof Date)) row['TimeGenerated'] = d
}

/** Processes a decoded JSON body sent to `stream`. */
export const runPipeline = (body: unknown, stream: LoadedStream, received: Date): PipelineResult => {
  const outputs: FlowOutput[] = []
  const errors: PipelineError[] = []
  if (!Array.isArray(body)) {
    // Observed service behaviour: 204 and nothing ingested (Azure/azure-sdk-for-python#32562).
    errors.push({
      operationName: 'Ingestion',
      message: `The request body is a JSON ${typeName(body)}, not an array of records; nothing was ingested.`,
    })
    return { outputs, errors, records: 0 }
  }
  const converter = stream.converter!
  const inputRows: (Row | undefined)[] = new Array(body.length)
  const issues: ConversionIssue[] = []
  for (let i = 0; i < body.length; i++) {
    const item: unknown = body[i]
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      errors.push({
        operationName: 'Ingestion',
        message: `Record ${i} is a JSON ${typeName(item)}, not an object; it was dropped.`,
      })
      continue
    }
    inputRows[i] = converter.convert(item as Record<string, unknown>, issues)
    if (issues.length > 0) {
      errors.push({ operationName: 'Ingestion', message: issuesMessage(i, issues, 'the value was stored empty.') })
      issues.length = 0
    }
  }
  const ctx = { now: received }
  const shared = stream.flows.length > 1
  for (const flow of stream.flows) {
    const out: Row[] = []
    outputs.push({ flow, rows: out })
    for (let i = 0; i < inputRows.length; i++) {
      const input = inputRows[i]
      if (input === undefined) continue
      let row: Row | null
      if (flow.transform.identity) row = shared ? { ...input } : input
      else {
        try {
          row = flow.transform.run(input, ctx)
        } catch (e) {
          errors.push({
            operationName: 'Transformation',
            message: `Record ${i}: the transformation of dataFlows[${flow.index}] failed (${(e as Error).message}); the record was dropped.`,
          })
          continue
        }
      }
      if (row === null) continue
      if (flow.tableConverter !== undefined) {
        row = flow.tableConverter.convert(row, issues)
        if (issues.length > 0) {
          errors.push({
            operationName: 'Transformation',
            message: issuesMessage(i, issues, `the value was stored empty in ${flow.table}.`),
          })
          issues.length = 0
        }
      }
      fixTimeGenerated(row, received)
      out.push(row)
    }
  }
  return { outputs, errors, records: body.length }
}
