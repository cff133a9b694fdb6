/** The shape of a scalar function the compilers can call. */
import type { KqlType } from './types.ts'

/** What a function sees besides its arguments. */
export interface CallContext {
  /** `now()`: the receive time of an ingestion request, or the time a query runs. */
  now: Date
}

export interface ScalarFunction {
  min: number
  max: number
  fn: (args: unknown[], ctx: CallContext) => unknown
  /** The result type, fixed or from the argument types; undefined when it depends on values (dynamic). */
  type?: KqlType | ((args: (KqlType | undefined)[]) => KqlType | undefined)
  /** Index of an argument that is an RE2 pattern: checked when the query is compiled if it is a constant. */
  regexArg?: number
}

export type FunctionTable = Record<string, ScalarFunction>
