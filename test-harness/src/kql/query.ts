/**
 * Runs a Log Analytics query (`Table | where … | summarize …`) over the rows of a workspace: the emulator's read
 * side. Pure: tables and the clock come in through the context; the result holds typed JS values, which the query
 * API encodes.
 */
import type { Row } from '../schema/convert.ts'
import { KqlSemanticError } from './errors.ts'
import type { CallContext } from './function-types.ts'
import { FUNCTIONS, QUERY_ONLY_FUNCTIONS } from './functions.ts'
import { parseKql } from './parser.ts'
import { compileRowOperator } from './row-operators.ts'
import { compileExpr, type Scope } from './scalar.ts'
import { compileSetOperator, type TableStep } from './set-operators.ts'
import { compileSummarize } from './summarize.ts'
import { type KqlType, type TypedColumn, typeOfValue } from './types.ts'

/** A table as a query reads it. */
export interface QueryTable {
  /** Columns in order; a type is undefined when only the values can tell. */
  columns: readonly TypedColumn[]
  rows: readonly Row[]
}

export interface QueryContext {
  /** `now()` and `ago()` are relative to this. */
  now: Date
  /** The workspace's table of that name (names are case-sensitive, as in Kusto), or undefined. */
  table(name: string): QueryTable | undefined
  /** Names of the tables that exist, for the message about one that does not. */
  tableNames?: () => string[]
  /** The request's `timespan`: only rows whose `TimeGenerated` falls inside are read. */
  timeRange?: { start: Date; end: Date }
}

export interface QueryResultColumn {
  name: string
  type: KqlType
}

/** A result table: rows are arrays in column order, values typed (`Date`, `Timespan`, numbers, JSON). */
export interface QueryResult {
  columns: QueryResultColumn[]
  rows: unknown[][]
}

const QUERY_FUNCTIONS = { ...FUNCTIONS, ...QUERY_ONLY_FUNCTIONS }

/** Row-at-a-time steps run in batches between whole-table steps. */
const rowSteps =
  (steps: ((row: Row, ctx: CallContext) => Row | null)[]): TableStep =>
  (rows, ctx) => {
    const out: Row[] = []
    for (const row of rows) {
      let current: Row | null = row
      for (let i = 0; i < steps.length && current !== null; i++) current = steps[i]!(current, ctx)
      if (current !== null) out.push(current)
    }
    return out
  }

const inRange = (rows: readonly Row[], range: { start: Date; end: Date }): Row[] => {
  const start = range.start.getTime()
  const end = range.end.getTime()
  return rows.filter((r) => {
    const t = r['TimeGenerated']
    return t instanceof Date && t.getTime() >= start && t.getTime() <= end
  })
}

/** Column types that only the values can tell: the first non-null value decides, else `string`. */
const resolveTypes = (columns: readonly TypedColumn[], rows: readonly Row[]): QueryResultColumn[] =>
  columns.map((c) => {
    if (c.type !== undefined) return { name: c.name, type: c.type }
    for (const r of rows) {
      const t = typeOfValue(r[c.name])
      if (t !== undefined) return { name: c.name, type: t }
    }
    return { name: c.name, type: 'string' }
  })

/**
 * Parses, checks and runs a query. Throws `KqlError` (syntax, semantic or unsupported, with the position) for a
 * query the emulator cannot run: an unknown table or column, an unsupported operator or function.
 */
export const runQuery = (text: string, ctx: QueryContext): QueryResult => {
  const query = parseKql(text, 'query')
  let scope: Scope = {
    columns: [],
    lets: new Map(query.lets.map((l) => [l.name, l])),
    params: new Map(),
    functions: QUERY_FUNCTIONS,
    context: 'queries',
  }
  let input: Row[]
  if (query.input.kind === 'table') {
    const name = query.input.name
    const table = ctx.table(name)
    if (table === undefined) {
      const first = query.operators[0]
      const where = first === undefined ? '' : `'${first.keyword}' operator: `
      const hint =
        name === 'source'
          ? " ('source' is the input of a transformation; a query starts with a table name)"
          : ctx.tableNames === undefined
            ? ''
            : ` (tables in this workspace: ${ctx.tableNames().join(', ') || 'none yet'})`
      throw new KqlSemanticError(
        `${where}Failed to resolve table or column expression named '${name}'${hint}`,
        query.input.pos,
      )
    }
    input = ctx.timeRange === undefined ? table.rows.slice() : inRange(table.rows, ctx.timeRange)
    scope = { ...scope, columns: table.columns.slice() }
  } else if (query.input.kind === 'print') {
    const names = query.input.assignments.map((a, i) => a.name ?? `print_${i}`)
    const compiled = query.input.assignments.map((a) => compileExpr(a.expr, scope))
    const row: Row = {}
    names.forEach((n, i) => {
      row[n] = compiled[i]!.eval({}, ctx) ?? null
    })
    input = [row]
    scope = { ...scope, columns: names.map((name, i) => ({ name, type: compiled[i]!.type })) }
  } else throw new KqlSemanticError('A query starts with a table name', 0) // the query parser never yields 'source'

  const steps: TableStep[] = []
  let pending: ((row: Row, c: CallContext) => Row | null)[] = []
  const flush = (): void => {
    if (pending.length > 0) steps.push(rowSteps(pending))
    pending = []
  }
  for (const op of query.operators) {
    const row = compileRowOperator(op, scope, (v) => v ?? null)
    if (row !== undefined) {
      pending.push(row.step)
      scope = { ...scope, columns: row.columns }
      continue
    }
    flush()
    const set = op.op === 'summarize' ? compileSummarize(op, scope) : compileSetOperator(op, scope)!
    steps.push(set.step)
    scope = { ...scope, columns: set.columns }
  }
  flush()

  const call: CallContext = { now: ctx.now }
  let rows = input
  for (const step of steps) rows = step(rows, call)
  const columns = resolveTypes(scope.columns ?? [], rows)
  return { columns, rows: rows.map((r) => columns.map((c) => r[c.name] ?? null)) }
}
