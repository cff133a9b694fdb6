/**
 * Log Analytics workspaces: each DCR destination names one by resource id; rows are kept per workspace, and the
 * query API addresses a workspace by its id (a GUID). Pure.
 */
import { createHash } from 'node:crypto'
import type { LoadedDcr, LoadedFlow, WorkspaceDestination } from './dcr-loader.ts'
import { DEFAULT_WORKSPACE_ID, DEFAULT_WORKSPACE_RESOURCE_ID, WORKSPACE_PLACEHOLDER } from './default-dcr.ts'
import { EmulatorError } from './errors.ts'
import { kqlTypeOf, type TypedColumn } from './kql/types.ts'

/** A workspace the emulator holds rows for. */
export interface EmulatorWorkspace {
  /** The workspace id (a GUID): `queryWorkspace(workspaceId, …)`. */
  workspaceId: string
  /** Its ARM resource id, as the DCR destination names it. */
  resourceId: string
  /** The last segment of the resource id. */
  name: string
  /** Tables that DCRs write to in this workspace. */
  tables: string[]
}

/** A stable GUID for a workspace resource id (ARM ids compare case-insensitively). */
export const deriveWorkspaceId = (resourceId: string): string => {
  const h = createHash('sha256').update(`workspace:${resourceId.toLowerCase()}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`
}

const lastSegment = (resourceId: string): string => resourceId.split('/').filter(Boolean).at(-1) ?? resourceId

/** Resolves DCR destinations to workspaces, one per resource id, in the order DCRs name them. */
export class WorkspaceDirectory {
  private readonly _byResource = new Map<string, EmulatorWorkspace>()
  private readonly _byId = new Map<string, EmulatorWorkspace>()

  /** Registers every workspace the DCRs write to; the first DCR's first workspace comes first. */
  constructor(dcrs: readonly LoadedDcr[]) {
    for (const dcr of dcrs) {
      for (const stream of dcr.streams.values()) {
        for (const flow of stream.flows) for (const d of flow.workspaces) this._add(d, flow.table)
      }
    }
  }

  private _add(d: WorkspaceDestination, table: string): void {
    // The shipped DCR file's placeholder stands for the emulator's default workspace.
    const placeholder = d.workspaceResourceId === WORKSPACE_PLACEHOLDER
    const resourceId = placeholder ? DEFAULT_WORKSPACE_RESOURCE_ID : d.workspaceResourceId
    const key = resourceId.toLowerCase()
    let ws = this._byResource.get(key)
    if (ws === undefined) {
      const workspaceId = (
        placeholder ? DEFAULT_WORKSPACE_ID : (d.workspaceId ?? deriveWorkspaceId(resourceId))
      ).toLowerCase()
      ws = { workspaceId, resourceId, name: lastSegment(resourceId), tables: [] }
      this._byResource.set(key, ws)
      this._byId.set(workspaceId, ws)
    }
    if (!ws.tables.includes(table)) ws.tables.push(table)
  }

  /** Workspace ids a flow writes to. */
  idsOf(flow: LoadedFlow): string[] {
    return flow.workspaces.map((d) => {
      const rid =
        d.workspaceResourceId === WORKSPACE_PLACEHOLDER ? DEFAULT_WORKSPACE_RESOURCE_ID : d.workspaceResourceId
      return this._byResource.get(rid.toLowerCase())!.workspaceId
    })
  }

  /** By workspace id (case-insensitive GUID) or by ARM resource id. */
  find(idOrResourceId: string): EmulatorWorkspace | undefined {
    const key = idOrResourceId.toLowerCase().replace(/\/+$/, '')
    return this._byId.get(key) ?? this._byResource.get(key.startsWith('/') ? key : `/${key}`)
  }

  /**
   * The workspace id a caller's `workspaceId` option names (any case, or a resource id); undefined (every
   * workspace) when it names none. An unknown one is an `EmulatorError('INVALID_OPTIONS')` listing the known ones.
   */
  select(workspaceId: string | undefined): string | undefined {
    if (workspaceId === undefined) return undefined
    const ws = this.find(workspaceId)
    if (ws !== undefined) return ws.workspaceId
    const known = [...this._byId.keys()].join(', ') || 'none'
    throw new EmulatorError(
      'INVALID_OPTIONS',
      `Unknown workspaceId '${workspaceId}'; the emulator's workspaces are ${known}.`,
    )
  }

  list(): EmulatorWorkspace[] {
    return [...this._byResource.values()].map((w) => ({ ...w, tables: [...w.tables] }))
  }
}

/**
 * The columns a flow writes: the table's schema when the emulator knows it (built-in tables, `tables`), else what
 * the transformation outputs; undefined when neither is known (types then come from the values).
 */
export const flowColumns = (flow: LoadedFlow): TypedColumn[] | undefined =>
  flow.tableConverter?.columns.map((c) => ({ name: c.name, type: kqlTypeOf(c.type) })) ??
  flow.transform.outputSchema?.map((c) => ({ ...c }))
