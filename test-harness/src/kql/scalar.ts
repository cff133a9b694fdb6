/**
 * Compiles scalar expressions into closures, with their static type. Column references are checked against the
 * input schema when it is known, and types decide Kusto's typed behaviours (integer division). Pure.
 */
import type { Row } from '../schema/convert.ts'
import { isAggregation } from './aggregations.ts'
import { arithmetic, integerDivision } from './arithmetic.ts'
import type { Expr, LetStatement } from './ast.ts'
import { KqlSemanticError, KqlSyntaxError, KqlUnsupportedError } from './errors.ts'
import type { CallContext, FunctionTable, ScalarFunction } from './function-types.ts'
import { stringOperator, UNIMPLEMENTED_FUNCTIONS } from './functions.ts'
import { wrapLong } from './long.ts'
import { KqlRegexError, kqlRegex } from './regex.ts'
import { arithmeticType, isIntegerType, type KqlType, type TypedColumn, typeOfValue } from './types.ts'
import { isNullish, kqlCompare, kqlEquals, Timespan, toKqlNumber, toKqlString, truthy } from './values.ts'

export type Scalar = (row: Row, ctx: CallContext) => unknown

/** A compiled expression and what is known of its type. */
export interface Compiled {
  eval: Scalar
  type: KqlType | undefined
}

export interface Scope {
  /** Known columns, or undefined when the input schema is unknown (no checks). */
  columns: readonly TypedColumn[] | undefined
  lets: ReadonlyMap<string, LetStatement>
  params: ReadonlyMap<string, Compiled>
  functions: FunctionTable
  /** 'transformations' or 'queries', for messages. */
  context: string
}

const member = (obj: unknown, key: unknown): unknown => {
  if (isNullish(obj)) return null
  if (Array.isArray(obj)) {
    const i = toKqlNumber(key)
    if (i === null) return null
    const v = obj[i < 0 ? obj.length + i : i]
    return v === undefined ? null : v
  }
  if (typeof obj === 'object' && !(obj instanceof Date) && !(obj instanceof Timespan)) {
    const v = (obj as Record<string, unknown>)[toKqlString(key)]
    return v === undefined ? null : v
  }
  return null
}

/** Compiles a constant RE2 pattern now, so an invalid one fails the DCR load (or the query) once, not every record. */
const checkRegex = (e: Expr | undefined): void => {
  if (e?.t !== 'lit' || typeof e.value !== 'string') return
  try {
    kqlRegex(e.value)
  } catch (err) {
    if (err instanceof KqlRegexError) throw new KqlSyntaxError(err.message, e.pos)
    throw err
  }
}

const compileComparison = (op: string, left: Scalar, right: Scalar): Scalar => {
  switch (op) {
    case 'and':
      return (row, ctx) => truthy(left(row, ctx)) && truthy(right(row, ctx))
    case 'or':
      return (row, ctx) => truthy(left(row, ctx)) || truthy(right(row, ctx))
    case '==':
    case '!=':
      return (row, ctx) => {
        const a = left(row, ctx)
        const b = right(row, ctx)
        if (isNullish(a) || isNullish(b)) return null
        return kqlEquals(a, b) === (op === '==')
      }
    case '=~':
    case '!~':
      return (row, ctx) =>
        (toKqlString(left(row, ctx)).toLowerCase() === toKqlString(right(row, ctx)).toLowerCase()) === (op === '=~')
    case '<':
    case '<=':
    case '>':
    case '>=':
      return (row, ctx) => {
        const c = kqlCompare(left(row, ctx), right(row, ctx))
        if (c === undefined) return null
        return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0
      }
    case 'matches regex':
      return (row, ctx) => kqlRegex(toKqlString(right(row, ctx))).test(toKqlString(left(row, ctx)))
    default:
      return (row, ctx) => stringOperator(op, left(row, ctx), right(row, ctx))
  }
}

const compileBinary = (e: Extract<Expr, { t: 'binary' }>, scope: Scope): Compiled => {
  if (e.op === 'matches regex') checkRegex(e.right)
  const left = compileExpr(e.left, scope)
  const right = compileExpr(e.right, scope)
  const [l, r] = [left.eval, right.eval]
  if (!['+', '-', '*', '/', '%'].includes(e.op)) return { eval: compileComparison(e.op, l, r), type: 'bool' }
  const type = arithmeticType(e.op, left.type, right.type)
  if (e.op === '/' && isIntegerType(left.type) && isIntegerType(right.type)) {
    return { eval: (row, ctx) => integerDivision(l(row, ctx), r(row, ctx)), type }
  }
  const op = e.op
  return { eval: (row, ctx) => arithmetic(op, l(row, ctx), r(row, ctx)), type }
}

const compileIn = (e: Extract<Expr, { t: 'in' }>, scope: Scope): Compiled => {
  const left = compileExpr(e.left, scope).eval
  const list = e.list.map((x) => compileExpr(x, scope).eval)
  const insensitive = e.op.endsWith('~')
  const negate = e.op.startsWith('!')
  return {
    type: 'bool',
    eval: (row, ctx) => {
      const v = left(row, ctx)
      if (isNullish(v)) return null
      const target = insensitive ? toKqlString(v).toLowerCase() : v
      let found = false
      for (const item of list) {
        const candidates = item(row, ctx)
        for (const c of Array.isArray(candidates) ? candidates : [candidates]) {
          if (insensitive ? toKqlString(c).toLowerCase() === target : kqlEquals(v, c)) {
            found = true
            break
          }
        }
        if (found) break
      }
      return negate ? !found : found
    },
  }
}

const compileColumn = (e: Extract<Expr, { t: 'col' }>, scope: Scope): Compiled => {
  const param = scope.params.get(e.name)
  if (param !== undefined) return param
  const binding = scope.lets.get(e.name)
  if (binding?.kind === 'scalar') {
    return compileExpr(binding.value, { ...scope, lets: new Map(), params: new Map() })
  }
  const column = scope.columns?.find((c) => c.name === e.name)
  if (scope.columns !== undefined && column === undefined) {
    throw new KqlSemanticError(`Failed to resolve scalar expression named '${e.name}'`, e.pos)
  }
  const name = e.name
  return {
    type: column?.type,
    eval: (row) => {
      const v = row[name]
      return v === undefined ? null : v
    },
  }
}

export const compileExpr = (e: Expr, scope: Scope): Compiled => {
  switch (e.t) {
    case 'lit': {
      const v = e.value
      return { eval: () => v, type: typeof v === 'number' ? (e.real ? 'real' : 'long') : typeOfValue(v) }
    }
    case 'col':
      return compileColumn(e, scope)
    case 'member': {
      const obj = compileExpr(e.obj, scope).eval
      const key = e.name
      return { eval: (row, ctx) => member(obj(row, ctx), key), type: 'dynamic' }
    }
    case 'index': {
      const obj = compileExpr(e.obj, scope).eval
      const index = compileExpr(e.index, scope).eval
      return { eval: (row, ctx) => member(obj(row, ctx), index(row, ctx)), type: 'dynamic' }
    }
    case 'unary': {
      const arg = compileExpr(e.arg, scope)
      if (e.op === '+') return arg
      const f = arg.eval
      return {
        type: arg.type,
        eval: (row, ctx) => {
          const v = f(row, ctx)
          if (v instanceof Timespan) return new Timespan(-v.ms)
          if (typeof v === 'bigint') return wrapLong(-v)
          const n = toKqlNumber(v)
          return n === null ? null : -n
        },
      }
    }
    case 'between': {
      const left = compileExpr(e.left, scope).eval
      const low = compileExpr(e.low, scope).eval
      const high = compileExpr(e.high, scope).eval
      return {
        type: 'bool',
        eval: (row, ctx) => {
          const v = left(row, ctx)
          const a = kqlCompare(v, low(row, ctx))
          const b = kqlCompare(v, high(row, ctx))
          if (a === undefined || b === undefined) return null
          const inside = a >= 0 && b <= 0
          return e.negate ? !inside : inside
        },
      }
    }
    case 'in':
      return compileIn(e, scope)
    case 'binary':
      return compileBinary(e, scope)
    case 'call':
      return compileCall(e, scope)
  }
}

const compileColumnIfExists = (e: Extract<Expr, { t: 'call' }>, scope: Scope): Compiled => {
  const [col, fallback] = e.args
  if (col?.t !== 'lit' || typeof col.value !== 'string' || fallback === undefined || e.args.length !== 2) {
    throw new KqlSyntaxError(`${e.name}() takes a column name as a string literal and a default value`, e.pos)
  }
  const column = col.value
  const def = compileExpr(fallback, scope)
  const known = scope.columns?.find((c) => c.name === column)
  if (scope.columns !== undefined && known === undefined) return def
  const d = def.eval
  return {
    type: known?.type ?? def.type,
    eval: (row, ctx) => (column in row ? (row[column] ?? null) : d(row, ctx)),
  }
}

const compileUserFunction = (
  e: Extract<Expr, { t: 'call' }>,
  udf: Extract<LetStatement, { kind: 'function' }>,
  scope: Scope,
): Compiled => {
  if (e.args.length !== udf.params.length) {
    throw new KqlSyntaxError(`${e.name}() expects ${udf.params.length} argument(s), got ${e.args.length}`, e.pos)
  }
  const args = e.args.map((a) => compileExpr(a, scope))
  const params = new Map<string, Compiled>()
  const slots: unknown[] = []
  udf.params.forEach((p, i) => {
    params.set(p.name, { eval: () => slots[i], type: args[i]!.type })
  })
  const body = compileExpr(udf.body, { ...scope, columns: [], params })
  return {
    type: body.type,
    eval: (row, ctx) => {
      const saved = slots.slice()
      args.forEach((a, i) => {
        slots[i] = a.eval(row, ctx)
      })
      const v = body.eval(row, ctx)
      slots.splice(0, slots.length, ...saved)
      return v
    },
  }
}

const lookupFunction = (e: Extract<Expr, { t: 'call' }>, scope: Scope): ScalarFunction => {
  const name = e.name
  if (isAggregation(name)) {
    throw new KqlSemanticError(`${name}() is an aggregation function: use it in summarize`, e.pos)
  }
  if (UNIMPLEMENTED_FUNCTIONS.has(name)) {
    throw new KqlUnsupportedError(`${name}() is supported by the service but not by the emulator`, e.pos)
  }
  const f = Object.hasOwn(scope.functions, name) ? scope.functions[name] : undefined
  if (f === undefined) {
    throw new KqlUnsupportedError(
      `The function '${name}' is not supported in ${scope.context} (see the supported KQL list)`,
      e.pos,
    )
  }
  if (e.args.length < f.min || e.args.length > f.max) {
    throw new KqlSyntaxError(
      `${name}() expects ${f.min === f.max ? f.min : `${f.min} to ${f.max}`} argument(s), got ${e.args.length}`,
      e.pos,
    )
  }
  return f
}

/** Typed literals (`datetime(…)`, `dynamic(…)`): evaluated once, now, so a bad literal fails the load. */
const compileLiteral = (e: Extract<Expr, { t: 'call' }>, f: ScalarFunction, args: Compiled[]): Compiled => {
  let value: unknown
  try {
    value = f.fn(
      args.map((a) => a.eval({}, { now: new Date(0) })),
      { now: new Date(0) },
    )
  } catch (cause) {
    throw new KqlSyntaxError(`Invalid literal: ${(cause as Error).message}`, e.pos)
  }
  const raw = (e.args[0] as { value: unknown }).value
  if (value === null && e.name !== '__literal_dynamic' && toKqlString(raw) !== 'null') {
    throw new KqlSyntaxError(`Invalid ${e.name.replace('__literal_', '')} literal`, e.pos)
  }
  return { eval: () => value, type: typeof f.type === 'string' ? f.type : undefined }
}

const compileCall = (e: Extract<Expr, { t: 'call' }>, scope: Scope): Compiled => {
  const name = e.name
  if (name === 'columnifexists') return compileColumnIfExists(e, scope)
  if (name === 'column_ifexists') {
    if (scope.context === 'queries') return compileColumnIfExists(e, scope)
    throw new KqlUnsupportedError('column_ifexists() is not supported in transformations: use columnifexists()', e.pos)
  }
  const udf = scope.lets.get(name)
  if (udf?.kind === 'function') return compileUserFunction(e, udf, scope)
  const f = lookupFunction(e, scope)
  const regexArg =
    name === 'countof' ? (e.args[2]?.t === 'lit' && e.args[2].value === 'regex' ? 1 : undefined) : f.regexArg
  if (regexArg !== undefined) checkRegex(e.args[regexArg])
  const args = e.args.map((a) => compileExpr(a, scope))
  if (name.startsWith('__')) return compileLiteral(e, f, args)
  const type = typeof f.type === 'function' ? f.type(args.map((a) => a.type)) : f.type
  const fn = f.fn
  const evals = args.map((a) => a.eval)
  return {
    type,
    eval: (row, ctx) =>
      fn(
        evals.map((a) => a(row, ctx)),
        ctx,
      ),
  }
}
