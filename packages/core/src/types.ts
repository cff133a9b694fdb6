/**
 * The public contract of `@dcr-logs/core`: what adapters and users program against.
 * Implementations live elsewhere; this file holds types only.
 */
import type { ResolvedOptions } from './options.js'
import type { ConformStats } from './shaping/record-shaper.js'

/** An access token as returned by a `TokenCredential` (same shape as `@azure/core-auth`). */
export interface AccessToken {
  token: string
  /** Expiry, epoch milliseconds. */
  expiresOnTimestamp: number
  /** When the token should be refreshed, epoch milliseconds (newer `@azure/identity` versions set it). */
  refreshAfterTimestamp?: number
}

/** Anything with `getToken`, such as every `@azure/identity` credential. Declared here so core needs no Azure dependency. */
export interface TokenCredential {
  getToken(
    scopes: string | string[],
    options?: { abortSignal?: AbortSignal; tenantId?: string; claims?: string },
  ): Promise<AccessToken | null>
}

/**
 * Structured-clone-safe credential settings (they can cross a worker-thread boundary, as pino needs).
 * Core turns them into an `@azure/identity` credential, loaded lazily from the optional peer dependency.
 */
export type CredentialConfig =
  | {
      type: 'clientSecret'
      tenantId: string
      clientId: string
      clientSecret: string
      authorityHost?: string
      /** Required for a non-Microsoft authority such as the local emulator; there is no environment variable for it. */
      disableInstanceDiscovery?: boolean
    }
  | {
      type: 'clientCertificate'
      tenantId: string
      clientId: string
      /** Path to a PEM file holding the certificate and its private key. */
      certificatePath?: string
      /** The PEM text itself, instead of a path. */
      certificate?: string
      authorityHost?: string
      disableInstanceDiscovery?: boolean
    }
  | { type: 'managedIdentity'; clientId?: string; resourceId?: string }
  | { type: 'workloadIdentity'; tenantId?: string; clientId?: string; tokenFilePath?: string; authorityHost?: string }
  | { type: 'azureCli'; tenantId?: string }
  | { type: 'environment'; authorityHost?: string; disableInstanceDiscovery?: boolean }
  | { type: 'default'; managedIdentityClientId?: string; tenantId?: string }

/** Sovereign cloud, which fixes the token audience. */
export type AzureCloud = 'public' | 'usgov' | 'china'

/** What happens when a record arrives and the buffer is full. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'wait'

/** Why records were not delivered. */
export type DropReason =
  /** The buffer was full (overflow policy). */
  | 'buffer-full'
  /** One record is larger than a request may be, even alone and compressed. */
  | 'record-too-large'
  /** The record could not be turned into a JSON object (for example, not an object). */
  | 'invalid-record'
  /** The service rejected the record as malformed (400), isolated by bisection. */
  | 'rejected'
  /** 401 after a token refresh: the credential cannot get a usable token. */
  | 'unauthorized'
  /** 403: the identity lacks Monitoring Metrics Publisher on the DCR (retried for `forbiddenRetryMs` first). */
  | 'forbidden'
  /** 404: unknown DCR immutable id or stream. */
  | 'not-found'
  /** Retriable failures (429, 5xx, network) continued past the retry budget. */
  | 'retries-exhausted'
  /** Any other non-retriable HTTP status. */
  | 'http-error'
  /** A token could not be obtained at all (credential error). */
  | 'auth-failed'
  /** Pushed after `close()`. */
  | 'closed'
  /** Still pending when `close()` reached its deadline. */
  | 'shutdown-timeout'

/** One report of undelivered records. Every undelivered record is reported exactly once. */
export interface DropEvent {
  reason: DropReason
  /** The records, each as the JSON text that was (or would have been) sent. */
  records: readonly string[]
  /** HTTP status of the last attempt, when there was one. */
  status?: number
  /** Azure error code (`x-ms-error-code` or `error.code`), when there was one. */
  errorCode?: string
  /** `x-ms-client-request-id` of the last attempt, to find it in `DCRLogErrors`. */
  clientRequestId?: string
  /** Whether the failure was of a retriable kind (and ran out of time or attempts). */
  retriable: boolean
  /** A readable error: what happened, how often, what to do. */
  error: Error
  /** The route the records took, for a client with `routes` (`'default'` for the top-level options). */
  route?: string
}

/** A record to send: column name → value. Dates become ISO strings; everything else is serialised safely. */
export type LogColumns = Record<string, unknown>

export interface FlushOptions {
  /** Give up waiting after this long (records stay queued and keep being retried). */
  timeoutMs?: number
  signal?: AbortSignal
}

export interface FlushResult {
  /** True when every record pushed before the call was delivered or reported as dropped. */
  settled: boolean
  /** Records still queued or in flight when the call returned. */
  pending: number
}

export interface CloseOptions {
  /** Deadline for the final flush; what is still pending then is dropped with reason `shutdown-timeout`. */
  timeoutMs?: number
}

export interface WaitForSpaceOptions {
  timeoutMs?: number
  signal?: AbortSignal
}

export interface LogsIngestionStats {
  records: {
    /** Accepted by `push()` into the buffer. */
    accepted: number
    delivered: number
    /** Sum over `droppedByReason`. */
    dropped: number
    /** Record-attempts that were sent again after a failure. */
    retried: number
    /** Queued, not yet sent. */
    queued: number
    /** In requests that have not completed. */
    inFlight: number
  }
  droppedByReason: Partial<Record<DropReason, number>>
  requests: {
    total: number
    /** Keyed by HTTP status, or by a network error code such as `ECONNRESET`. */
    byStatus: Record<string, number>
  }
  bytes: {
    /** Uncompressed JSON bytes sent, counting brackets and commas. */
    raw: number
    /** Bytes on the wire (gzip when compression is on). */
    sent: number
  }
  /** Mean of (bytes sent ÷ `maxRequestBytes`) over requests that were sent because they were full. */
  averageFill: number
  /** Buffered bytes (serialised JSON). */
  queuedBytes: number
  lastError?: { message: string; code?: string; status?: number; at: string }
  /** The durable spool, when the `spool` option is on. */
  spool?: SpoolStats
  /** What the stream declaration check found (with a `streamDeclaration` or a `preset`). */
  conform?: ConformStats
  /** Each route's statistics, by route name (`'default'` for the top-level options), for a client with `routes`. */
  routes?: Record<string, LogsIngestionStats>
}

/** `stats().spool`: what the durable spool holds and has done. */
export interface SpoolStats {
  dir: string
  /** `disk`, or `memory` after the directory could not be used or a write failed (see `lastError`). */
  state: 'disk' | 'memory'
  /** Bytes of segment files on disk. */
  bytes: number
  segments: number
  /** Records written to disk only because memory was full or older records waited there. */
  spilled: number
  /** Records read back from segments an earlier process left. */
  replayed: number
  /**
   * Replayed records that the earlier process had already put in requests whose answer it never saw: each may
   * have been delivered before (an upper bound on the duplicates a restart causes).
   */
  possibleDuplicates: number
  /** Damaged segment parts skipped (bad header, checksum mismatch, torn tail), each reported as a warning. */
  corrupt: number
  skippedBytes: number
  /** Records left in the spool by `close()` for the next start (not counted as dropped). */
  keptAtClose: number
}

/** Records that never reached `push()`, reported through `reportDrop()`. */
export interface ReportDropOptions {
  /** @defaultValue `'invalid-record'` */
  reason?: DropReason
  /** The records as the adapter received them; `onDrop` gets each as JSON text (serialised safely). */
  records: readonly unknown[]
  /** What was wrong, for the error message: `the log record could not be read: …`. */
  detail: string
  cause?: unknown
}

export interface LogsIngestionClient {
  /** The options in effect: user options, `DCR_LOGS_*` variables and `DEFAULTS`, validated. */
  readonly options: Readonly<ResolvedOptions>
  /**
   * Reports records that will not be pushed (an adapter could not map them, say), so that they are counted in
   * `stats()` and reach `onDrop` with a reason, like every other undelivered record. Never throws.
   */
  reportDrop(drop: ReportDropOptions): void
  /** Serialises and buffers one record. Synchronous, never throws; `false` means the record was dropped (and reported). */
  push(record: LogColumns): boolean
  /** Resolves `true` when the buffer has room again, `false` on timeout, abort or close. */
  waitForSpace(options?: WaitForSpaceOptions): Promise<boolean>
  /** Sends everything pushed before the call and waits until it is delivered or reported dropped (or the deadline). */
  flush(options?: FlushOptions): Promise<FlushResult>
  /** Flushes, then releases sockets and timers. Idempotent. */
  close(options?: CloseOptions): Promise<FlushResult>
  /**
   * For a process `exit` handler, where nothing asynchronous runs any more: reports every record not yet delivered
   * (queued, being packed, or in a request under way) to `onDrop` and `stats()` as `shutdown-timeout` with
   * `detail`, synchronously, and closes the client. Returns how many records that was. With `spool`, those records
   * are written to the spool instead (`stats().spool.keptAtClose`, not dropped) and are not counted in the result.
   */
  abandon(detail: string): number
  stats(): LogsIngestionStats
  readonly closed: boolean
}
