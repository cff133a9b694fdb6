/**
 * JSON text of anything a log call can carry, for a column that must be a string (`Body` of an object message)
 * and for reports of records that could not be mapped. Never throws: one odd value must not cost the record.
 */

const CIRCULAR = '[Circular]'

const base64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')

/** An Error as data: what `JSON.stringify` would drop (non-enumerable `name`, `message`, `stack`) comes first. */
const errorData = (error: Error): Record<string, unknown> => {
  const out: Record<string, unknown> = { name: error.name, message: error.message }
  if (error.stack !== undefined) out['stack'] = error.stack
  for (const key of Object.keys(error)) out[key] = (error as unknown as Record<string, unknown>)[key]
  if (error.cause !== undefined && !('cause' in out)) out['cause'] = error.cause
  return out
}

/**
 * JSON text of `value`, or for a string, the string itself. Cycles become `"[Circular]"`, bigints their decimal
 * text, byte arrays base64, Errors `{ name, message, stack, …own fields, cause }`; a throwing getter or `toJSON`
 * leaves `[unserializable: …]` instead of failing. `undefined` and functions give `''`.
 */
export const safeJsonStringify = (value: unknown): string => {
  if (typeof value === 'string') return value
  // only objects on the current path are ancestors: the same object twice side by side is not a cycle. Each entry
  // keeps the value as written (`holder`, the `this` of its children) and as found (`raw`, an Error before errorData)
  const path: { holder: unknown; raw: unknown }[] = []
  try {
    const text = JSON.stringify(value, function replacer(this: unknown, key: string, v: unknown) {
      // `v` went through toJSON already (a Buffer is {type,data} by now): read the raw value for byte arrays
      const raw = key === '' ? value : (this as Record<string, unknown>)[key]
      if (raw instanceof Uint8Array) return base64(raw)
      if (typeof v === 'bigint') return v.toString()
      if (typeof v !== 'object' || v === null) return v
      while (path.length > 0 && path[path.length - 1]!.holder !== this) path.pop()
      if (path.some((entry) => entry.raw === v)) return CIRCULAR
      const written = v instanceof Error ? errorData(v) : v
      path.push({ holder: written, raw: v })
      return written
    })
    return text ?? ''
  } catch (error) {
    return `[unserializable: ${error instanceof Error ? error.message : String(error)}]`
  }
}
