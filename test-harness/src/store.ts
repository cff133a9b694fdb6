/** What the emulated workspace holds: rows per table, the request log and DCRLogErrors. In memory, bounded logs. */
import { EmulatorError } from './errors.ts'
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

interface Waiter {
  table: string
  count: number
  resolve: () => void
  reject: (error: Error) => void
}

interface TableData {
  rows: Row[]
  count: number
}

/** Oldest entries are discarded past this many requests or DCR errors, so long benchmarks stay bounded. */
export const MAX_LOG_ENTRIES = 100_000

export class Store {
  private readonly _tables = new Map<string, TableData>()
  private _requests: RequestRecord[] = []
  private _errors: DcrLogError[] = []
  private _waiters = new Set<Waiter>()
  private _droppedRequests = 0
  private _droppedErrors = 0

  constructor(private readonly _retainRows: boolean) {}

  get retainRows(): boolean {
    return this._retainRows
  }

  addRows(table: string, rows: Row[]): void {
    if (rows.length === 0) return
    let data = this._tables.get(table)
    if (data === undefined) {
      data = { rows: [], count: 0 }
      this._tables.set(table, data)
    }
    data.count += rows.length
    if (this._retainRows) for (const r of rows) data.rows.push(r)
    for (const w of this._waiters) {
      if (w.table === table && data.count >= w.count) {
        this._waiters.delete(w)
        w.resolve()
      }
    }
  }

  rows(table: string): Row[] {
    return this._tables.get(table)?.rows.slice() ?? []
  }

  count(table: string): number {
    return this._tables.get(table)?.count ?? 0
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [name, data] of this._tables) out[name] = data.count
    return out
  }

  addRequest(r: RequestRecord): void {
    this._requests.push(r)
    if (this._requests.length > MAX_LOG_ENTRIES * 1.1) {
      const drop = this._requests.length - MAX_LOG_ENTRIES
      this._droppedRequests += drop
      this._requests = this._requests.slice(drop)
    }
  }

  addError(e: DcrLogError): void {
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
  waitFor(table: string, count: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.count(table) >= count) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const fail = (message: string): void => {
        clearTimeout(timer)
        this._waiters.delete(waiter)
        reject(new EmulatorError('TIMEOUT', message))
      }
      const waiter: Waiter = {
        table,
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
    this._tables.clear()
    this._requests = []
    this._errors = []
    this._droppedRequests = 0
    this._droppedErrors = 0
  }
}
