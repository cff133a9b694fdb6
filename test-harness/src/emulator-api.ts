/** The public shape of a running emulator: its connection details (`EmulatorInfo`) and its methods (`Emulator`). */
import type { FaultPlan, FaultRule } from './faults.ts'
import type { QueryResult } from './kql/query.ts'
import type { WorkspaceQueryOptions } from './query/workspace-query.ts'
import type { Row } from './schema/convert.ts'
import type { DcrLogError, RequestRecord } from './store.ts'
import type { ThrottleOptions } from './throttle.ts'
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

/** `CredentialConfig` of `@dcr-logs/core` for the emulator's app registration and its client secret. */
export interface EmulatorCredentialConfig {
  type: 'clientSecret'
  tenantId: string
  clientId: string
  clientSecret: string
  authorityHost: string
  disableInstanceDiscovery: true
}

/** `CredentialConfig`s of `@dcr-logs/core` for every credential type the emulator serves. */
export interface EmulatorCredentialConfigs {
  clientSecret: EmulatorCredentialConfig
  clientCertificate: {
    type: 'clientCertificate'
    tenantId: string
    clientId: string
    certificatePath: string
    authorityHost: string
    disableInstanceDiscovery: true
  }
  /** Needs `managedIdentityEnv` or `imdsEnv` in `process.env` (MSAL reads them there). */
  managedIdentity: { type: 'managedIdentity'; clientId: string }
  workloadIdentity: {
    type: 'workloadIdentity'
    tenantId: string
    clientId: string
    tokenFilePath: string
    authorityHost: string
  }
}

/** The system-assigned managed identity and the two ways to reach it. */
export interface EmulatorManagedIdentity {
  clientId: string
  objectId: string
  resourceId: string
  /** App Service style: `IDENTITY_ENDPOINT`. */
  identityEndpoint: string
  /** App Service style: `IDENTITY_HEADER` (a secret, like the client secret). */
  identityHeader: string
  /** IMDS style: `AZURE_POD_IDENTITY_AUTHORITY_HOST`. */
  imdsEndpoint: string
}

/** The federated token the emulator issues for workload identity, and what the app registration trusts. */
export interface EmulatorWorkloadIdentity {
  /** A file holding a fresh federated token (`AZURE_FEDERATED_TOKEN_FILE`), rewritten before it expires. */
  tokenFile: string
  issuer: string
  subject: string
  audience: string
}

/** Environment variables per credential type, each complete for an app (`DCR_LOGS_*`, `AZURE_*`, CA). */
export interface EmulatorCredentialEnv {
  clientSecret: Record<string, string>
  clientCertificate: Record<string, string>
  workloadIdentity: Record<string, string>
  /** App Service style managed identity (what `DefaultAzureCredential` picks up with nothing else set). */
  managedIdentity: Record<string, string>
  /** IMDS style managed identity. */
  imds: Record<string, string>
}

/** Everything a client needs to connect; JSON-safe (what the CLI prints with `--json`). */
export interface EmulatorInfo {
  endpoint: string
  authorityHost: string
  tenantId: string
  clientId: string
  clientSecret: string
  /** PEM file with the app's client certificate and its private key (`ClientCertificateCredential`). */
  certificateFile: string
  caCertificate: string
  caFile: string
  rules: EmulatorRule[]
  credentialConfig: EmulatorCredentialConfig
  credentialConfigs: EmulatorCredentialConfigs
  managedIdentity: EmulatorManagedIdentity
  workloadIdentity: EmulatorWorkloadIdentity
  /** Client-secret environment: `DCR_LOGS_*`, `AZURE_*`, `NODE_EXTRA_CA_CERTS`. */
  env: Record<string, string>
  credentialEnv: EmulatorCredentialEnv
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
  /** Stored rows of a table (a copy), typed per the DCR: datetime → Date, int/real → number, long → number (bigint past 2^53), … */
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
  /**
   * Changes the per-DCR budgets while running (a budget cut mid-run); windows in progress keep their counts. Throws
   * `EmulatorError('INVALID_OPTIONS')` for an invalid budget, or when the emulator was started with `throttle: false`.
   */
  setThrottle(budget: ThrottleOptions): void
  /** The active fault plan. */
  faults(): FaultPlan | undefined
  /** Mints an access token without the HTTP round trip (for curl, or tests of foreign and expired tokens). */
  createAccessToken(options?: {
    audience?: string
    lifetimeSeconds?: number
    tenantId?: string
    clientId?: string
  }): string
  /** Mints a federated token from `EMULATOR_FEDERATION_ISSUER` (workload identity), e.g. for another subject. */
  createFederatedToken(options?: { subject?: string; audience?: string; lifetimeSeconds?: number }): string
  /** Clears rows, logs, faults, throttle windows. DCRs, credentials and the CA stay. */
  reset(): void
  /** The connection details as JSON-safe data. */
  info(): EmulatorInfo
  /** Stops the server, drops open connections (hung requests too), saves the data dir, removes temp files. Idempotent. */
  close(): Promise<void>
}
