/**
 * Tells the user, once per field, what the stream declaration check found: an undeclared field or a value no
 * conversion fits is a warning (the service would lose it without an error), a conversion is debug text. Warnings
 * go to the `dcr-logs:warning` channel, `process.emitWarning` (with a code, for `process.on('warning')` filters)
 * and NODE_DEBUG. Messages name fields, columns and types, never values. Bounded: a stream of ever new field names
 * stops being reported one by one.
 */
import { debug, publish } from '../diagnostics.js'
import type { StreamColumnType } from '../schema.js'

/** Warning code of a field the stream declaration does not have. */
export const UNDECLARED_FIELD_WARNING = 'DCR_LOGS_UNDECLARED_FIELD'
/** Warning code of a value no conversion to its column's declared type fits. */
export const UNCONVERTIBLE_VALUE_WARNING = 'DCR_LOGS_UNCONVERTIBLE_VALUE'

/** Distinct names reported one by one, per kind, before a single "and more" notice. */
export const MAX_NOTICES = 100

export type EmitWarning = (message: string, options: { code: string; type: string }) => void

export interface ConformNoticesOptions {
  /** Where records go, for messages: `stream Custom-AppLogs`, `route "audit" (stream Custom-Audit)`. */
  target: string
  /** Whether values are converted and fields left out (`'convert'`), or only checked. */
  converting: boolean
  emitWarning?: EmitWarning | undefined
}

const describeValue = (value: unknown): string => {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Date) return 'a Date'
  const t = typeof value
  return t === 'object' ? 'an object' : `a ${t}`
}

export class ConformNotices {
  private readonly _seen = {
    undeclared: new Set<string>(),
    unconvertible: new Set<string>(),
    converted: new Set<string>(),
  }
  /** Kinds past their bound, told once. */
  private readonly _overflowed = new Set<string>()
  private readonly _emit: EmitWarning

  constructor(private readonly _o: ConformNoticesOptions) {
    this._emit = _o.emitWarning ?? ((message, options) => process.emitWarning(message, options))
  }

  /** Distinct undeclared field names seen so far (at most `MAX_NOTICES`). */
  get undeclaredNames(): readonly string[] {
    return [...this._seen.undeclared]
  }

  undeclared(field: string, suggestion: string | undefined): void {
    if (!this._first('undeclared', field, UNDECLARED_FIELD_WARNING, 'undeclared fields')) return
    const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`
    const fate = this._o.converting
      ? 'it is not sent (the service would drop it without an error)'
      : 'the service drops it without an error'
    this._warn(
      `dcr-logs: field "${field}" is not declared in ${this._o.target}${hint}; ${fate}. Declare the column in the DCR's stream declaration, or map the field to a declared column.`,
      UNDECLARED_FIELD_WARNING,
    )
  }

  unconvertible(column: string, type: StreamColumnType, value: unknown, reason: string): void {
    if (!this._first('unconvertible', column, UNCONVERTIBLE_VALUE_WARNING, 'columns with unconvertible values')) return
    const fate = this._o.converting
      ? 'such values are left out (the service would store the column empty)'
      : 'the service stores the column empty'
    this._warn(
      `dcr-logs: column "${column}" of ${this._o.target} is declared ${type}, but a value is ${describeValue(value)} that is ${reason}; ${fate}. Send ${type} values, or declare the column with the type the values have.`,
      UNCONVERTIBLE_VALUE_WARNING,
    )
  }

  converted(column: string, type: StreamColumnType, from: unknown): void {
    const seen = this._seen.converted
    if (seen.has(column) || seen.size >= MAX_NOTICES) return
    seen.add(column)
    debug(
      () =>
        `column "${column}" of ${this._o.target}: ${describeValue(from)} ${this._o.converting ? 'converted' : 'would be converted'} to ${type} (further conversions of this column are counted in stats().conform)`,
    )
  }

  /** True the first time a name is seen; past the bound, one notice that the rest is only counted. */
  private _first(kind: 'undeclared' | 'unconvertible', name: string, code: string, what: string): boolean {
    const seen = this._seen[kind]
    if (seen.has(name)) return false
    if (seen.size < MAX_NOTICES) {
      seen.add(name)
      return true
    }
    if (!this._overflowed.has(kind)) {
      this._overflowed.add(kind)
      this._warn(
        `dcr-logs: more than ${MAX_NOTICES} ${what} in ${this._o.target}; further ones are counted in stats().conform but not reported one by one.`,
        code,
      )
    }
    return false
  }

  private _warn(message: string, code: string): void {
    publish('warning', () => ({ message, code }))
    debug(() => message)
    try {
      this._emit(message, { code, type: 'DcrLogsWarning' })
    } catch {
      // a throwing warning listener must not break push()
    }
  }
}
