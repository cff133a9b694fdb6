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
      /** The record as JSON text (well-formed: lone surrogates are replaced, so it encodes to valid UTF-8). */
      json: string
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

/** Nesting the fast path accepts; deeper values take the writer, which marks them (as it does at MAX_DEPTH). */
const FAST_DEPTH = MAX_DEPTH

/**
 * True when `JSON.stringify` may write something else than the writer for this object (or anything inside it):
 * Error, Map, Set, RegExp, binary data, boxed primitives, promises, objects with their own `toJSON` (Date's is
 * the same in both), and nesting deeper than the writer goes. Only objects are visited: strings are checked on
 * the output (lone surrogates come out escaped as `\udXXX`), and BigInt and cycles make `JSON.stringify` throw.
 */
const needsWriter = (v: object, depth: number): boolean => {
  if (depth >= FAST_DEPTH) return true
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i]
      if (typeof x === 'object' && x !== null && needsWriter(x, depth + 1)) return true
    }
    return false
  }
  const proto: unknown = Object.getPrototypeOf(v)
  if (proto === Date.prototype) return false
  if (proto !== Object.prototype && proto !== null && isSpecial(v)) return true
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return true
  for (const key in v) {
    const x: unknown = (v as Record<string, unknown>)[key]
    if (typeof x === 'object' && x !== null && needsWriter(x, depth + 1)) return true
  }
  return false
}

const isSpecial = (v: object): boolean =>
  v instanceof Error ||
  v instanceof Map ||
  v instanceof Set ||
  v instanceof RegExp ||
  ArrayBuffer.isView(v) ||
  v instanceof ArrayBuffer ||
  v instanceof Promise ||
  v instanceof WeakMap ||
  v instanceof WeakSet ||
  v instanceof String ||
  v instanceof Number ||
  v instanceof Boolean

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

/** `\ud` in JSON text: a lone surrogate escape, or (rarely) a backslash before "ud"; the writer settles which. */
const LONE_SURROGATE_ESCAPE = '\\ud'

/**
 * The native serialiser, when it is exact for this record and no column needs cutting; else undefined.
 * Costs `JSON.stringify` plus a look at the object values (the primitives are not visited). Date columns
 * (TimeGenerated, ObservedTimestamp) are written as ISO text first, on a shallow copy: V8's JSON.stringify
 * leaves its fast path for objects with `toJSON`, which would cost more than the rest of a record.
 */
const serializeFast = (record: object, options: SerializeOptions): string | undefined => {
  try {
    const proto: unknown = Object.getPrototypeOf(record)
    if ((proto !== Object.prototype && proto !== null) || 'toJSON' in record) return undefined
    let source: Record<string, unknown> | undefined
    for (const key in record) {
      const value: unknown = (record as Record<string, unknown>)[key]
      if (typeof value !== 'object' || value === null) continue
      if (Object.getPrototypeOf(value) === Date.prototype) {
        if (key === '__proto__') return undefined
        source ??= { ...record }
        source[key] = isoOf(value as Date)
      } else if (needsWriter(value, 1)) return undefined
    }
    const json = JSON.stringify(source ?? record)
    if (json.includes(LONE_SURROGATE_ESCAPE)) return undefined
    // no column can be longer than the whole record; UTF-8 takes at most 3 bytes per UTF-16 unit
    if (json.length * 3 <= options.maxFieldBytes || Buffer.byteLength(json, 'utf8') <= options.maxFieldBytes)
      return json
    return undefined
  } catch {
    // BigInt, a cycle, a throwing getter or toJSON: the writer handles each in place
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
  const json = serializeFast(record, options)
  if (json !== undefined) return withTime({ ok: true, json, truncated: 0 }, record, options)
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
    return withTime({ ok: true, json, truncated }, record, options)
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
