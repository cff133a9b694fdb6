/** The syntax tree of the KQL subset: transformations (`source | …`) and queries (`Table | …`). */

export type Expr =
  | { t: 'lit'; value: unknown; pos: number; real?: boolean }
  | { t: 'col'; name: string; pos: number }
  | { t: 'member'; obj: Expr; name: string; pos: number }
  | { t: 'index'; obj: Expr; index: Expr; pos: number }
  | { t: 'call'; name: string; args: Expr[]; pos: number }
  | { t: 'unary'; op: '-' | '+'; arg: Expr; pos: number }
  | { t: 'binary'; op: string; left: Expr; right: Expr; pos: number }
  | { t: 'in'; op: string; left: Expr; list: Expr[]; pos: number }
  | { t: 'between'; negate: boolean; left: Expr; low: Expr; high: Expr; pos: number }

export interface Assignment {
  name: string | undefined
  expr: Expr
}

export type ParsePart =
  | { kind: 'any' }
  | { kind: 'text'; text: string }
  | { kind: 'column'; name: string; type: string }

/** One key of `order by` / `top … by`. Kusto sorts descending by default. */
export interface SortKey {
  expr: Expr
  desc: boolean
  /** `nulls first` / `nulls last`; Kusto's default is nulls last when descending, first when ascending. */
  nullsFirst: boolean
}

export type TabularOperator =
  | { op: 'extend' | 'project'; assignments: Assignment[]; pos: number }
  | { op: 'project-away' | 'project-keep' | 'project-reorder'; names: string[]; pos: number }
  | { op: 'project-rename'; renames: { to: string; from: string }[]; pos: number }
  | { op: 'where'; predicate: Expr; pos: number }
  | { op: 'parse'; source: Expr; parts: ParsePart[]; pos: number }
  | { op: 'take'; count: Expr; pos: number }
  | { op: 'count'; pos: number }
  | { op: 'sort'; keys: SortKey[]; pos: number }
  | { op: 'top'; count: Expr; keys: SortKey[]; pos: number }
  | { op: 'distinct'; columns: Assignment[] | '*'; pos: number }
  | { op: 'summarize'; aggregations: Assignment[]; by: Assignment[]; pos: number }

/** The tabular operators that see every row at once: refused in transformations, which see one record at a time. */
export const SET_OPERATORS: ReadonlySet<TabularOperator['op']> = new Set([
  'take',
  'count',
  'sort',
  'top',
  'distinct',
  'summarize',
])

export type LetStatement =
  | { kind: 'scalar'; name: string; value: Expr }
  | { kind: 'function'; name: string; params: { name: string; type: string }[]; body: Expr }

/** What a query starts from: the incoming record, constants, or a table of the workspace. */
export type QueryInput =
  | { kind: 'source' }
  | { kind: 'print'; assignments: Assignment[] }
  | { kind: 'table'; name: string; pos: number }

export interface Query {
  lets: LetStatement[]
  input: QueryInput
  /** The source-text name of each operator, as written (`order` or `sort`, `take` or `limit`), for messages. */
  operators: (TabularOperator & { keyword: string })[]
}
