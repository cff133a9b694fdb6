/** The public shape of a running emulator: its connection details (`EmulatorInfo`) and its methods (`Emulator`). */
import type { FaultPlan, FaultRule } from './faults.ts'
import type { QueryResult } from './kql/query.ts'
import type { WorkspaceQueryOptions } from './query/workspace-query.ts'
import type { Row } from './schema/convert.ts'
import type { DcrLogError, RequestRecord } from './store.ts'
import type { EmulatorWorkspace } from './workspaces.ts'

/** A DCR the emulator serves. */
export interface EmulatorRule {
  /** The DCR's immutable id (`dcr-…`), the `{ruleId}` of the ingestion URL. */
  ruleId: string
  name: string
  kind?: string
  /** Streams that accept ingestion calls. */
  streams: string[]
  /** Ingestion endpoint for this DCR (the emulator's). */
  endpoint: string
  /** Ids of the workspaces its data flows write to (its Log Analytics destinations). */
  workspaceIds: string[]
}

/** `CredentialConfig` of `@dcr-logs/core` for the emulator's app registration. */
export interface EmulatorCredentialConfig {
  type: 'clientSecret'
  tenantId: string
  clientId: string
  clientSecret: string
  authorityHost: string
  disableInstanceDiscovery: true
}

/** Everything a client needs to connect; JSON-safe (what the CLI prints with `--json`). */
export interface EmulatorInfo {
  endpoint: string
  authorityHost: string
  tenantId: string
  clientId: string
  clientSecret: string
  caCertificate: string
  caFile: string
  rules: EmulatorRule[]
  credentialConfig: EmulatorCredentialConfig
  env: Record<string, string>
  controlEndpoint: string
  /** The Log Analytics query API: `new LogsQueryClient(credential, { endpoint: queryEndpoint })`. */
  queryEndpoint: string
  /** The workspace of the first DCR's first Log Analytics destination (the default DCR's: `DEFAULT_WORKSPACE_ID`). */
  workspaceId: string
  /** Every workspace the DCRs write to. */
  workspaces: EmulatorWorkspace[]
  /** The live dashboard, for a browser. */
  dashboardUrl: string
}

/** Which workspace to read; every workspace when left out. */
export interface WorkspaceSelector {
  workspaceId?: string
}

export interface WaitForRowsOptions extends WorkspaceSelector {
  /** @defaultValue `DEFAULTS.waitTimeoutMs` */
  timeoutMs?: number
  signal?: AbortSignal
}

export interface QueryOptions extends WorkspaceQueryOptions {
  /** @defaultValue the emulator's `workspaceId` */
  workspaceId?: string
}

export interface Emulator extends Readonly<EmulatorInfo> {
  readonly port: number
  /** Stored rows of a table (a copy), values typed per the DCR: datetime → Date, int/long/real → number, … */
  rows<T = Row>(table: string, options?: WorkspaceSelector): T[]
  /** How many rows a table received (also with `retainRows: false`). */
  count(table: string, options?: WorkspaceSelector): number
  /** Row counts of every table. */
  counts(options?: WorkspaceSelector): Record<string, number>
  /** Resolves with the table's rows once it holds at least `count`; rejects with `EmulatorError('TIMEOUT')` and a summary. */
  waitForRows<T = Row>(table: string, count: number, options?: WaitForRowsOptions): Promise<T[]>
  /** Runs a KQL query on a workspace, as the query API does; throws `KqlError` for a query it cannot run. */
  query(kql: string, options?: QueryOptions): QueryResult
  /** Every ingestion request so far (bounded to the last 100,000). */
  requests(): RequestRecord[]
  /** What DCRLogErrors would hold. */
  dcrErrors(): DcrLogError[]
  /** Replaces the fault plan; `undefined` removes it. Throws `EmulatorError('INVALID_OPTIONS')` for a bad plan. */
  setFaults(plan: FaultPlan | FaultRule[] | undefined): void
  /** The active fault plan. */
  faults(): FaultPlan | undefined
  /** Mints an access token without the HTTP round trip (for curl, or tests of foreign and expired tokens). */
  createAccessToken(options?: {
    audience?: string
    lifetimeSeconds?: number
    tenantId?: string
    clientId?: string
  }): string
  /** Clears rows, logs, faults, throttle windows. DCRs, credentials and the CA stay. */
  reset(): void
  /** The connection details as JSON-safe data. */
  info(): EmulatorInfo
  /** Stops the server, drops open connections (hung requests too), removes temp files. Idempotent. */
  close(): Promise<void>
}
