/**
 * Keeps the workspaces (rows and columns per workspace table, request log, DCR errors) in `--data-dir` across
 * restarts: loaded at start, written shortly after changes and at close. A snapshot of the store through its public
 * methods, so the store itself knows nothing about files. Values keep their types: datetime as Date, long beyond
 * 2^53 as bigint.
 */
import { join } from 'node:path'
import { EmulatorError } from './errors.ts'
import { readIfExists, writeAtomically } from './files.ts'
import type { TypedColumn } from './kql/types.ts'
import type { Row } from './schema/convert.ts'
import type { DcrLogError, RequestRecord, Store } from './store.ts'

export const STATE_FILE = 'state.json'
/** Changes are written at most this often (and always at close). */
export const SAVE_DELAY_MS = 1_000

/** What persistence needs from a store. */
export type PersistableStore = Pick<Store, 'tables' | 'requests' | 'errors' | 'addRows' | 'addRequest' | 'addError'>

/** One table of one workspace; `columns` is what the flows into it knew of its schema (the query API's types). */
export interface TableSnapshot {
  workspaceId: string
  table: string
  columns: TypedColumn[] | undefined
  rows: Row[]
}

export interface Snapshot {
  version: 1
  tables: TableSnapshot[]
  requests: RequestRecord[]
  dcrErrors: DcrLogError[]
}

/** JSON has no Date or bigint: they are written as `{"$emulator": "datetime" | "long", "value": "…"}`. */
const TAG = '$emulator'

export const encodeState = (snapshot: Snapshot): string =>
  JSON.stringify(snapshot, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key]
    if (raw instanceof Date) return { [TAG]: 'datetime', value: raw.toISOString() }
    if (typeof value === 'bigint') return { [TAG]: 'long', value: value.toString() }
    return value
  })

export const decodeState = (text: string): Snapshot => {
  const snapshot = JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && TAG in value) {
      const { [TAG]: type, value: v } = value as Record<string, unknown>
      if (type === 'datetime' && typeof v === 'string') return new Date(v)
      if (type === 'long' && typeof v === 'string') return BigInt(v)
    }
    return value
  }) as Snapshot
  if (snapshot?.version !== 1 || !Array.isArray(snapshot.tables)) throw new Error('not an emulator state file')
  return snapshot
}

export const snapshotStore = (store: PersistableStore): Snapshot => ({
  version: 1,
  tables: store.tables().map((t) => ({
    workspaceId: t.workspaceId,
    table: t.table,
    columns: t.columns === undefined ? undefined : [...t.columns],
    rows: [...t.rows],
  })),
  requests: store.requests(),
  dcrErrors: store.errors(),
})

export const restoreStore = (store: PersistableStore, snapshot: Snapshot): void => {
  for (const t of snapshot.tables) store.addRows(t.table, t.rows, [t.workspaceId], t.columns)
  for (const r of snapshot.requests ?? []) store.addRequest(r)
  for (const e of snapshot.dcrErrors ?? []) store.addError(e)
}

/** Loads the state at start; `markDirty()` after changes; `close()` writes what is pending. */
export class StatePersistence {
  private readonly _path: string
  private _timer: NodeJS.Timeout | undefined
  private _writing: Promise<void> = Promise.resolve()
  private _closed = false

  constructor(
    dir: string,
    private readonly _store: PersistableStore,
    private readonly _onError: (error: Error) => void,
  ) {
    this._path = join(dir, STATE_FILE)
  }

  async load(): Promise<void> {
    const text = await readIfExists(this._path)
    if (text === undefined) return
    try {
      restoreStore(this._store, decodeState(text))
    } catch (cause) {
      throw new EmulatorError(
        'INVALID_OPTIONS',
        `The data directory file ${this._path} is unreadable (${(cause as Error).message}). Delete it to start with an empty workspace.`,
        { cause },
      )
    }
  }

  markDirty(): void {
    if (this._closed || this._timer !== undefined) return
    this._timer = setTimeout(() => {
      this._timer = undefined
      this._save()
    }, SAVE_DELAY_MS)
    this._timer.unref()
  }

  /** Writes now (waiting for a write in progress first). */
  flush(): Promise<void> {
    if (this._timer !== undefined) {
      clearTimeout(this._timer)
      this._timer = undefined
    }
    return this._save()
  }

  async close(): Promise<void> {
    await this.flush()
    this._closed = true
  }

  private _save(): Promise<void> {
    const text = encodeState(snapshotStore(this._store))
    this._writing = this._writing
      .then(() => writeAtomically(this._path, text, 0o600))
      .catch((e: unknown) => this._onError(e as Error))
    return this._writing
  }
}
