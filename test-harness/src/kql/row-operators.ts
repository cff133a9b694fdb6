/**
 * The tabular operators that look at one row at a time (`where`, `extend`, `project`…, `parse`), shared by
 * transformations and queries. Each compiles to a step (row in, row or null out) and the columns it leaves. Pure.
 */
import type { Row } from '../schema/convert.ts'
import type { Assignment, ParsePart, TabularOperator } from './ast.ts'
import { KqlSemanticError } from './errors.ts'
import type { CallContext } from './function-types.ts'
import { FUNCTIONS } from './functions.ts'
import { compileExpr, type Scope } from './scalar.ts'
import type { KqlType, TypedColumn } from './types.ts'
import { toKqlString, toStorable, truthy } from './values.ts'

export type Step = (row: Row, ctx: CallContext) => Row | null

export interface CompiledStep {
  step: Step
  /** Columns after the step; undefined when the input schema is unknown. */
  columns: TypedColumn[] | undefined
}

/** The name Kusto gives an unnamed column: the column it reads, else `Column1`, `Column2`… */
export const autoName = (a: Assignment, index: number): string => {
  if (a.name !== undefined) return a.name
  if (a.expr.t === 'col') return a.expr.name
  if (a.expr.t === 'member') return a.expr.name
  return `Column${index + 1}`
}

/** Columns with `added` set (replacing same-named ones in place, appending new ones). */
export const withColumns = (
  columns: readonly TypedColumn[] | undefined,
  added: readonly TypedColumn[],
): TypedColumn[] | undefined => {
  if (columns === undefined) return undefined
  const out = columns.slice()
  for (const a of added) {
    const i = out.findIndex((c) => c.name === a.name)
    if (i >= 0) out[i] = a
    else out.push(a)
  }
  return out
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

const wildcard = (pattern: string): RegExp => new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`)

const matchNames = (
  names: string[],
  columns: readonly TypedColumn[] | undefined,
  pos: number,
  what: string,
): ((col: string) => boolean) => {
  const res = names.map(wildcard)
  if (columns !== undefined) {
    for (const n of names) {
      if (!n.includes('*') && !columns.some((c) => c.name === n))
        throw new KqlSemanticError(`${what}: column '${n}' does not exist`, pos)
    }
  }
  return (col) => res.some((r) => r.test(col))
}

const keepColumns = (keep: (col: string) => boolean): Step => {
  return (row) => {
    const out: Row = {}
    for (const k in row) if (keep(k)) out[k] = row[k]
    return out
  }
}

const PARSE_TYPES: Record<string, KqlType> = { int: 'int', long: 'long', real: 'real', double: 'real', bool: 'bool' }

const compileParse = (op: Extract<TabularOperator, { op: 'parse' }>, scope: Scope): CompiledStep => {
  const source = compileExpr(op.source, scope).eval
  let pattern = '^'
  const cols: { name: string; type: string }[] = []
  op.parts.forEach((p: ParsePart, i) => {
    if (p.kind === 'any') pattern += '.*?'
    else if (p.kind === 'text') pattern += escapeRegExp(p.text)
    else {
      cols.push({ name: p.name, type: p.type })
      pattern += i === op.parts.length - 1 ? '(.*)' : '(.*?)'
    }
  })
  // A pattern the emulator builds from literal text: JavaScript's engine is fine for it.
  const re = new RegExp(`${pattern}${op.parts.at(-1)?.kind === 'any' ? '' : '$'}`, 's')
  const convert = cols.map(
    (c) => (FUNCTIONS[c.type === 'string' ? 'tostring' : `to${c.type}`] ?? FUNCTIONS['tostring']!).fn,
  )
  const step: Step = (row, ctx) => {
    const m = re.exec(toKqlString(source(row, ctx)))
    const out = { ...row }
    cols.forEach((c, i) => {
      out[c.name] = m === null ? (c.type === 'string' ? '' : null) : convert[i]!([m[i + 1]], ctx)
    })
    return out
  }
  const added = cols.map((c) => ({
    name: c.name,
    type: PARSE_TYPES[c.type] ?? (c.type === 'datetime' ? 'datetime' : 'string'),
  }))
  return { step, columns: withColumns(scope.columns, added as TypedColumn[]) }
}

const compileProjection = (
  assignments: Assignment[],
  scope: Scope,
): { names: string[]; evals: ((row: Row, ctx: CallContext) => unknown)[]; added: TypedColumn[] } => {
  const names = assignments.map(autoName)
  const compiled = assignments.map((a) => compileExpr(a.expr, scope))
  return {
    names,
    evals: compiled.map((c) => c.eval),
    added: names.map((name, i) => ({ name, type: compiled[i]!.type })),
  }
}

/**
 * Compiles one row-at-a-time operator; undefined for the operators that need every row (`take`, `summarize`…).
 * `store` turns a computed value into what the row keeps: transformations store timespans as text, as tables do.
 */
export const compileRowOperator = (
  op: TabularOperator,
  scope: Scope,
  store: (v: unknown) => unknown = toStorable,
): CompiledStep | undefined => {
  const cols = scope.columns
  switch (op.op) {
    case 'where': {
      const p = compileExpr(op.predicate, scope).eval
      return { step: (row, ctx) => (truthy(p(row, ctx)) ? row : null), columns: cols?.slice() }
    }
    case 'extend': {
      const { names, evals, added } = compileProjection(op.assignments, scope)
      const step: Step = (row, ctx) => {
        const out = { ...row }
        // all expressions see the input row, as in KQL
        const values = evals.map((x) => store(x(row, ctx)))
        names.forEach((n, i) => {
          out[n] = values[i]
        })
        return out
      }
      return { step, columns: withColumns(cols, added) }
    }
    case 'project': {
      const { names, evals, added } = compileProjection(op.assignments, scope)
      const step: Step = (row, ctx) => {
        const out: Row = {}
        names.forEach((n, i) => {
          out[n] = store(evals[i]!(row, ctx))
        })
        return out
      }
      return { step, columns: added }
    }
    case 'project-away': {
      const drop = matchNames(op.names, cols, op.pos, 'project-away')
      return { step: keepColumns((k) => !drop(k)), columns: cols?.filter((c) => !drop(c.name)) }
    }
    case 'project-keep': {
      const keep = matchNames(op.names, cols, op.pos, 'project-keep')
      return { step: keepColumns(keep), columns: cols?.filter((c) => keep(c.name)) }
    }
    case 'project-reorder': {
      const first = matchNames(op.names, cols, op.pos, 'project-reorder')
      const step: Step = (row) => {
        const out: Row = {}
        for (const k in row) if (first(k)) out[k] = row[k]
        for (const k in row) if (!first(k)) out[k] = row[k]
        return out
      }
      return {
        step,
        columns:
          cols === undefined
            ? undefined
            : [...cols.filter((c) => first(c.name)), ...cols.filter((c) => !first(c.name))],
      }
    }
    case 'project-rename': {
      if (cols !== undefined) {
        for (const r of op.renames) {
          if (!cols.some((c) => c.name === r.from))
            throw new KqlSemanticError(`project-rename: column '${r.from}' does not exist`, op.pos)
        }
      }
      const map = new Map(op.renames.map((r) => [r.from, r.to]))
      const step: Step = (row) => {
        const out: Row = {}
        for (const k in row) out[map.get(k) ?? k] = row[k]
        return out
      }
      return { step, columns: cols?.map((c) => ({ name: map.get(c.name) ?? c.name, type: c.type })) }
    }
    case 'parse':
      return compileParse(op, scope)
    default:
      return undefined
  }
}
