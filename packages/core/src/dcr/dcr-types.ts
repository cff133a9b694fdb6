/**
 * The shapes DCR reading works with: a stream declaration, a data flow, a problem DCR creation would report, a
 * summary of one DCR, and the service limits they are checked against.
 */
import type { ColumnDefinition, StreamColumnType } from '../schema.js'

/** The 7 column types a stream declaration may use (no `guid`: declare it `string`). */
export const STREAM_COLUMN_TYPES: readonly StreamColumnType[] = Object.freeze([
  'string',
  'int',
  'long',
  'real',
  'boolean',
  'dynamic',
  'datetime',
])

/** Service limits of one DCR (Microsoft Learn, "Azure Monitor service limits", data collection rules). */
export const DCR_LIMITS = Object.freeze({ maxDataFlows: 10, maxTransformLength: 15_360 })

/** The columns a DCR reads from one input stream. */
export interface StreamDeclaration {
  readonly streamName: string
  readonly columns: readonly ColumnDefinition[]
}

/** One entry of `properties.dataFlows`. */
export interface DcrDataFlow {
  /** Index in `properties.dataFlows`. */
  readonly index: number
  readonly streams: readonly string[]
  readonly destinations: readonly string[]
  /** `"source"` when the flow has none. */
  readonly transformKql: string
  readonly outputStream: string | undefined
}

export type DcrProblemSeverity = 'error' | 'warning'

/** Something DCR creation refuses (`error`) or that loses records without an error (`warning`). */
export interface DcrProblem {
  readonly severity: DcrProblemSeverity
  /** Stable identifier, e.g. `InvalidColumnName`, `NotDirect` (the service's codes where it has one). */
  readonly code: string
  /** Where in the document, e.g. `properties.streamDeclarations['Custom-AppLogs'].columns[2]`. */
  readonly path: string
  readonly message: string
}

export interface DcrSummary {
  readonly name: string | undefined
  readonly kind: string | undefined
  readonly location: string | undefined
  /** `properties.immutableId` (GET responses only). */
  readonly immutableId: string | undefined
  /** `properties.endpoints.logsIngestion` (GET responses of kind Direct only). */
  readonly logsIngestionEndpoint: string | undefined
  readonly streams: readonly StreamDeclaration[]
  readonly dataFlows: readonly DcrDataFlow[]
  /** Names defined in `properties.destinations`. */
  readonly destinations: readonly string[]
  readonly problems: readonly DcrProblem[]
}

export type ReadDcrResult = { ok: true; dcrs: DcrSummary[] } | { ok: false; message: string }

export type StreamDeclarationResult = { ok: true; declaration: StreamDeclaration } | { ok: false; message: string }
