/**
 * Runs a query against the emulator's workspaces: tables get the standard columns Log Analytics adds (`TenantId`,
 * the workspace id, first; `Type`, the table name, last), and a query over several workspaces reads their union.
 */
import { type QueryResult, type QueryTable, runQuery } from '../kql/query.ts'
import type { TypedColumn } from '../kql/types.ts'
import type { Row } from '../schema/convert.ts'
import type { Store } from '../store.ts'
import { parseTimespan } from './timespan.ts'

export interface WorkspaceQueryOptions {
  /** An ISO 8601 duration or interval over `TimeGenerated`, as the API's `timespan`. */
  timespan?: string
  /** More workspace ids to read (a cross-workspace query). */
  additionalWorkspaces?: readonly string[]
}

const STANDARD_FIRST: TypedColumn = { name: 'TenantId', type: 'string' }
const STANDARD_LAST: TypedColumn = { name: 'Type', type: 'string' }

const mergeColumns = (into: TypedColumn[], columns: readonly TypedColumn[]): void => {
  for (const c of columns) if (!into.some((k) => k.name === c.name)) into.push(c)
}

/** Columns of rows whose schema is unknown: every key, in first-seen order (types come from the values). */
const columnsOfRows = (rows: readonly Row[]): TypedColumn[] => {
  const names = new Set<string>()
  for (const r of rows) for (const k in r) names.add(k)
  return [...names].map((name) => ({ name, type: undefined }))
}

/** The union of a table over workspaces, with the standard columns, or undefined when none has it. */
const workspaceTable = (store: Store, workspaceIds: readonly string[], name: string): QueryTable | undefined => {
  const columns: TypedColumn[] = [STANDARD_FIRST]
  const rows: Row[] = []
  let found = false
  for (const id of workspaceIds) {
    const t = store.table(id, name)
    if (t === undefined) continue
    found = true
    mergeColumns(columns, t.columns ?? columnsOfRows(t.rows))
    for (const r of t.rows) rows.push({ TenantId: id, ...r, Type: name })
  }
  if (!found) return undefined
  mergeColumns(columns, [STANDARD_LAST])
  return { columns, rows }
}

/** Runs `text` over the workspaces. Throws `KqlError` for a bad query and `RangeError` for a bad timespan. */
export const queryWorkspaces = (
  store: Store,
  workspaceId: string,
  text: string,
  now: Date,
  options: WorkspaceQueryOptions = {},
): QueryResult => {
  const ids = [workspaceId, ...(options.additionalWorkspaces ?? [])].map((id) => id.toLowerCase())
  return runQuery(text, {
    now,
    table: (name) => workspaceTable(store, ids, name),
    tableNames: () => [...new Set(ids.flatMap((id) => Object.keys(store.counts(id))))],
    ...(options.timespan === undefined ? {} : { timeRange: parseTimespan(options.timespan, now) }),
  })
}
