/**
 * winston's exit after an uncaught exception or unhandled rejection (exception-handler.js, rejection-handler.js):
 * it marks each handling transport `_ending`, logs the crash record, waits up to 3 s for each one's `'finish'`,
 * then calls `process.exit(1)` when `exitOnError` says so. Pure predicates over what winston hands the transport.
 */

/** What the handlers set on a transport before logging the crash record. */
interface HandledTransport {
  _ending?: unknown
}

interface CrashInfo {
  exception?: unknown
  rejection?: unknown
  error?: unknown
}

/** The logger a transport is piped from: only `exitOnError` matters here. */
interface ParentLogger {
  exitOnError?: unknown
}

/** True when `info` is winston's report of an uncaught exception or unhandled rejection. */
export const isCrashRecord = (info: unknown): boolean => {
  if (info === null || typeof info !== 'object') return false
  const { exception, rejection } = info as CrashInfo
  return exception === true || rejection === true
}

/**
 * True when winston is waiting for this transport's `'finish'` before `process.exit(1)`: its handler set `_ending`
 * (a record that merely carries `exception: true` does not) and the logger's `exitOnError` (default true, or a
 * function of the error) says it exits.
 */
export const winstonWillExit = (
  transport: HandledTransport,
  parent: ParentLogger | undefined,
  info: unknown,
): boolean => {
  if (transport._ending !== true) return false
  const exitOnError = parent?.exitOnError
  if (typeof exitOnError === 'function') {
    try {
      return Boolean(exitOnError((info as CrashInfo).error))
    } catch {
      return true
    }
  }
  return exitOnError !== false
}
