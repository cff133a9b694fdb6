/**
 * Record → JSON text, once, safely. Pure: never throws on a user's value, never touches I/O.
 * Handles circular references, BigInt, Error (name, message, stack, cause, own fields), Date,
 * Buffer/typed arrays, Map/Set, undefined/functions/symbols, NaN/Infinity and lone surrogates, and
 * cuts column values longer than `maxFieldBytes` (UTF-8) with a visible marker.
 */

export interface SerializeOptions {
  /** Longest column value in UTF-8 bytes. */
  maxFieldBytes: number
  /** Appended to a cut value. */
  truncationMarker: string
  /** Also return `TimeGenerated` as epoch ms (for the time-span guard). */
  extractTime?: boolean
}

export type SerializeResult =
  | {
      ok: true
      /** The record as JSON text. */
      json: string
      /** UTF-8 length of `json`. */
      bytes: number
      /** Columns that were cut to `maxFieldBytes`. */
      truncated: number
      /** `TimeGenerated` in epoch ms, when asked for and present. */
      time?: number
    }
  | { ok: false; message: string }

const MAX_DEPTH = 64
const MAX_INT64 = 9223372036854775807n
const MIN_INT64 = -9223372036854775808n

type Str = string & { isWellFormed?: () => boolean; toWellFormed?: () => string }

/** JSON string literal with lone surrogates replaced by U+FFFD (the service needs valid UTF-8). */
export const quote = (value: string): string => {
  const s = value as Str
  return JSON.stringify(s.isWellFormed === undefined || s.isWellFormed() ? s : s.toWellFormed!())
}

const base64 = (bytes: ArrayBufferView | ArrayBuffer): string =>
  ArrayBuffer.isView(bytes)
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
    : Buffer.from(bytes).toString('base64')

const describeFailure = (error: unknown): string => {
  try {
    return `[Unserializable: ${error instanceof Error ? error.message : String(error)}]`
  } catch {
    return '[Unserializable]'
  }
}

class Writer {
  private readonly _ancestors = new Set<object>()

  /** JSON text for a value, or undefined where JSON omits it (undefined, functions, symbols). */
  value(v: unknown, depth: number): string | undefined {
    switch (typeof v) {
      case 'string':
        return quote(v)
      case 'number':
        return Number.isFinite(v) ? (Object.is(v, -0) ? '0' : String(v)) : 'null'
      case 'boolean':
        return v ? 'true' : 'false'
      case 'bigint':
        // a JSON number keeps every digit for a `long` column; beyond int64 a string is safer
        return v >= MIN_INT64 && v <= MAX_INT64 ? v.toString() : quote(v.toString())
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined
      default:
        if (v === null) return 'null'
        return this._object(v as object, depth)
    }
  }

  private _object(o: object, depth: number): string {
    if (o instanceof Date) {
      const t = o.getTime()
      return Number.isNaN(t) ? 'null' : quote(o.toISOString())
    }
    if (this._ancestors.has(o)) return '"[Circular]"'
    if (depth >= MAX_DEPTH) return Array.isArray(o) ? '"[Array]"' : '"[Object]"'
    this._ancestors.add(o)
    try {
      return this._compound(o, depth + 1)
    } catch (error) {
      // a throwing getter, Proxy trap or toJSON: keep the rest of the record
      return quote(describeFailure(error))
    } finally {
      this._ancestors.delete(o)
    }
  }

  private _compound(o: object, depth: number): string {
    if (Array.isArray(o)) return this._array(o, depth)
    if (o instanceof Error) return this._error(o, depth)
    if (o instanceof Uint8Array || o instanceof ArrayBuffer || o instanceof DataView) return quote(base64(o))
    if (ArrayBuffer.isView(o)) return this._array(Array.from(o as unknown as ArrayLike<unknown>), depth)
    if (o instanceof Map) {
      const parts: string[] = []
      for (const [k, v] of o) {
        const text = this.value(v, depth)
        if (text !== undefined) parts.push(`${quote(typeof k === 'string' ? k : this._key(k))}:${text}`)
      }
      return `{${parts.join(',')}}`
    }
    if (o instanceof Set) return this._array([...o], depth)
    if (o instanceof RegExp) return quote(String(o))
    if (o instanceof WeakMap || o instanceof WeakSet || o instanceof Promise) return quote(`[${o.constructor.name}]`)
    const toJSON = (o as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') {
      const replaced: unknown = toJSON.call(o)
      return replaced === o ? this._plain(o, depth) : (this.value(replaced, depth) ?? 'null')
    }
    if (o instanceof String || o instanceof Number || o instanceof Boolean)
      return this.value(o.valueOf(), depth) ?? 'null'
    return this._plain(o, depth)
  }

  private _key(k: unknown): string {
    if (typeof k === 'object' && k !== null) return this.value(k, MAX_DEPTH - 1) ?? String(k)
    return String(k)
  }

  private _array(a: readonly unknown[], depth: number): string {
    const parts = new Array<string>(a.length)
    for (let i = 0; i < a.length; i++) parts[i] = this.value(a[i], depth) ?? 'null'
    return `[${parts.join(',')}]`
  }

  private _plain(o: object, depth: number, extra?: object): string {
    const parts: string[] = []
    if (extra !== undefined) for (const [k, v] of Object.entries(extra)) this._field(parts, k, v, depth)
    for (const k of Object.keys(o)) {
      if (extra !== undefined && Object.hasOwn(extra, k)) continue
      let v: unknown
      try {
        v = (o as Record<string, unknown>)[k]
      } catch (error) {
        v = describeFailure(error)
      }
      this._field(parts, k, v, depth)
    }
    return `{${parts.join(',')}}`
  }

  private _field(parts: string[], k: string, v: unknown, depth: number): void {
    const text = this.value(v, depth)
    if (text !== undefined) parts.push(`${quote(k)}:${text}`)
  }

  private _error(e: Error, depth: number): string {
    const extra: { name: string; message: string; stack: string | undefined; cause?: unknown; errors?: unknown } = {
      name: e.name,
      message: e.message,
      stack: e.stack,
    }
    if (e.cause !== undefined) extra.cause = e.cause
    if (e instanceof AggregateError) extra.errors = e.errors
    return this._plain(e, depth, extra)
  }
}

// callers first check the cheap upper bound (3 bytes per UTF-16 unit) and only then count
const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8')

/** The longest prefix of `s` that fits in `maxBytes` of UTF-8, never splitting a character. */
export const truncateUtf8 = (s: string, maxBytes: number): string => {
  if (maxBytes <= 0) return ''
  let bytes = 0
  let i = 0
  while (i < s.length) {
    const c = s.codePointAt(i)!
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4
    if (bytes + size > maxBytes) break
    bytes += size
    i += c >= 0x10000 ? 2 : 1
  }
  return s.slice(0, i)
}

const cut = (text: string, options: SerializeOptions): string => {
  const markerBytes = Buffer.byteLength(options.truncationMarker)
  return truncateUtf8(text, options.maxFieldBytes - markerBytes) + options.truncationMarker
}

const timeOf = (v: unknown): number | undefined => {
  const t = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v : NaN
  return Number.isFinite(t) ? t : undefined
}

const wellFormed = (s: string): boolean => (s as Str).isWellFormed?.() ?? !/\p{Cs}/u.test(s)

/** Nesting the fast path checks; deeper values (and cycles) take the writer, which marks them. */
const FAST_DEPTH = 16

/**
 * True when `JSON.stringify(v)` writes exactly what `Writer` would: plain objects and arrays of well-formed
 * strings, numbers, booleans, null, Dates (and what JSON omits). Anything else (Error, Map, BigInt, class
 * instances, toJSON, lone surrogates, deep or circular nesting) takes the writer. Reads each property once
 * more than the writer would, which only a getter with side effects could notice.
 */
const isPlainJson = (v: unknown, depth: number): boolean => {
  switch (typeof v) {
    case 'string':
      return wellFormed(v)
    case 'object': {
      if (v === null) return true
      if (depth >= FAST_DEPTH) return false
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!isPlainJson(v[i], depth + 1)) return false
        return true
      }
      const proto = Object.getPrototypeOf(v)
      if (proto === Date.prototype) return true
      if ((proto !== Object.prototype && proto !== null) || 'toJSON' in v) return false
      for (const key of Object.keys(v)) {
        if (!wellFormed(key) || !isPlainJson((v as Record<string, unknown>)[key], depth + 1)) return false
      }
      return true
    }
    case 'bigint':
      return false
    default:
      // numbers (JSON writes NaN and ±Infinity as null, -0 as 0, as the writer does), booleans, and what both omit
      return true
  }
}

/** The last date written and its ISO text: the records of a burst share their millisecond. */
let lastTime = Number.NaN
let lastIso = ''

/** A Date as JSON writes it (`toJSON`: ISO text, or null when invalid), without JSON's slow path for objects with toJSON. */
const isoOf = (date: Date): string | null => {
  const t = date.getTime()
  if (Number.isNaN(t)) return null
  if (t !== lastTime) {
    lastIso = date.toISOString()
    lastTime = t
  }
  return lastIso
}

/**
 * The native serialiser, when it is exact for this record and no column needs cutting; else undefined.
 * Date columns (TimeGenerated, ObservedTimestamp) are written as ISO text first, on a shallow copy: V8's
 * JSON.stringify leaves its fast path for objects with `toJSON`, which would cost more than the rest of a record.
 */
const serializeFast = (record: object, options: SerializeOptions): { json: string; bytes: number } | undefined => {
  try {
    const proto = Object.getPrototypeOf(record)
    if ((proto !== Object.prototype && proto !== null) || 'toJSON' in record) return undefined
    let source: Record<string, unknown> | undefined
    for (const key of Object.keys(record)) {
      if (!wellFormed(key)) return undefined
      const value = (record as Record<string, unknown>)[key]
      if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Date.prototype) {
        if (key === '__proto__') return undefined
        source ??= { ...record }
        source[key] = isoOf(value as Date)
      } else if (!isPlainJson(value, 1)) return undefined
    }
    const json = JSON.stringify(source ?? record)
    const bytes = Buffer.byteLength(json, 'utf8')
    // no column can exceed maxFieldBytes when the whole record does not (escaping only lengthens a value)
    return bytes <= options.maxFieldBytes ? { json, bytes } : undefined
  } catch {
    // a throwing getter: the writer reports it in place
    return undefined
  }
}

const withTime = (result: SerializeResult & { ok: true }, record: object, options: SerializeOptions) => {
  if (options.extractTime) {
    const time = timeOf((record as Record<string, unknown>)['TimeGenerated'])
    if (time !== undefined) result.time = time
  }
  return result
}

/**
 * Serialises one record (column name → value) to JSON text. Dates become ISO strings; a column value longer
 * than `maxFieldBytes` (a string's UTF-8, or the JSON of anything else) is cut on a character boundary and ends
 * with the marker (a cut object becomes a string). Returns `{ ok: false }` only for a record that is not an object.
 */
export const serializeRecord = (record: unknown, options: SerializeOptions): SerializeResult => {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return {
      ok: false,
      message: `a record must be an object of column → value (got ${Array.isArray(record) ? 'an array' : record === null ? 'null' : typeof record})`,
    }
  }
  // most log records are plain JSON: the native serialiser is about twice as fast as the writer
  const fast = serializeFast(record, options)
  if (fast !== undefined)
    return withTime({ ok: true, json: fast.json, bytes: fast.bytes, truncated: 0 }, record, options)
  return serializeWithWriter(record, options)
}

/** The general path of `serializeRecord`, for any object. Exported for tests, which check both paths agree. */
export const serializeWithWriter = (record: object, options: SerializeOptions): SerializeResult => {
  try {
    const writer = new Writer()
    const parts: string[] = []
    let truncated = 0
    const entries: Iterable<[string, unknown]> =
      record instanceof Map ? (record as Map<string, unknown>) : Object.entries(record)
    for (const [key, v] of entries) {
      let text: string | undefined
      if (typeof v === 'string') {
        if (v.length * 3 > options.maxFieldBytes && utf8Length(v) > options.maxFieldBytes) {
          text = quote(cut(v, options))
          truncated++
        } else text = quote(v)
      } else {
        text = writer.value(v, 0)
        if (text !== undefined && text.length * 3 > options.maxFieldBytes && utf8Length(text) > options.maxFieldBytes) {
          // the JSON text of a dynamic value, cut: still visible, now a string
          text = quote(cut(text, options))
          truncated++
        }
      }
      if (text !== undefined) parts.push(`${quote(String(key))}:${text}`)
    }
    const json = `{${parts.join(',')}}`
    return withTime({ ok: true, json, bytes: Buffer.byteLength(json, 'utf8'), truncated }, record, options)
  } catch (error) {
    // Object.entries on a hostile Proxy: report rather than throw into the host
    return { ok: false, message: `the record could not be read: ${describeFailure(error)}` }
  }
}

/** Any value as JSON text (for reporting a record that is not an object). Never throws. */
export const serializeValue = (value: unknown): string => {
  try {
    return new Writer().value(value, 0) ?? 'null'
  } catch {
    return 'null'
  }
}
