/** What the dashboard shows, as JSON-safe data: the state when the page loads, then the live events. Pure. */
import type { FaultPlan } from '../faults.ts'
import type { Row } from '../schema/convert.ts'
import type { DcrLogError, RequestRecord, Store, StoreEvent } from '../store.ts'
import type { Throttle, ThrottleOptions, ThrottleWindow } from '../throttle.ts'
import type { EmulatorWorkspace } from '../workspaces.ts'

/** Rows kept per table on the page, newest first. */
export const DASHBOARD_ROWS_PER_TABLE = 50
/** Request log and DCR error entries sent with the state. */
export const DASHBOARD_LOG_ENTRIES = 200

export interface DashboardSources {
  store: Store
  throttle: Throttle | undefined
  faults: () => FaultPlan | undefined
  workspaces: () => EmulatorWorkspace[]
  /** Endpoints and DCRs for the header. */
  endpoints: () => { endpoint: string; queryEndpoint: string; controlEndpoint: string; rules: unknown[] }
  now: () => number
}

export interface DashboardTable {
  workspaceId: string
  table: string
  total: number
  columns: string[]
  /** Newest first. */
  rows: Row[]
}

export interface DashboardThrottle {
  settings: Required<ThrottleOptions>
  windows: ThrottleWindow[]
}

/** One event on the live stream. */
export type DashboardEvent =
  | { type: 'rows'; workspaceId: string; table: string; total: number; columns: string[]; rows: Row[] }
  | { type: 'request'; request: RequestRecord; throttle: DashboardThrottle | null }
  | { type: 'dcrError'; error: DcrLogError }
  | { type: 'faults'; plan: FaultPlan | null }
  | { type: 'reset' }

const columnsOf = (columns: readonly { name: string }[] | undefined, rows: readonly Row[]): string[] => {
  if (columns !== undefined) return columns.map((c) => c.name)
  const names = new Set<string>()
  for (const r of rows) for (const k in r) names.add(k)
  return [...names]
}

const newest = <T>(items: readonly T[], n: number): T[] => items.slice(-n).reverse()

export const throttleState = (sources: DashboardSources): DashboardThrottle | null =>
  sources.throttle === undefined
    ? null
    : { settings: sources.throttle.settings, windows: sources.throttle.snapshot(sources.now()) }

/** The whole state, for a page that just loaded. */
export const dashboardState = (sources: DashboardSources) => {
  const tables: DashboardTable[] = sources.store.tables().map((t) => ({
    workspaceId: t.workspaceId,
    table: t.table,
    total: t.count,
    columns: columnsOf(t.columns, t.rows.slice(-DASHBOARD_ROWS_PER_TABLE)),
    rows: newest(t.rows, DASHBOARD_ROWS_PER_TABLE),
  }))
  return {
    ...sources.endpoints(),
    workspaces: sources.workspaces(),
    tables,
    requests: newest(sources.store.requests(), DASHBOARD_LOG_ENTRIES),
    dcrErrors: newest(sources.store.errors(), DASHBOARD_LOG_ENTRIES),
    throttle: throttleState(sources),
    faults: sources.faults() ?? null,
  }
}

/** A store change as the page needs it. */
export const dashboardEvent = (event: StoreEvent, sources: DashboardSources): DashboardEvent => {
  switch (event.type) {
    case 'rows': {
      const stored = sources.store.table(event.workspaceId, event.table)
      return {
        type: 'rows',
        workspaceId: event.workspaceId,
        table: event.table,
        total: event.total,
        columns: columnsOf(stored?.columns, event.rows),
        rows: newest(event.rows, DASHBOARD_ROWS_PER_TABLE),
      }
    }
    case 'request':
      return { type: 'request', request: event.request, throttle: throttleState(sources) }
    case 'dcrError':
      return { type: 'dcrError', error: event.error }
    case 'reset':
      return { type: 'reset' }
  }
}

/** JSON that survives values a row may hold: a `bigint` long becomes its digits. */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
