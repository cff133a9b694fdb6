import { safeJsonStringify } from './adapter/safe-json.js'
import { severityNumberFor } from './severity.js'
import type { LogColumns } from './types.js'

/** How a mapped value is converted before it becomes a column. */
export type ColumnValueType = 'string' | 'int' | 'long' | 'real' | 'boolean' | 'datetime' | 'dynamic' | 'severityNumber'

/** Where one column's value comes from. */
export interface ColumnSourceSpec {
  /** A dot path into the source (`'req.id'`), or several: the first one holding a value wins. */
  path?: string | readonly string[]
  /** Used when no path holds a value (must be structured-clone-safe). */
  default?: unknown
  /** Conversion; `dynamic` (no conversion) when omitted. */
  type?: ColumnValueType
}

/** Column name → a dot path, or a full source spec. Plain data, so it can cross a worker-thread boundary. */
export type ColumnMapSpec = Readonly<Record<string, string | ColumnSourceSpec>>

export interface ColumnMapperOptions {
  /** Collect the source's top-level fields that no path reads into this column (for example `'Attributes'`). */
  restColumn?: string
  /** Top-level fields never copied into `restColumn`. */
  restExclude?: readonly string[]
}

interface CompiledColumn {
  column: string
  paths: readonly (readonly string[])[]
  rawPaths: readonly string[]
  hasDefault: boolean
  default: unknown
  convert: (value: unknown) => unknown
}

const toIso = (value: unknown): unknown => {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString()
  if (typeof value === 'number' || typeof value === 'bigint') {
    const date = new Date(Number(value))
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
  }
  if (typeof value === 'string') {
    const ms = Date.parse(value)
    return Number.isNaN(ms) ? value : new Date(ms).toISOString()
  }
  return undefined
}

const toNumber = (value: unknown): number | undefined => {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' || typeof value === 'bigint' ? Number(value) : NaN
  return Number.isFinite(n) ? n : undefined
}

const toText = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return undefined
  return typeof value === 'object' ? safeJsonStringify(value) : String(value)
}

const CONVERTERS: Record<ColumnValueType, (value: unknown) => unknown> = {
  dynamic: (v) => v,
  string: toText,
  int: (v) => {
    const n = toNumber(v)
    return n === undefined ? undefined : Math.trunc(n)
  },
  long: (v) => (typeof v === 'bigint' ? v : toNumber(v) === undefined ? undefined : Math.trunc(toNumber(v)!)),
  real: toNumber,
  boolean: (v) => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined),
  datetime: toIso,
  severityNumber: (v) => (typeof v === 'number' ? v : typeof v === 'string' ? severityNumberFor(v) : undefined),
}

const get = (source: Record<string, unknown>, raw: string, path: readonly string[]): unknown => {
  // a flat key such as 'service.name' (common in OpenTelemetry attributes) wins over traversal
  if (Object.hasOwn(source, raw)) return source[raw]
  let value: unknown = source
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

const compile = (column: string, spec: string | ColumnSourceSpec): CompiledColumn => {
  const s: ColumnSourceSpec = typeof spec === 'string' ? { path: spec } : spec
  const rawPaths = s.path === undefined ? [] : typeof s.path === 'string' ? [s.path] : [...s.path]
  const type = s.type ?? 'dynamic'
  const convert = CONVERTERS[type]
  if (convert === undefined) {
    throw new TypeError(
      `createColumnMapper: column "${column}" has unknown type "${String(type)}"; use one of ${Object.keys(CONVERTERS).join(', ')}`,
    )
  }
  for (const p of rawPaths) {
    if (typeof p !== 'string' || p === '') {
      throw new TypeError(
        `createColumnMapper: column "${column}" has an invalid path ${JSON.stringify(p)}; use a dot path such as "req.id"`,
      )
    }
  }
  if (rawPaths.length === 0 && !Object.hasOwn(s, 'default')) {
    throw new TypeError(`createColumnMapper: column "${column}" needs a path or a default`)
  }
  return {
    column,
    paths: rawPaths.map((p) => p.split('.')),
    rawPaths,
    hasDefault: Object.hasOwn(s, 'default'),
    default: s.default,
    convert,
  }
}

/**
 * Builds a function that maps a source object (a pino line, winston info, …) to columns, from a declarative,
 * structured-clone-safe spec: column name → dot path into the source, with an optional default and type.
 * Columns whose value is missing (and have no default) are left out. Invalid specs throw at creation.
 *
 * @example
 * const map = createColumnMapper({ Body: 'msg', TimeGenerated: { path: 'time', type: 'datetime' } }, { restColumn: 'Attributes' })
 */
export const createColumnMapper = (
  spec: ColumnMapSpec,
  options: ColumnMapperOptions = {},
): ((source: object) => LogColumns) => {
  if (spec === null || typeof spec !== 'object')
    throw new TypeError('createColumnMapper: spec must be an object of column → path')
  const columns = Object.entries(spec).map(([column, s]) => compile(column, s))
  const { restColumn } = options
  const consumed = new Set<string>(options.restExclude ?? [])
  for (const c of columns) for (const p of c.paths) consumed.add(p[0]!)
  for (const c of columns) for (const raw of c.rawPaths) consumed.add(raw)

  return (source: object): LogColumns => {
    const out: LogColumns = {}
    const src = (source ?? {}) as Record<string, unknown>
    for (const c of columns) {
      let value: unknown
      for (let i = 0; i < c.paths.length && value === undefined; i++) {
        const v = get(src, c.rawPaths[i]!, c.paths[i]!)
        value = v === null ? undefined : c.convert(v)
      }
      if (value === undefined && c.hasDefault) value = c.default
      if (value !== undefined) out[c.column] = value
    }
    if (restColumn !== undefined) {
      let rest: Record<string, unknown> | undefined
      for (const key of Object.keys(src)) {
        if (consumed.has(key)) continue
        rest ??= {}
        rest[key] = src[key]
      }
      if (rest !== undefined) {
        const existing = out[restColumn]
        out[restColumn] =
          existing !== null && typeof existing === 'object' && !Array.isArray(existing)
            ? { ...rest, ...existing }
            : rest
      }
    }
    return out
  }
}
