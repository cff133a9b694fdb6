/** The exception columns of the default schema. */
export interface ExceptionColumns {
  ExceptionType?: string
  ExceptionMessage?: string
  ExceptionStacktrace?: string
}

type ErrorLike = {
  name?: unknown
  type?: unknown
  message?: unknown
  stack?: unknown
  cause?: unknown
  errors?: unknown
}

const MAX_CHAIN = 8

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined)

const typeOf = (error: ErrorLike): string | undefined => {
  // pino's serializer writes `type` (the constructor name); Error instances have `name`
  const type = str(error.type) ?? str(error.name)
  if (type !== undefined) return type
  const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name
  return typeof ctor === 'string' && ctor !== 'Object' ? ctor : undefined
}

/** Stack (or `Type: message` when there is none) of one error, without its causes. */
const stackOf = (error: ErrorLike): string | undefined => {
  const stack = str(error.stack)
  if (stack !== undefined) return stack
  const type = typeOf(error)
  const message = str(error.message)
  if (type === undefined && message === undefined) return undefined
  return message === undefined ? type : `${type ?? 'Error'}: ${message}`
}

/** Appends causes and aggregated errors, OpenTelemetry/Java style, bounded in depth and guarded against cycles. */
const appendChain = (lines: string[], error: ErrorLike, seen: Set<unknown>, depth: number): void => {
  if (depth >= MAX_CHAIN) return
  if (Array.isArray(error.errors)) {
    error.errors.slice(0, MAX_CHAIN).forEach((inner, i) => {
      if (!isObject(inner) || seen.has(inner)) return
      seen.add(inner)
      const text = stackOf(inner as ErrorLike)
      if (text !== undefined) lines.push(`[errors[${i}]] ${text}`)
      appendChain(lines, inner as ErrorLike, seen, depth + 1)
    })
  }
  const cause = error.cause
  if (cause === undefined || cause === null || seen.has(cause)) return
  if (!isObject(cause)) {
    lines.push(`Caused by: ${String(cause)}`)
    return
  }
  seen.add(cause)
  const text = stackOf(cause as ErrorLike)
  if (text !== undefined) lines.push(`Caused by: ${text}`)
  appendChain(lines, cause as ErrorLike, seen, depth + 1)
}

/**
 * The `ExceptionType`, `ExceptionMessage` and `ExceptionStacktrace` columns for an error: an `Error`
 * (with its `cause` chain and, for an `AggregateError`, its `errors`), a serialised error such as pino's
 * `{ type, message, stack }`, or a thrown string. Returns `{}` for anything that is not an error. Never throws.
 */
export const exceptionColumns = (error: unknown): ExceptionColumns => {
  try {
    if (typeof error === 'string') return error === '' ? {} : { ExceptionMessage: error }
    if (!isObject(error)) return {}
    const e = error as ErrorLike
    if (!(error instanceof Error) && str(e.message) === undefined && str(e.stack) === undefined) return {}
    const out: ExceptionColumns = {}
    const type = typeOf(e)
    if (type !== undefined) out.ExceptionType = type
    if (typeof e.message === 'string') out.ExceptionMessage = e.message
    const lines: string[] = []
    const own = stackOf(e)
    if (own !== undefined) lines.push(own)
    appendChain(lines, e, new Set([error]), 0)
    if (lines.length > 0) out.ExceptionStacktrace = lines.join('\n')
    return out
  } catch {
    // a hostile getter or proxy: the record is still worth sending without exception columns
    return {}
  }
}
