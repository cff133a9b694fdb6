/** The query operators that see every row at once: `take`, `count`, `sort`/`order`, `top`, `distinct`. Pure. */
import type { Row } from '../schema/convert.ts'
import type { SortKey, TabularOperator } from './ast.ts'
import { KqlSemanticError } from './errors.ts'
import type { CallContext } from './function-types.ts'
import { autoName } from './row-operators.ts'
import { compileExpr, type Scope } from './scalar.ts'
import type { TypedColumn } from './types.ts'
import { isNullish, kqlCompare, toKqlNumber, toKqlString } from './values.ts'

/** A whole-table step: rows in, rows out. */
export type TableStep = (rows: Row[], ctx: CallContext) => Row[]

export interface CompiledTableStep {
  step: TableStep
  columns: TypedColumn[] | undefined
}

/** A constant, non-negative row count (`take 10`). */
const rowCount = (
  op: { count: Parameters<typeof compileExpr>[0]; pos: number },
  scope: Scope,
  what: string,
): number => {
  const n = toKqlNumber(compileExpr(op.count, { ...scope, columns: [] }).eval({}, { now: new Date(0) }))
  if (n === null || !Number.isInteger(n) || n < 0) {
    throw new KqlSemanticError(`'${what}' needs a constant, non-negative row count`, op.pos)
  }
  return n
}

/** A comparator for sort keys: Kusto sorts descending by default, nulls last when descending. */
const comparator = (keys: SortKey[], scope: Scope): ((ctx: CallContext) => (a: Row, b: Row) => number) => {
  const evals = keys.map((k) => compileExpr(k.expr, scope).eval)
  return (ctx) => (a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      const x = evals[i]!(a, ctx)
      const y = evals[i]!(b, ctx)
      const xNull = isNullish(x)
      const yNull = isNullish(y)
      if (xNull || yNull) {
        if (xNull && yNull) continue
        return xNull === key.nullsFirst ? -1 : 1
      }
      const c = kqlCompare(x, y) ?? 0
      if (c !== 0) return key.desc ? -Math.sign(c) : Math.sign(c)
    }
    return 0
  }
}

/** A stable text key for a tuple of values (grouping and `distinct`). */
export const tupleKey = (values: readonly unknown[]): string =>
  values.map((v) => (isNullish(v) ? '\u0000' : `${typeof v}:${toKqlString(v)}`)).join('\u0001')

/** Compiles a whole-table operator other than `summarize`; undefined for row operators. */
export const compileSetOperator = (op: TabularOperator, scope: Scope): CompiledTableStep | undefined => {
  const cols = scope.columns
  switch (op.op) {
    case 'take': {
      const n = rowCount(op, scope, 'take')
      return { step: (rows) => rows.slice(0, n), columns: cols?.slice() }
    }
    case 'count':
      return { step: (rows) => [{ Count: rows.length }], columns: [{ name: 'Count', type: 'long' }] }
    case 'sort': {
      const compare = comparator(op.keys, scope)
      return { step: (rows, ctx) => rows.slice().sort(compare(ctx)), columns: cols?.slice() }
    }
    case 'top': {
      const n = rowCount(op, scope, 'top')
      const compare = comparator(op.keys, scope)
      return { step: (rows, ctx) => rows.slice().sort(compare(ctx)).slice(0, n), columns: cols?.slice() }
    }
    case 'distinct': {
      if (op.columns === '*') {
        const step: TableStep = (rows) => {
          const seen = new Set<string>()
          return rows.filter((r) => {
            const key = tupleKey(Object.values(r))
            if (seen.has(key)) return false
            seen.add(key)
            return true
          })
        }
        return { step, columns: cols?.slice() }
      }
      const names = op.columns.map(autoName)
      const compiled = op.columns.map((a) => compileExpr(a.expr, scope))
      const step: TableStep = (rows, ctx) => {
        const seen = new Set<string>()
        const out: Row[] = []
        for (const r of rows) {
          const values = compiled.map((c) => c.eval(r, ctx))
          const key = tupleKey(values)
          if (seen.has(key)) continue
          seen.add(key)
          const row: Row = {}
          names.forEach((n, i) => {
            row[n] = values[i] ?? null
          })
          out.push(row)
        }
        return out
      }
      return { step, columns: names.map((name, i) => ({ name, type: compiled[i]!.type })) }
    }
    default:
      return undefined
  }
}
