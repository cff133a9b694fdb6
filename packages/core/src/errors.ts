import type { DropReason } from './types.js'

/** Every failure core reports carries one of these codes; branch on the code, never on the message. */
export type LogsIngestionErrorCode =
  /** An option is missing or invalid (thrown at construction). */
  | 'INVALID_OPTIONS'
  /** An optional peer dependency (`@azure/identity`) is needed but not installed. */
  | 'MISSING_DEPENDENCY'
  /** The credential could not produce a token. */
  | 'AUTH_FAILED'
  /** 401 even after a token refresh. */
  | 'UNAUTHORIZED'
  /** 403: the identity lacks Monitoring Metrics Publisher on the DCR. */
  | 'FORBIDDEN'
  /** 404: unknown DCR immutable id or stream. */
  | 'NOT_FOUND'
  /** 429: the DCR's request or data rate was exceeded. */
  | 'THROTTLED'
  /** 5xx from the service. */
  | 'SERVER_ERROR'
  /** The connection failed, was reset or timed out. */
  | 'NETWORK_ERROR'
  /** 413: the request body was larger than the service accepts. */
  | 'REQUEST_TOO_LARGE'
  /** One record is larger than a request may be. */
  | 'RECORD_TOO_LARGE'
  /** 400: the service rejected records as malformed. */
  | 'REJECTED'
  /** Any other unexpected HTTP status. */
  | 'HTTP_ERROR'
  /** Retriable failures continued past the retry budget. */
  | 'RETRIES_EXHAUSTED'
  /** The buffer was full. */
  | 'BUFFER_FULL'
  /** The record was not a plain object. */
  | 'INVALID_RECORD'
  /** The client was closed. */
  | 'CLOSED'
  /** `close()` reached its deadline with records still pending. */
  | 'SHUTDOWN_TIMEOUT'

export interface LogsIngestionErrorInfo {
  status?: number | undefined
  /** Azure error code (`x-ms-error-code` or `error.code`). */
  errorCode?: string | undefined
  clientRequestId?: string | undefined
  /** How many records the failure concerns (a count, never the records). */
  records?: number | undefined
  retriable?: boolean | undefined
  cause?: unknown
}

/** The one error class of `@dcr-logs/core`. Messages are built from data and never contain records, tokens or headers. */
export class LogsIngestionError extends Error {
  override readonly name = 'LogsIngestionError'
  readonly code: LogsIngestionErrorCode
  readonly status: number | undefined
  readonly errorCode: string | undefined
  readonly clientRequestId: string | undefined
  readonly records: number
  readonly retriable: boolean

  constructor(code: LogsIngestionErrorCode, message: string, info: LogsIngestionErrorInfo = {}) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause })
    this.code = code
    this.status = info.status
    this.errorCode = info.errorCode
    this.clientRequestId = info.clientRequestId
    this.records = info.records ?? 0
    this.retriable = info.retriable ?? false
  }
}

/** True for a `LogsIngestionError`, also one thrown by another loaded copy of this package. */
export const isLogsIngestionError = (error: unknown): error is LogsIngestionError =>
  error instanceof LogsIngestionError ||
  (error instanceof Error &&
    error.name === 'LogsIngestionError' &&
    typeof (error as { code?: unknown }).code === 'string')

/** Best-effort readable message of anything thrown. */
export const messageOf = (error: unknown): string => {
  if (error instanceof Error) return error.message || error.name
  if (typeof error === 'string') return error
  try {
    return String(error)
  } catch {
    return 'unknown error'
  }
}

/** The error code a `DropEvent` carries for each drop reason. */
export const DROP_REASON_CODES: Readonly<Record<DropReason, LogsIngestionErrorCode>> = {
  'buffer-full': 'BUFFER_FULL',
  'record-too-large': 'RECORD_TOO_LARGE',
  'invalid-record': 'INVALID_RECORD',
  rejected: 'REJECTED',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  'not-found': 'NOT_FOUND',
  'retries-exhausted': 'RETRIES_EXHAUSTED',
  'http-error': 'HTTP_ERROR',
  'auth-failed': 'AUTH_FAILED',
  closed: 'CLOSED',
  'shutdown-timeout': 'SHUTDOWN_TIMEOUT',
}
