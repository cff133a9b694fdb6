/**
 * Compiles a parsed transformation into a per-record function. Column references are checked against the input
 * schema when it is known, so a DCR with a misspelt column fails at load, as the service refuses it at creation.
 */
import type { Row } from '../schema/convert.ts'
import { type CallContext, FUNCTIONS, kqlRegex, stringOperator, UNIMPLEMENTED_FUNCTIONS } from './functions.ts'
import type { Assignment, Expr, LetStatement, ParsePart, Query, TabularOperator } from './parser.ts'
import { parseKql } from './parser.ts'
import { KqlSyntaxError } from './tokenizer.ts'
import {
  isNullish,
  kqlCompare,
  kqlEquals,
  Timespan,
  toKqlDateTime,
  toKqlNumber,
  toKqlString,
  toKqlTimespan,
  toStorable,
  truthy,
} from './values.ts'

type Scalar = (row: Row, ctx: CallContext) => unknown
type Step = (row: Row, ctx: CallContext) => Row | null

/** A transformation ready to run: one row in, at most one row out. */
export interface CompiledTransform {
  /** The KQL text. */
  readonly text: string
  /** True for `source` alone: rows pass through unchanged. */
  readonly identity: boolean
  /** Output columns when the input schema is known. */
  readonly outputColumns: readonly string[] | undefined
  run(row: Row, ctx: CallContext): Row | null
}

/** Maximum length of a transformation (service limits: 15,360 characters). */
export const MAX_TRANSFORM_LENGTH = 15_360

interface Scope {
  /** Known columns, or undefined when the input schema is unknown (no checks). */
  columns: string[] | undefined
  lets: Map<string, LetStatement>
  params: Map<string, Scalar>
}

const DYNAMIC_INDEX_ERROR = (name: string, pos: number): KqlSyntaxError =>
  new KqlSyntaxError(`Failed to resolve scalar expression named '${name}'`, pos)

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

const arithmetic = (op: string, a: unknown, b: unknown): unknown => {
  if (isNullish(a) || isNullish(b)) return null
  if (a instanceof Date || b instanceof Date) {
    if (a instanceof Date && b instanceof Date && op === '-') return new Timespan(a.getTime() - b.getTime())
    const d = a instanceof Date ? a : toKqlDateTime(a)
    const t = toKqlTimespan(a instanceof Date ? b : a)
    if (d === null || t === null) return null
    if (op === '+') return new Date(d.getTime() + t.ms)
    if (op === '-' && a instanceof Date) return new Date(d.getTime() - t.ms)
    return null
  }
  if (a instanceof Timespan || b instanceof Timespan) {
    if (op === '*' || op === '/') {
      const t = a instanceof Timespan ? a : (b as Timespan)
      const n = toKqlNumber(a instanceof Timespan ? b : a)
      if (b instanceof Timespan && a instanceof Timespan && op === '/') return a.ms / b.ms
      return n === null ? null : new Timespan(op === '*' ? t.ms * n : t.ms / n)
    }
    const x = toKqlTimespan(a)
    const y = toKqlTimespan(b)
    if (x === null || y === null) return null
    return new Timespan(op === '+' ? x.ms + y.ms : op === '-' ? x.ms - y.ms : x.ms % y.ms)
  }
  const x = toKqlNumber(a)
  const y = toKqlNumber(b)
  if (x === null || y === null) return null
  switch (op) {
    case '+':
      return x + y
    case '-':
      return x - y
    case '*':
      return x * y
    case '/':
      return x / y
    default:
      return y === 0 ? null : x % y
  }
}

const INTEGRAL_FUNCTIONS = new Set([
  'toint',
  'tolong',
  'int',
  'long',
  'strlen',
  'array_length',
  'countof',
  'indexof',
  'getyear',
  'getmonth',
  'hourofday',
  'dayofmonth',
  'dayofyear',
  'weekofyear',
])

/** Whether an expression is statically an integer (an integer literal, or a call that returns int/long). */
const isIntegral = (e: Expr): boolean =>
  (e.t === 'lit' && typeof e.value === 'number' && Number.isInteger(e.value) && !e.real) ||
  (e.t === 'call' && INTEGRAL_FUNCTIONS.has(e.name)) ||
  (e.t === 'unary' && isIntegral(e.arg)) ||
  (e.t === 'binary' && ['+', '-', '*', '%'].includes(e.op) && isIntegral(e.left) && isIntegral(e.right))

const compileExpr = (e: Expr, scope: Scope): Scalar => {
  switch (e.t) {
    case 'lit': {
      const v = e.value
      return () => v
    }
    case 'col': {
      const param = scope.params.get(e.name)
      if (param !== undefined) return param
      const binding = scope.lets.get(e.name)
      if (binding?.kind === 'scalar')
        return compileExpr(binding.value, { ...scope, lets: new Map(), params: new Map() })
      if (scope.columns !== undefined && !scope.columns.includes(e.name)) throw DYNAMIC_INDEX_ERROR(e.name, e.pos)
      const name = e.name
      return (row) => {
        const v = row[name]
        return v === undefined ? null : v
      }
    }
    case 'member': {
      const obj = compileExpr(e.obj, scope)
      const key = e.name
      return (row, ctx) => member(obj(row, ctx), key)
    }
    case 'index': {
      const obj = compileExpr(e.obj, scope)
      const index = compileExpr(e.index, scope)
      return (row, ctx) => member(obj(row, ctx), index(row, ctx))
    }
    case 'unary': {
      const arg = compileExpr(e.arg, scope)
      if (e.op === '+') return arg
      return (row, ctx) => {
        const v = arg(row, ctx)
        if (v instanceof Timespan) return new Timespan(-v.ms)
        const n = toKqlNumber(v)
        return n === null ? null : -n
      }
    }
    case 'between': {
      const left = compileExpr(e.left, scope)
      const low = compileExpr(e.low, scope)
      const high = compileExpr(e.high, scope)
      return (row, ctx) => {
        const v = left(row, ctx)
        const a = kqlCompare(v, low(row, ctx))
        const b = kqlCompare(v, high(row, ctx))
        if (a === undefined || b === undefined) return null
        const inside = a >= 0 && b <= 0
        return e.negate ? !inside : inside
      }
    }
    case 'in': {
      const left = compileExpr(e.left, scope)
      const list = e.list.map((x) => compileExpr(x, scope))
      const insensitive = e.op.endsWith('~')
      const negate = e.op.startsWith('!')
      return (row, ctx) => {
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
      }
    }
    case 'binary':
      if (e.op === '/' && isIntegral(e.left) && isIntegral(e.right)) {
        // long / long is an integer division in KQL; we only know the types of literals and int-returning calls.
        const left = compileExpr(e.left, scope)
        const right = compileExpr(e.right, scope)
        return (row, ctx) => {
          const v = arithmetic('/', left(row, ctx), right(row, ctx))
          return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : v
        }
      }
      return compileBinary(e.op, compileExpr(e.left, scope), compileExpr(e.right, scope))
    case 'call':
      return compileCall(e, scope)
  }
}

const compileBinary = (op: string, left: Scalar, right: Scalar): Scalar => {
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
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return (row, ctx) => arithmetic(op, left(row, ctx), right(row, ctx))
    case 'matches regex':
      return (row, ctx) => kqlRegex(toKqlString(right(row, ctx))).test(toKqlString(left(row, ctx)))
    default:
      return (row, ctx) => stringOperator(op, left(row, ctx), right(row, ctx))
  }
}

const compileCall = (e: Extract<Expr, { t: 'call' }>, scope: Scope): Scalar => {
  const name = e.name
  if (name === 'columnifexists') {
    const [col, fallback] = e.args
    if (col?.t !== 'lit' || typeof col.value !== 'string' || fallback === undefined || e.args.length !== 2) {
      throw new KqlSyntaxError('columnifexists() takes a column name as a string literal and a default value', e.pos)
    }
    const column = col.value
    const def = compileExpr(fallback, scope)
    if (scope.columns !== undefined && !scope.columns.includes(column)) return def
    return (row, ctx) => (column in row ? (row[column] ?? null) : def(row, ctx))
  }
  if (name === 'column_ifexists') {
    throw new KqlSyntaxError('column_ifexists() is not supported in transformations: use columnifexists()', e.pos)
  }
  const udf = scope.lets.get(name)
  if (udf?.kind === 'function') {
    if (e.args.length !== udf.params.length) {
      throw new KqlSyntaxError(`${name}() expects ${udf.params.length} argument(s), got ${e.args.length}`, e.pos)
    }
    const args = e.args.map((a) => compileExpr(a, scope))
    const params = new Map<string, Scalar>()
    const slots: unknown[] = []
    udf.params.forEach((p, i) => {
      params.set(p.name, () => slots[i])
    })
    const body = compileExpr(udf.body, { columns: [], lets: scope.lets, params })
    return (row, ctx) => {
      const saved = slots.slice()
      args.forEach((a, i) => {
        slots[i] = a(row, ctx)
      })
      const v = body(row, ctx)
      slots.splice(0, slots.length, ...saved)
      return v
    }
  }
  if (UNIMPLEMENTED_FUNCTIONS.has(name)) {
    throw new KqlSyntaxError(`${name}() is supported by the service but not by the emulator`, e.pos)
  }
  const f = FUNCTIONS[name]
  if (f === undefined) {
    throw new KqlSyntaxError(
      `The function '${name}' is not supported in transformations (see the supported KQL list)`,
      e.pos,
    )
  }
  if (e.args.length < f.min || e.args.length > f.max) {
    throw new KqlSyntaxError(
      `${name}() expects ${f.min === f.max ? f.min : `${f.min} to ${f.max}`} argument(s), got ${e.args.length}`,
      e.pos,
    )
  }
  const args = e.args.map((a) => compileExpr(a, scope))
  if (name.startsWith('__')) {
    // Typed literals: evaluate once, now, so a bad literal fails the DCR load.
    let value: unknown
    try {
      value = f.fn(
        args.map((a) => a({}, { now: new Date(0) })),
        { now: new Date(0) },
      )
    } catch (cause) {
      throw new KqlSyntaxError(`Invalid literal: ${(cause as Error).message}`, e.pos)
    }
    if (
      value === null &&
      name !== '__literal_dynamic' &&
      toKqlString((e.args[0] as { value: unknown }).value) !== 'null'
    ) {
      throw new KqlSyntaxError(`Invalid ${name.replace('__literal_', '')} literal`, e.pos)
    }
    return () => value
  }
  const fn = f.fn
  return (row, ctx) =>
    fn(
      args.map((a) => a(row, ctx)),
      ctx,
    )
}

const autoName = (a: Assignment, index: number): string => {
  if (a.name !== undefined) return a.name
  if (a.expr.t === 'col') return a.expr.name
  if (a.expr.t === 'member') return a.expr.name
  return `Column${index + 1}`
}

const wildcard = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  )

const matchNames = (
  names: string[],
  columns: string[] | undefined,
  pos: number,
  what: string,
): ((col: string) => boolean) => {
  const res = names.map(wildcard)
  if (columns !== undefined) {
    for (const n of names) {
      if (!n.includes('*') && !columns.includes(n))
        throw new KqlSyntaxError(`${what}: column '${n}' does not exist`, pos)
    }
  }
  return (col) => res.some((r) => r.test(col))
}

const compileParse = (op: Extract<TabularOperator, { op: 'parse' }>, scope: Scope): { step: Step; added: string[] } => {
  const source = compileExpr(op.source, scope)
  let pattern = '^'
  const cols: { name: string; type: string }[] = []
  op.parts.forEach((p: ParsePart, i) => {
    if (p.kind === 'any') pattern += '.*?'
    else if (p.kind === 'text') pattern += p.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    else {
      cols.push({ name: p.name, type: p.type })
      pattern += i === op.parts.length - 1 ? '(.*)' : '(.*?)'
    }
  })
  const re = new RegExp(`${pattern}${op.parts.at(-1)?.kind === 'any' ? '' : '$'}`, 's')
  const convert = cols.map((c) => {
    const f = FUNCTIONS[c.type === 'string' ? 'tostring' : `to${c.type}`] ?? FUNCTIONS['tostring']!
    return f.fn
  })
  const step: Step = (row, ctx) => {
    const m = re.exec(toKqlString(source(row, ctx)))
    const out = { ...row }
    cols.forEach((c, i) => {
      out[c.name] = m === null ? (c.type === 'string' ? '' : null) : convert[i]!([m[i + 1]], ctx)
    })
    return out
  }
  return { step, added: cols.map((c) => c.name) }
}

const compileOperator = (op: TabularOperator, scope: Scope): { step: Step; columns: string[] | undefined } => {
  const cols = scope.columns
  switch (op.op) {
    case 'where': {
      const p = compileExpr(op.predicate, scope)
      return { step: (row, ctx) => (truthy(p(row, ctx)) ? row : null), columns: cols }
    }
    case 'extend': {
      const names = op.assignments.map(autoName)
      const exprs = op.assignments.map((a) => compileExpr(a.expr, scope))
      return {
        step: (row, ctx) => {
          const out = { ...row }
          // all expressions see the input row, as in KQL
          const values = exprs.map((x) => toStorable(x(row, ctx)))
          names.forEach((n, i) => {
            out[n] = values[i]
          })
          return out
        },
        columns: cols === undefined ? undefined : [...cols, ...names.filter((n) => !cols.includes(n))],
      }
    }
    case 'project': {
      const names = op.assignments.map(autoName)
      const exprs = op.assignments.map((a) => compileExpr(a.expr, scope))
      return {
        step: (row, ctx) => {
          const out: Row = {}
          names.forEach((n, i) => {
            out[n] = toStorable(exprs[i]!(row, ctx))
          })
          return out
        },
        columns: names,
      }
    }
    case 'project-away': {
      const drop = matchNames(op.names, cols, op.pos, 'project-away')
      return {
        step: (row) => {
          const out: Row = {}
          for (const k in row) if (!drop(k)) out[k] = row[k]
          return out
        },
        columns: cols?.filter((c) => !drop(c)),
      }
    }
    case 'project-keep': {
      const keep = matchNames(op.names, cols, op.pos, 'project-keep')
      return {
        step: (row) => {
          const out: Row = {}
          for (const k in row) if (keep(k)) out[k] = row[k]
          return out
        },
        columns: cols?.filter((c) => keep(c)),
      }
    }
    case 'project-reorder': {
      const first = matchNames(op.names, cols, op.pos, 'project-reorder')
      return {
        step: (row) => {
          const out: Row = {}
          for (const k in row) if (first(k)) out[k] = row[k]
          for (const k in row) if (!first(k)) out[k] = row[k]
          return out
        },
        columns: cols === undefined ? undefined : [...cols.filter(first), ...cols.filter((c) => !first(c))],
      }
    }
    case 'project-rename': {
      if (cols !== undefined) {
        for (const r of op.renames) {
          if (!cols.includes(r.from))
            throw new KqlSyntaxError(`project-rename: column '${r.from}' does not exist`, op.pos)
        }
      }
      const map = new Map(op.renames.map((r) => [r.from, r.to]))
      return {
        step: (row) => {
          const out: Row = {}
          for (const k in row) out[map.get(k) ?? k] = row[k]
          return out
        },
        columns: cols?.map((c) => map.get(c) ?? c),
      }
    }
    case 'parse': {
      const { step, added } = compileParse(op, scope)
      return { step, columns: cols === undefined ? undefined : [...cols, ...added.filter((a) => !cols.includes(a))] }
    }
  }
}

/** An error in a transformation, with where it is. */
export class TransformError extends Error {
  override readonly name = 'TransformError'
}

/**
 * Parses and compiles `transformKql` against the input columns (undefined: unknown schema, no column checks).
 * Throws `TransformError` with a message naming the problem and its position.
 */
export const compileTransform = (text: string, inputColumns: readonly string[] | undefined): CompiledTransform => {
  if (text.length > MAX_TRANSFORM_LENGTH) {
    throw new TransformError(
      `The transformation is ${text.length} characters long; the limit is ${MAX_TRANSFORM_LENGTH}.`,
    )
  }
  let query: Query
  try {
    query = parseKql(text)
  } catch (e) {
    throw new TransformError((e as Error).message, { cause: e })
  }
  const lets = new Map(query.lets.map((l) => [l.name, l]))
  let scope: Scope = { columns: inputColumns === undefined ? undefined : [...inputColumns], lets, params: new Map() }
  const steps: Step[] = []
  try {
    if (query.input.kind === 'print') {
      // `print` ignores the input record and produces one row from constants.
      const names = query.input.assignments.map((a, i) => a.name ?? `print_${i}`)
      const exprs = query.input.assignments.map((a) => compileExpr(a.expr, { ...scope, columns: [] }))
      steps.push((row, ctx) => {
        const out: Row = {}
        names.forEach((n, i) => {
          out[n] = toStorable(exprs[i]!(row, ctx))
        })
        return out
      })
      scope = { ...scope, columns: names }
    }
    for (const op of query.operators) {
      const { step, columns } = compileOperator(op, scope)
      steps.push(step)
      scope = { ...scope, columns }
    }
  } catch (e) {
    throw new TransformError((e as Error).message, { cause: e })
  }
  const identity = steps.length === 0
  return {
    text,
    identity,
    outputColumns: scope.columns,
    run(row, ctx) {
      let current: Row | null = row
      for (let i = 0; i < steps.length && current !== null; i++) current = steps[i]!(current, ctx)
      return current
    },
  }
}
