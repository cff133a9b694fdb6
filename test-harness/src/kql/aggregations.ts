/**
 * Aggregation functions of `summarize`: each folds the rows of a group into one value. Pure; states are plain
 * objects so a group costs one allocation per aggregation.
 */
import { exactInteger, wrapLong } from './long.ts'
import type { KqlType } from './types.ts'
import { isNullish, kqlCompare, toKqlNumber, toKqlString } from './values.ts'

export interface Aggregation {
  /** Argument count: `count()` takes none, `avg(x)` one. */
  min: number
  max: number
  /** The result type, from the argument's type. */
  type: (arg: KqlType | undefined) => KqlType | undefined
  /** The column name when none is given: `count_`, `avg_Duration`. */
  prefix: string
  init: () => unknown
  /** Adds one row's argument values to the state, returning the new state. */
  add: (state: unknown, args: unknown[]) => unknown
  result: (state: unknown) => unknown
}

interface Sum {
  sum: number
  n: number
  /** The exact sum while every value is an integer (longs past 2^53 included); null after a real. */
  exact: bigint | null
}

const extremum = (sign: 1 | -1): Aggregation => ({
  min: 1,
  max: 1,
  type: (t) => t,
  prefix: sign > 0 ? 'max' : 'min',
  init: () => null,
  add: (m, [v]) => (isNullish(v) || v === '' ? m : m === null || sign * (kqlCompare(v, m) ?? 0) > 0 ? v : m),
  result: (m) => m,
})

const addNumber = (state: unknown, v: unknown): unknown => {
  const s = state as Sum
  const n = toKqlNumber(v)
  if (n !== null) {
    s.sum += n
    s.n++
    if (s.exact !== null) {
      const i = exactInteger(v)
      s.exact = i === null ? null : s.exact + i
    }
  }
  return s
}

export const AGGREGATIONS: Readonly<Record<string, Aggregation>> = {
  count: {
    min: 0,
    max: 0,
    type: () => 'long',
    prefix: 'count',
    init: () => 0,
    add: (n) => (n as number) + 1,
    result: (n) => n,
  },
  countif: {
    min: 1,
    max: 1,
    type: () => 'long',
    prefix: 'countif',
    init: () => 0,
    add: (n, [p]) => (p === true ? (n as number) + 1 : n),
    result: (n) => n,
  },
  sum: {
    min: 1,
    max: 1,
    type: (t) => (t === 'int' ? 'long' : t),
    prefix: 'sum',
    init: (): Sum => ({ sum: 0, n: 0, exact: 0n }),
    add: (s, [v]) => addNumber(s, v),
    result: (s) => ((s as Sum).exact === null ? (s as Sum).sum : wrapLong((s as Sum).exact!)),
  },
  avg: {
    min: 1,
    max: 1,
    type: () => 'real',
    prefix: 'avg',
    init: (): Sum => ({ sum: 0, n: 0, exact: null }),
    add: (s, [v]) => addNumber(s, v),
    result: (s) => ((s as Sum).n === 0 ? null : (s as Sum).sum / (s as Sum).n),
  },
  min: extremum(-1),
  max: extremum(1),
  dcount: {
    min: 1,
    max: 2,
    type: () => 'long',
    prefix: 'dcount',
    init: () => new Set<string>(),
    add: (s, [v]) => (isNullish(v) ? s : (s as Set<string>).add(toKqlString(v))),
    result: (s) => (s as Set<string>).size,
  },
  make_list: {
    min: 1,
    max: 2,
    type: () => 'dynamic',
    prefix: 'list',
    init: () => [] as unknown[],
    add: (s, [v]) => {
      if (!isNullish(v)) (s as unknown[]).push(v)
      return s
    },
    result: (s) => s,
  },
  make_set: {
    min: 1,
    max: 2,
    type: () => 'dynamic',
    prefix: 'set',
    init: () => new Map<string, unknown>(),
    add: (s, [v]) => (isNullish(v) ? s : (s as Map<string, unknown>).set(toKqlString(v), v)),
    result: (s) => [...(s as Map<string, unknown>).values()],
  },
  take_any: {
    min: 1,
    max: 1,
    type: (t) => t,
    prefix: 'any',
    init: () => undefined,
    add: (s, [v]) => (s === undefined ? v : s),
    result: (s) => s ?? null,
  },
}

/** Names that are aggregations only: calling them outside `summarize` is an error worth a clear message. */
export const isAggregation = (name: string): boolean => Object.hasOwn(AGGREGATIONS, name)
