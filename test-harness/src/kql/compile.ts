/**
 * Compiles a DCR transformation (`transformKql`) into a per-record function. Column references are checked against
 * the input schema when it is known, so a DCR with a misspelt column fails at load, as the service refuses it at
 * creation; column types flow through, so `Count / 2` divides integers as Kusto does.
 */
import type { Row } from '../schema/convert.ts'
import type { Column } from '../schema/types.ts'
import { SET_OPERATORS } from './ast.ts'
import { KqlUnsupportedError } from './errors.ts'
import type { CallContext } from './function-types.ts'
import { FUNCTIONS } from './functions.ts'
import { parseKql } from './parser.ts'
import { compileRowOperator, type Step } from './row-operators.ts'
import { compileExpr, type Scope } from './scalar.ts'
import { type TypedColumn, toTypedColumns } from './types.ts'
import { toStorable } from './values.ts'

export type { CallContext } from './function-types.ts'

/** A transformation ready to run: one row in, at most one row out. */
export interface CompiledTransform {
  /** The KQL text. */
  readonly text: string
  /** True for `source` alone: rows pass through unchanged. */
  readonly identity: boolean
  /** Output columns when the input schema is known. */
  readonly outputColumns: readonly string[] | undefined
  /** Output columns with their KQL types (a type is undefined where it depends on the values), when known. */
  readonly outputSchema: readonly TypedColumn[] | undefined
  run(row: Row, ctx: CallContext): Row | null
}

/** Maximum length of a transformation (service limits: 15,360 characters). */
export const MAX_TRANSFORM_LENGTH = 15_360
/** Columns one `parse` may extract in a transformation (service limits). */
export const MAX_PARSE_COLUMNS = 10

/** An error in a transformation, with where it is. */
export class TransformError extends Error {
  override readonly name = 'TransformError'
}

/**
 * Parses and compiles `transformKql` against the input columns: names, or typed columns (a stream declaration),
 * or undefined for an unknown schema (no column checks). Throws `TransformError` naming the problem and its position.
 */
export const compileTransform = (
  text: string,
  inputColumns: readonly (string | Column)[] | undefined,
): CompiledTransform => {
  if (text.length > MAX_TRANSFORM_LENGTH) {
    throw new TransformError(
      `The transformation is ${text.length} characters long; the limit is ${MAX_TRANSFORM_LENGTH}.`,
    )
  }
  const steps: Step[] = []
  let columns: TypedColumn[] | undefined
  try {
    const query = parseKql(text, 'transform')
    let scope: Scope = {
      columns: inputColumns === undefined ? undefined : toTypedColumns(inputColumns),
      lets: new Map(query.lets.map((l) => [l.name, l])),
      params: new Map(),
      functions: FUNCTIONS,
      context: 'transformations',
    }
    if (query.input.kind === 'print') {
      // `print` ignores the input record and produces one row from constants.
      const names = query.input.assignments.map((a, i) => a.name ?? `print_${i}`)
      const compiled = query.input.assignments.map((a) => compileExpr(a.expr, { ...scope, columns: [] }))
      steps.push((row, ctx) => {
        const out: Row = {}
        names.forEach((n, i) => {
          out[n] = toStorable(compiled[i]!.eval(row, ctx))
        })
        return out
      })
      scope = { ...scope, columns: names.map((name, i) => ({ name, type: compiled[i]!.type })) }
    }
    for (const op of query.operators) {
      if (SET_OPERATORS.has(op.op)) {
        throw new KqlUnsupportedError(
          `The '${op.keyword}' operator is not supported in transformations (records are processed one at a time)`,
          op.pos,
        )
      }
      if (op.op === 'parse' && op.parts.filter((p) => p.kind === 'column').length > MAX_PARSE_COLUMNS) {
        throw new KqlUnsupportedError(
          `parse may extract at most ${MAX_PARSE_COLUMNS} columns per statement in transformations`,
          op.pos,
        )
      }
      const compiled = compileRowOperator(op, scope)!
      steps.push(compiled.step)
      scope = { ...scope, columns: compiled.columns }
    }
    columns = scope.columns === undefined ? undefined : [...scope.columns]
  } catch (e) {
    throw new TransformError((e as Error).message, { cause: e })
  }
  return {
    text,
    identity: steps.length === 0,
    outputColumns: columns?.map((c) => c.name),
    outputSchema: columns,
    run(row, ctx) {
      let current: Row | null = row
      for (let i = 0; i < steps.length && current !== null; i++) current = steps[i]!(current, ctx)
      return current
    },
  }
}
