/** `summarize agg(…), … by key, …`: groups rows and folds each group with aggregation functions. Pure. */
import type { Row } from '../schema/convert.ts'
import { AGGREGATIONS, type Aggregation } from './aggregations.ts'
import type { Assignment, Expr, TabularOperator } from './ast.ts'
import { KqlSemanticError, KqlSyntaxError } from './errors.ts'
import { compileExpr, type Scalar, type Scope } from './scalar.ts'
import { type CompiledTableStep, type TableStep, tupleKey } from './set-operators.ts'
import type { TypedColumn } from './types.ts'

/** `Attributes.orderId` → `Attributes_orderId`; anything else has no path. */
const columnPath = (e: Expr | undefined): string | undefined => {
  if (e?.t === 'col') return e.name
  if (e?.t === 'member') {
    const parent = columnPath(e.obj)
    return parent === undefined ? undefined : `${parent}_${e.name}`
  }
  return undefined
}

/** Kusto names a grouping key after the column it reads: `bin(TimeGenerated, 1h)` is `TimeGenerated`. */
const keyName = (a: Assignment, index: number): string =>
  a.name ?? columnPath(a.expr) ?? (a.expr.t === 'call' ? columnPath(a.expr.args[0]) : undefined) ?? `Column${index + 1}`

/** Names unique within the output: a second `min_X` becomes `min_X1`. */
const uniqueNamer = (): ((name: string) => string) => {
  const used = new Set<string>()
  return (name) => {
    let out = name
    for (let i = 1; used.has(out); i++) out = `${name}${i}`
    used.add(out)
    return out
  }
}

interface CompiledAggregation {
  name: string
  agg: Aggregation
  args: Scalar[]
  type: TypedColumn['type']
}

const compileAggregation = (a: Assignment, scope: Scope): Omit<CompiledAggregation, 'name'> & { auto: string } => {
  const e = a.expr
  const agg = e.t === 'call' && Object.hasOwn(AGGREGATIONS, e.name) ? AGGREGATIONS[e.name] : undefined
  if (e.t !== 'call' || agg === undefined) {
    throw new KqlSemanticError(
      `summarize expects aggregation functions (${Object.keys(AGGREGATIONS).join(', ')}), such as count() or avg(Duration)`,
      e.pos,
    )
  }
  if (e.args.length < agg.min || e.args.length > agg.max) {
    throw new KqlSyntaxError(
      `${e.name}() expects ${agg.min === agg.max ? agg.min : `${agg.min} to ${agg.max}`} argument(s), got ${e.args.length}`,
      e.pos,
    )
  }
  const args = e.args.map((x) => compileExpr(x, scope))
  const path = columnPath(e.args[0])
  return {
    auto: `${agg.prefix}_${path ?? ''}`,
    agg,
    args: args.map((x) => x.eval),
    type: agg.type(args[0]?.type),
  }
}

export const compileSummarize = (
  op: Extract<TabularOperator, { op: 'summarize' }>,
  scope: Scope,
): CompiledTableStep => {
  const name = uniqueNamer()
  const keys = op.by.map((a, i) => ({ name: name(keyName(a, i)), compiled: compileExpr(a.expr, scope) }))
  const aggregations: CompiledAggregation[] = op.aggregations.map((a) => {
    const c = compileAggregation(a, scope)
    return { ...c, name: name(a.name ?? c.auto) }
  })
  const step: TableStep = (rows, ctx) => {
    const groups = new Map<string, { key: unknown[]; states: unknown[] }>()
    for (const row of rows) {
      const key = keys.map((k) => k.compiled.eval(row, ctx) ?? null)
      const id = tupleKey(key)
      let group = groups.get(id)
      if (group === undefined) {
        group = { key, states: aggregations.map((a) => a.agg.init()) }
        groups.set(id, group)
      }
      for (let i = 0; i < aggregations.length; i++) {
        const a = aggregations[i]!
        group.states[i] = a.agg.add(
          group.states[i],
          a.args.map((x) => x(row, ctx)),
        )
      }
    }
    // Without grouping keys an empty input still gives one row (`count_` 0), as in Kusto.
    if (groups.size === 0 && keys.length === 0)
      groups.set('', { key: [], states: aggregations.map((a) => a.agg.init()) })
    const out: Row[] = []
    for (const g of groups.values()) {
      const row: Row = {}
      keys.forEach((k, i) => {
        row[k.name] = g.key[i]
      })
      aggregations.forEach((a, i) => {
        row[a.name] = a.agg.result(g.states[i])
      })
      out.push(row)
    }
    return out
  }
  return {
    step,
    columns: [
      ...keys.map((k) => ({ name: k.name, type: k.compiled.type })),
      ...aggregations.map((a) => ({ name: a.name, type: a.type })),
    ],
  }
}
