/**
 * What the emulated workspaces hold: rows per workspace and table, the request log and DCRLogErrors. In memory,
 * bounded logs; listeners hear of every change (the dashboard's live view).
 */
import { EmulatorError } from './errors.ts'
import type { TypedColumn } from './kql/types.ts'
import type { Row } from './schema/convert.ts'

/** One ingestion request, as the emulator saw and answered it. */
export interface RequestRecord {
  /** When the request arrived. */
  at: Date
  ruleId: string
  stream: string
  status: number
  /** `x-ms-error-code` of the answer, for errors. */
  errorCode?: string
  /** Body bytes as sent (compressed when gzipped). */
  sentBytes: number
  /** Body bytes after gzip decoding. */
  uncompressedBytes: number
  /** Items in the JSON array (0 when it was not read or not an array). */
  records: number
  clientRequestId?: string
  userAgent?: string
  contentEncoding?: string
  /** Time from arrival to answer, ms. */
  durationMs: number
  /** The injected fault, when one applied (e.g. `status:503`, `reset:before-body`, `latency:200`). */
  fault?: string
}

/** A row of DCRLogErrors: what the service records when data was accepted (204) but not (fully) ingested. */
export interface DcrLogError {
  at: Date
  ruleId: string
  clientRequestId?: string
  correlationId: string
  inputStreamId: string
  operationName: 'Ingestion' | 'Transformation'
  message: string
}

/** A change to the store, as listeners hear it. */
export type StoreEvent =
  | { type: 'rows'; workspaceId: string; table: string; rows: readonly Row[]; total: number }
  | { type: 'request'; request: RequestRecord }
  | { type: 'dcrError'; error: DcrLogError }
  | { type: 'reset' }

interface Waiter {
  table: string
  workspaceId: string | undefined
  count: number
  resolve: () => void
  reject: (error: Error) => void
}

interface TableData {
  rows: Row[]
  count: number
  /** Columns in first-seen order; undefined when no flow into the table knows its output columns. */
  columns: TypedColumn[] | undefined
}

/** A workspace table as the query engine reads it. */
export interface StoredTable {
  columns: readonly TypedColumn[] | undefined
  rows: readonly Row[]
}

const mergeColumns = (into: TypedColumn[], columns: readonly TypedColumn[]): void => {
  for (const c of columns) {
    const known = into.find((k) => k.name === c.name)
    if (known === undefined) into.push({ ...c })
    else if (known.type !== c.type) known.type = known.type ?? c.type
  }
}

/** Oldest entries are discarded past this many requests or DCR errors, so long benchmarks stay bounded. */
export const MAX_LOG_ENTRIES = 100_000

export class Store {
  /** workspace id → table name → data */
  private readonly _workspaces = new Map<string, Map<string, TableData>>()
  private _requests: RequestRecord[] = []
  private _errors: DcrLogError[] = []
  private _waiters = new Set<Waiter>()
  private readonly _listeners = new Set<(event: StoreEvent) => void>()
  private _droppedRequests = 0
  private _droppedErrors = 0

  constructor(private readonly _retainRows: boolean) {}

  get retainRows(): boolean {
    return this._retainRows
  }

  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this._listeners.add(listener)
    return () => this._listeners.delete(listener)
  }

  private _emit(event: StoreEvent): void {
    for (const l of this._listeners) l(event)
  }

  /** Adds a flow's rows to a table of each workspace it writes to; `columns` is what the flow knows of the schema. */
  addRows(table: string, rows: Row[], workspaceIds: readonly string[], columns?: readonly TypedColumn[]): void {
    if (rows.length === 0) return
    for (const workspaceId of workspaceIds) {
      let tables = this._workspaces.get(workspaceId)
      if (tables === undefined) {
        tables = new Map()
        this._workspaces.set(workspaceId, tables)
      }
      let data = tables.get(table)
      if (data === undefined) {
        data = { rows: [], count: 0, columns: columns === undefined ? undefined : [] }
        tables.set(table, data)
      }
      if (columns !== undefined) {
        data.columns ??= []
        mergeColumns(data.columns, columns)
      }
      data.count += rows.length
      if (this._retainRows) for (const r of rows) data.rows.push(r)
      if (this._listeners.size > 0) this._emit({ type: 'rows', workspaceId, table, rows, total: data.count })
    }
    for (const w of this._waiters) {
      if (w.table === table && this.count(table, w.workspaceId) >= w.count) {
        this._waiters.delete(w)
        w.resolve()
      }
    }
  }

  private _tablesOf(workspaceId: string | undefined): Map<string, TableData>[] {
    if (workspaceId === undefined) return [...this._workspaces.values()]
    const tables = this._workspaces.get(workspaceId.toLowerCase())
    return tables === undefined ? [] : [tables]
  }

  /** A table's rows in one workspace, or in every workspace (in the order workspaces first received rows). */
  rows(table: string, workspaceId?: string): Row[] {
    return this._tablesOf(workspaceId).flatMap((t) => t.get(table)?.rows ?? [])
  }

  count(table: string, workspaceId?: string): number {
    let n = 0
    for (const t of this._tablesOf(workspaceId)) n += t.get(table)?.count ?? 0
    return n
  }

  counts(workspaceId?: string): Record<string, number> {
    const out: Record<string, number> = {}
    for (const tables of this._tablesOf(workspaceId)) {
      for (const [name, data] of tables) out[name] = (out[name] ?? 0) + data.count
    }
    return out
  }

  /** Every table of every workspace, in the order they first received rows (the dashboard, persistence). */
  tables(): (StoredTable & { workspaceId: string; table: string; count: number })[] {
    const out: (StoredTable & { workspaceId: string; table: string; count: number })[] = []
    for (const [workspaceId, tables] of this._workspaces) {
      for (const [table, data] of tables) {
        out.push({ workspaceId, table, count: data.count, columns: data.columns, rows: data.rows })
      }
    }
    return out
  }

  /** One workspace table for the query engine, or undefined when it never received rows. */
  table(workspaceId: string, table: string): StoredTable | undefined {
    const data = this._workspaces.get(workspaceId.toLowerCase())?.get(table)
    return data === undefined ? undefined : { columns: data.columns, rows: data.rows }
  }

  addRequest(r: RequestRecord): void {
    if (this._listeners.size > 0) this._emit({ type: 'request', request: r })
    this._requests.push(r)
    if (this._requests.length > MAX_LOG_ENTRIES * 1.1) {
      const drop = this._requests.length - MAX_LOG_ENTRIES
      this._droppedRequests += drop
      this._requests = this._requests.slice(drop)
    }
  }

  addError(e: DcrLogError): void {
    if (this._listeners.size > 0) this._emit({ type: 'dcrError', error: e })
    this._errors.push(e)
    if (this._errors.length > MAX_LOG_ENTRIES * 1.1) {
      const drop = this._errors.length - MAX_LOG_ENTRIES
      this._droppedErrors += drop
      this._errors = this._errors.slice(drop)
    }
  }

  requests(): RequestRecord[] {
    return this._requests.slice()
  }

  errors(): DcrLogError[] {
    return this._errors.slice()
  }

  /** Entries discarded from the logs because they grew past `MAX_LOG_ENTRIES`. */
  discarded(): { requests: number; dcrErrors: number } {
    return { requests: this._droppedRequests, dcrErrors: this._droppedErrors }
  }

  /** Resolves once `table` holds at least `count` rows; rejects with a summary of what did arrive on timeout. */
  waitFor(table: string, count: number, timeoutMs: number, signal?: AbortSignal, workspaceId?: string): Promise<void> {
    if (this.count(table, workspaceId) >= count) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const fail = (message: string): void => {
        clearTimeout(timer)
        this._waiters.delete(waiter)
        reject(new EmulatorError('TIMEOUT', message))
      }
      const waiter: Waiter = {
        table,
        workspaceId,
        count,
        resolve: () => {
          clearTimeout(timer)
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        reject: (error) => {
          clearTimeout(timer)
          signal?.removeEventListener('abort', onAbort)
          reject(error)
        },
      }
      const timer = setTimeout(
        () => fail(`waitForRows('${table}', ${count}) timed out after ${timeoutMs} ms: ${this.summary(table)}`),
        timeoutMs,
      )
      timer.unref?.()
      const onAbort = (): void => fail(`waitForRows('${table}', ${count}) was aborted: ${this.summary(table)}`)
      signal?.addEventListener('abort', onAbort, { once: true })
      this._waiters.add(waiter)
    })
  }

  /** Rejects every pending wait (on close). */
  cancelWaits(message: string): void {
    const waiters = [...this._waiters]
    this._waiters.clear()
    for (const w of waiters) w.reject(new EmulatorError('CLOSED', `waitForRows('${w.table}', ${w.count}): ${message}`))
  }

  /** A one-line account of what arrived, for timeout messages. */
  summary(table: string): string {
    const statuses = new Map<string, number>()
    for (const r of this._requests) {
      const key = r.errorCode === undefined ? String(r.status) : `${r.status} ${r.errorCode}`
      statuses.set(key, (statuses.get(key) ?? 0) + 1)
    }
    const tables = Object.entries(this.counts())
      .map(([t, n]) => `${t}=${n}`)
      .join(', ')
    const lastError = this._errors.at(-1)
    return [
      `'${table}' has ${this.count(table)} row(s)`,
      `tables: ${tables === '' ? 'none' : tables}`,
      `ingestion requests: ${this._requests.length}${statuses.size > 0 ? ` (${[...statuses].map(([k, n]) => `${n} × ${k}`).join(', ')})` : ''}`,
      `DCR errors: ${this._errors.length}${lastError === undefined ? '' : ` (last: ${lastError.message})`}`,
    ].join('; ')
  }

  reset(): void {
    this._workspaces.clear()
    this._requests = []
    this._errors = []
    this._droppedRequests = 0
    this._droppedErrors = 0
    this._emit({ type: 'reset' })
  }
}
