/**
 * The library's only voice: `node:diagnostics_channel` channels `dcr-logs:*` (payloads built only when
 * someone subscribes) and `util.debuglog('dcr-logs')` text (`NODE_DEBUG=dcr-logs`). Never tokens,
 * secrets, headers or record contents: counts, sizes, statuses, ids and expiry times only.
 */
import { channel } from 'node:diagnostics_channel'
import { debuglog } from 'node:util'

/** Published after every HTTP attempt. */
export interface RequestEvent {
  clientRequestId: string
  attempt: number
  records: number
  /** Bytes on the wire. */
  sentBytes: number
  rawBytes: number
  /** HTTP status, or a network error code such as `ECONNRESET`. */
  status: number | string
  errorCode?: string | undefined
  durationMs: number
}

/** Published before a retry. */
export interface RetryEvent {
  clientRequestId: string
  attempt: number
  records: number
  delayMs: number
  code: string
  status?: number | string | undefined
}

/** Published when records are dropped (counts only; the records go to `onDrop`). */
export interface DropDiagnosticEvent {
  reason: string
  records: number
  status?: number | undefined
  errorCode?: string | undefined
  clientRequestId?: string | undefined
  message: string
}

/** Published when a token is fetched. */
export interface TokenEvent {
  expiresOnTimestamp: number
  background: boolean
}

/** Published for unusual but accepted configuration and for loud configuration errors (403/404). */
export interface WarningEvent {
  message: string
  /** Set for warnings also raised through `process.emitWarning`, e.g. `DCR_LOGS_UNDECLARED_FIELD`. */
  code?: string | undefined
}

/** Channel names, for `diagnostics_channel.subscribe()`. */
export const DIAGNOSTIC_CHANNELS = Object.freeze({
  request: 'dcr-logs:request',
  retry: 'dcr-logs:retry',
  drop: 'dcr-logs:drop',
  token: 'dcr-logs:token',
  warning: 'dcr-logs:warning',
})

const channels = {
  request: channel(DIAGNOSTIC_CHANNELS.request),
  retry: channel(DIAGNOSTIC_CHANNELS.retry),
  drop: channel(DIAGNOSTIC_CHANNELS.drop),
  token: channel(DIAGNOSTIC_CHANNELS.token),
  warning: channel(DIAGNOSTIC_CHANNELS.warning),
}

interface EventMap {
  request: RequestEvent
  retry: RetryEvent
  drop: DropDiagnosticEvent
  token: TokenEvent
  warning: WarningEvent
}

// debuglog reads NODE_DEBUG on first use
const log = debuglog('dcr-logs')

/** Publishes an event built lazily, only when someone listens. */
export const publish = <K extends keyof EventMap>(name: K, build: () => EventMap[K]): void => {
  const ch = channels[name]
  if (ch.hasSubscribers) ch.publish(build())
}

/** Debug text for `NODE_DEBUG=dcr-logs`; the message is built only when enabled. */
export const debug = (build: () => string): void => {
  if (log.enabled) log('%s', build())
}
