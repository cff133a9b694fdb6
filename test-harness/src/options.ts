/** The emulator's options and their defaults, in one place. */
import type { DcrDefinition } from './dcr-loader.ts'
import type { FaultPlan, FaultRule } from './faults.ts'
import type { ClientRegistration, ManagedIdentityRegistration } from './registrations.ts'
import type { TablePlan } from './schema/types.ts'
import type { ThrottleOptions } from './throttle.ts'

/** A DCR to load: a path to a JSON file, the parsed JSON itself, or either with overrides. */
export type DcrInput = string | DcrDefinition | Record<string, unknown>

/** A table schema as published: `{name, columns: [{name, type}]}` (any type spelling Log Analytics or .NET uses). */
export interface TableSchemaInput {
  name: string
  columns: { name: string; type: string }[]
  /** @defaultValue 'Analytics' */
  plan?: TablePlan
}

/** The body of a Tables API call (`PUT …/workspaces/{ws}/tables/{name}`): the schema and plan under `properties`. */
export interface TablesApiBody {
  properties: { schema: TableSchemaInput; plan?: TablePlan }
}

export interface EmulatorOptions {
  /** DCRs to serve. rules[0] is the first. @defaultValue the default DCR (`DEFAULT_DCR`) */
  dcrs?: DcrInput[]
  /** Values for ARM template expressions (`[parameters('x')]`) in the DCRs. */
  parameters?: Record<string, unknown>
  /** Values for `[variables('x')]` in the DCRs (an ARM resource copied out of its template); given values win. */
  variables?: Record<string, unknown>
  /** Schemas of tables, for built-in input streams (`Microsoft-X`) and to type transformation output. */
  tables?: (TableSchemaInput | TablesApiBody)[]
  /** Lifetime of issued access tokens, seconds. @defaultValue `DEFAULTS.tokenLifetimeSeconds` */
  tokenLifetimeSeconds?: number
  /** Per-DCR rate budgets, or `false` to turn throttling off. @defaultValue `THROTTLE_DEFAULTS` */
  throttle?: ThrottleOptions | false
  /** Token audiences ingestion accepts. @defaultValue `DEFAULTS.audiences` */
  audiences?: string[]
  /** Directory holding the CA (created there when missing). @defaultValue `DCR_LOGS_EMULATOR_CA_DIR`, else a fresh CA */
  caDir?: string
  /** TCP port. @defaultValue 0 (any free port) */
  port?: number
  /** Address to bind (`0.0.0.0` for containers). @defaultValue `DEFAULTS.host` */
  host?: string
  /** The name other machines or containers use (a compose service name): added to the certificate and advertised. */
  publicHost?: string
  /** Let non-loopback clients use the control API (`/_emulator/`). @defaultValue `DEFAULTS.allowRemoteControl` */
  allowRemoteControl?: boolean
  /** Keep rows, request log, signing key, CA and credentials here across restarts. @defaultValue none (all in memory) */
  dataDir?: string
  /** Tenant id. @defaultValue a random UUID */
  tenantId?: string
  /** The app registration's client id. @defaultValue a random UUID */
  clientId?: string
  /** The app registration's secret. @defaultValue a random string */
  clientSecret?: string
  /** More app registrations that may get tokens (secrets, certificates, federated credentials). */
  clients?: ClientRegistration[]
  /** User-assigned managed identities, besides the system-assigned one. */
  managedIdentities?: ManagedIdentityRegistration[]
  /** Keep rows in memory (`rows()`); false only counts them, for benchmarks. @defaultValue true */
  retainRows?: boolean
  /**
   * Check only the framing of an ingestion request (token, headers, size, gzip), then answer 204 without parsing
   * the records: rows are neither stored nor counted. For load tests that must measure the client, not the
   * emulator. @defaultValue false
   */
  discardRecords?: boolean
  /** Front-door limit on the body as sent. @defaultValue `DEFAULTS.maxRequestBytes` */
  maxRequestBytes?: number
  /** Limit on the body after gzip decoding. @defaultValue `DEFAULTS.maxDecompressedBytes` */
  maxDecompressedBytes?: number
  /** Longer string values are truncated. @defaultValue `DEFAULTS.maxFieldBytes` */
  maxFieldBytes?: number
  /** A fault plan active from the start. */
  faults?: FaultPlan | FaultRule[]
  /** Clock, epoch ms (tests of token expiry and the TimeGenerated window). @defaultValue `Date.now` */
  now?: () => number
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  tokenLifetimeSeconds: 3599,
  audiences: ['https://monitor.azure.com'] as readonly string[],
  retainRows: true,
  allowRemoteControl: false,
  /** Service limits: 1 MB per call, checked on Content-Length (the bytes as sent). */
  maxRequestBytes: 1_048_576,
  /** Reported 50 MiB decompressed limit (unconfirmed; open-telemetry/otel-arrow#2535). */
  maxDecompressedBytes: 50 * 1024 * 1024,
  /** Service limits: 64 KB per field. */
  maxFieldBytes: 65_536,
  /** `waitForRows()` timeout. */
  waitTimeoutMs: 10_000,
} as const

/** Environment variable naming a CA directory to reuse (set by the Vitest global setup). */
export const CA_DIR_ENV = 'DCR_LOGS_EMULATOR_CA_DIR'
