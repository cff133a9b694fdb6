/**
 * Checks a DCR document the way DCR creation does (core's `readDcr`), compiles each data flow's transformKql with
 * the emulator's engine (the supported subset, with column checks), and compares what each flow writes with its
 * table when the table's schema is known. Pure.
 */
import {
  checkColumnName,
  closestName,
  type DcrDataFlow,
  type DcrProblem,
  readDcr,
  type StreamDeclaration,
} from '@dcr-logs/core'
import { type CompiledTransform, compileTransform, type TableSchema, TransformError } from '@dcr-logs/test-harness'
import type { Finding } from './findings.ts'
import { findTable } from './tables.ts'

/** One data flow as samples go through it. */
export interface FlowTarget {
  readonly flow: DcrDataFlow
  readonly transform: CompiledTransform | undefined
  readonly table: string | undefined
  readonly tableSchema: TableSchema | undefined
}

export interface DcrCheck {
  readonly findings: Finding[]
  readonly declarations: readonly StreamDeclaration[]
  /** The flows reading each stream. */
  readonly flowsByStream: ReadonlyMap<string, readonly FlowTarget[]>
}

/** `Custom-AppLogs_CL` → `AppLogs_CL`, `Microsoft-Syslog` → `Syslog`, `Microsoft-Table-Event` → `Event`. */
export const tableOf = (outputStream: string | undefined): string | undefined => {
  if (outputStream === undefined) return undefined
  const m = /^Custom-(.+_CL)$/.exec(outputStream) ?? /^Microsoft-(?:Table-)?(.+)$/.exec(outputStream)
  return m?.[1]
}

/** Names the column a transformation refers to but its input lacks, with the closest declared one. */
const explainUnknownColumn = (message: string, stream: string, columns: readonly string[] | undefined): string => {
  const name = /Failed to resolve scalar expression named '([^']+)'/.exec(message)?.[1]
  if (name === undefined || columns === undefined) return message
  const near = closestName(name, columns) ?? columns.find((c) => c.toLowerCase().startsWith(name.toLowerCase()))
  return `${message}: ${stream} has no column '${name}'${near === undefined ? '' : ` (did you mean '${near}'?)`}`
}

/** Transformations the service supports but the emulator cannot run: reported as not checked, not as errors. */
const NOT_EMULATED = /supported by the service but not by the emulator|found 'datatable'|parse kind=/

const fromProblem = (p: DcrProblem, source: string): Finding => ({
  // a placeholder is expected in a body meant to be filled in (as dcr-logs init writes it)
  severity: p.code === 'Placeholder' ? 'info' : p.severity,
  code: p.code,
  where: `${source}: ${p.path}`,
  message: p.message,
})

const checkTableColumns = (schema: TableSchema, source: string): Finding[] =>
  schema.columns.flatMap((c) => {
    const problem = checkColumnName(c.name)
    return problem === undefined
      ? []
      : [
          {
            severity: 'error' as const,
            code: 'InvalidColumnName',
            where: `${source}: table ${schema.name}`,
            message: problem.message,
          },
        ]
  })

const flowFindings = (target: FlowTarget, stream: string, source: string): Finding[] => {
  const { flow, transform, table, tableSchema } = target
  const where = `${source}: properties.dataFlows[${flow.index}]`
  if (table === undefined) return []
  if (tableSchema === undefined) {
    return [
      {
        severity: 'info',
        code: 'TableNotChecked',
        where,
        message: `the schema of ${table} is not known here, so the columns the flow writes are not checked; pass --table-schema with the table (the .table.json or template dcr-logs init wrote)`,
      },
    ]
  }
  const out = transform?.outputColumns
  if (out === undefined) return []
  const have = new Set(tableSchema.columns.map((c) => c.name))
  const findings: Finding[] = out
    .filter((c) => !have.has(c))
    .map((c) => ({
      severity: 'error' as const,
      code: 'ColumnNotInTable',
      where,
      message: `${stream} → ${table} writes column '${c}', which ${table} does not have: Azure drops it without an error (DCR metric "Log Columns Dropped per Min"); add the column to the table, or project it away in transformKql`,
    }))
  if (!out.includes('TimeGenerated')) {
    findings.push({
      severity: 'warning',
      code: 'NoTimeGenerated',
      where,
      message: `the flow into ${table} produces no TimeGenerated; every table needs it: extend it, e.g. "source | extend TimeGenerated = now()"`,
    })
  }
  return findings
}

/** Checks every DCR in the document. `tables`: schemas given by the user or found next to the DCR. */
export const checkDcrDocument = (doc: unknown, source: string, tables: readonly TableSchema[]): DcrCheck => {
  const read = readDcr(doc)
  if (!read.ok) {
    return {
      findings: [{ severity: 'error', code: 'NotADcr', where: source, message: read.message }],
      declarations: [],
      flowsByStream: new Map(),
    }
  }
  const findings: Finding[] = []
  const declarations: StreamDeclaration[] = []
  const flowsByStream = new Map<string, FlowTarget[]>()
  for (const t of tables) findings.push(...checkTableColumns(t, source))
  for (const dcr of read.dcrs) {
    findings.push(...dcr.problems.map((p) => fromProblem(p, source)))
    declarations.push(...dcr.streams)
    for (const flow of dcr.dataFlows) {
      for (const stream of flow.streams) {
        const declared = dcr.streams.find((s) => s.streamName === stream)
        const table = tableOf(flow.outputStream ?? (stream.startsWith('Microsoft-') ? stream : undefined))
        const inputColumns =
          declared?.columns.map((c) => c.name) ?? findTable(tableOf(stream) ?? '', tables)?.columns.map((c) => c.name)
        let transform: CompiledTransform | undefined
        try {
          transform = compileTransform(flow.transformKql, inputColumns)
        } catch (error) {
          if (!(error instanceof TransformError)) throw error
          const notEmulated = NOT_EMULATED.test(error.message)
          findings.push({
            severity: notEmulated ? 'info' : 'error',
            code: notEmulated ? 'TransformNotChecked' : 'InvalidTransformQuery',
            where: `${source}: properties.dataFlows[${flow.index}].transformKql`,
            message: notEmulated
              ? `not checked: ${error.message} (Azure supports it; the local engine does not run it)`
              : `${explainUnknownColumn(error.message, stream, inputColumns)}. Transformations support a subset of KQL: see "Supported KQL features in Azure Monitor transformations"`,
          })
        }
        const target: FlowTarget = {
          flow,
          transform,
          table,
          tableSchema: table === undefined ? undefined : findTable(table, tables),
        }
        if (transform !== undefined) findings.push(...flowFindings(target, stream, source))
        flowsByStream.set(stream, [...(flowsByStream.get(stream) ?? []), target])
      }
    }
    if (dcr.dataFlows.some((f) => f.outputStream === 'Microsoft-CommonSecurityLog')) {
      findings.push({
        severity: 'info',
        code: 'SentinelTable',
        where: source,
        message:
          'CommonSecurityLog exists only in workspaces onboarded to Microsoft Sentinel; elsewhere DCR creation fails with InvalidOutputTable',
      })
    }
  }
  return { findings, declarations, flowsByStream }
}
