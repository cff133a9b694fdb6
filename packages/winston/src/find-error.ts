/**
 * Where winston put the Error of a record, whatever the formats (frameworks.md §2.2): the info itself, its
 * message, `err`/`error`, a splat argument, then a `stack` that `format.errors()` or a child logger left behind.
 * The same order as OpenTelemetry's winston transport (`getExceptionPayload`). Pure.
 */

// an Error from another realm (vm, worker) fails instanceof; only objects are worth the slower check
const isError = (value: unknown): value is Error =>
  typeof value === 'object' &&
  value !== null &&
  (value instanceof Error || Object.prototype.toString.call(value) === '[object Error]')

const HEADER = /^([A-Za-z_$][\w$.]*)(?::\s?(.*))?$/

/** An Error rebuilt from a plain record that only kept `stack` (format.errors(), child loggers, `'msg', err`). */
const errorFromStack = (stack: string, message: unknown, cause: unknown): Error => {
  const header = HEADER.exec(stack.split('\n', 1)[0] ?? '')
  const text = typeof message === 'string' && message !== '' ? message : (header?.[2] ?? '')
  const error = new Error(text, cause === undefined ? undefined : { cause })
  error.name = header?.[1] ?? 'Error'
  error.stack = stack
  return error
}

export interface FoundError {
  error: Error
  /** The info key the error was read from, which then leaves Attributes. */
  key?: 'err' | 'error'
}

export const findError = (
  info: Readonly<Record<string | symbol, unknown>>,
  splat: readonly unknown[] | undefined,
): FoundError | undefined => {
  if (isError(info)) return { error: info }
  if (isError(info['message'])) return { error: info['message'] }
  if (isError(info['err'])) return { error: info['err'], key: 'err' }
  if (isError(info['error'])) return { error: info['error'], key: 'error' }
  if (splat !== undefined) {
    for (const item of splat) if (isError(item)) return { error: item }
  }
  const stack = info['stack']
  if (typeof stack === 'string' && stack !== '') return { error: errorFromStack(stack, info['message'], info['cause']) }
  return undefined
}
