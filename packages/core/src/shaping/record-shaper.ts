/**
 * What `push()` does to a record before serialising it, when the client has a preset or a stream declaration:
 * map it with the preset, then check it against the declaration (and, in `'convert'` mode, send the conformed
 * record). Composes the pure parts (`presets/`, `dcr/conform.ts`) with counters and once-per-field notices.
 * A client without either has no shaper at all, so the hot path pays nothing.
 */

import { type Conformer, createConformer } from '../dcr/conform.js'
import type { StreamDeclaration } from '../dcr/dcr-types.js'
import type { PresetName } from '../presets/index.js'
import { TABLE_PRESETS } from '../presets/index.js'
import type { LogColumns } from '../types.js'
import { ConformNotices, type EmitWarning } from './conform-notices.js'
import type { ConformMode, PresetOptions } from './shaping-options.js'

/** `stats().conform`: what the stream declaration check found, counted since the client was created. */
export interface ConformStats {
  /** `'convert'` or `'check'` (in `'check'` mode the counts say what `'convert'` would have changed). */
  mode: 'convert' | 'check'
  /** Records checked. */
  records: number
  /** Records with at least one undeclared field, conversion or dropped value. */
  changed: number
  /** Values converted to their column's declared type (for example `"200"` → `200` for an `int` column). */
  converted: number
  /** Values no conversion fits, left out (the service would store the column empty). */
  droppedValues: number
  /** Occurrences of fields the declaration does not have, left out (the service would drop them silently). */
  unknownFields: number
  /** The distinct undeclared field names (the first 100). */
  unknownFieldNames: string[]
}

export interface RecordShaper {
  /** The record to serialise: mapped by the preset, conformed in `'convert'` mode, else the record itself. */
  shape(record: LogColumns): LogColumns
  /** Undefined when no declaration is checked (a preset with `conform: 'off'`). */
  stats(): ConformStats | undefined
}

export interface RecordShaperOptions {
  preset: PresetName | undefined
  presetOptions: Readonly<PresetOptions> | undefined
  /** The declaration to check against (the preset's columns unless the user gave one). */
  declaration: StreamDeclaration | undefined
  conform: ConformMode
  /** Where records go, for messages: `stream Custom-AppLogs`. */
  target: string
  emitWarning?: EmitWarning | undefined
}

const isRecord = (value: unknown): value is LogColumns =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

class ConformCounter {
  records = 0
  changed = 0
  converted = 0
  droppedValues = 0
  unknownFields = 0
}

/** A shaper for these options, or undefined when records go out as pushed. */
export const createRecordShaper = (options: RecordShaperOptions): RecordShaper | undefined => {
  const preset = options.preset === undefined ? undefined : TABLE_PRESETS[options.preset]
  const presetOptions = options.presetOptions
  const map = preset === undefined ? undefined : (record: LogColumns) => preset.map(record, presetOptions)
  const mode = options.conform
  if (mode === 'off' || options.declaration === undefined) {
    return map === undefined ? undefined : { shape: (r) => (isRecord(r) ? map(r) : r), stats: () => undefined }
  }
  const conform: Conformer = createConformer(options.declaration)
  const converting = mode === 'convert'
  const notices = new ConformNotices({ target: options.target, converting, emitWarning: options.emitWarning })
  const count = new ConformCounter()

  const shape = (pushed: LogColumns): LogColumns => {
    // not a record: the serialiser refuses it with its own message
    if (!isRecord(pushed)) return pushed
    const record = map === undefined ? pushed : map(pushed)
    const result = conform(record)
    count.records++
    if (result.record === record) return record
    const { unknownFields, converted, dropped } = result
    if (unknownFields.length + converted.length + dropped.length > 0) count.changed++
    count.unknownFields += unknownFields.length
    count.converted += converted.length
    count.droppedValues += dropped.length
    for (const u of unknownFields) notices.undeclared(u.field, u.suggestion)
    for (const d of dropped) notices.unconvertible(d.column, d.type, d.value, d.reason)
    for (const c of converted) notices.converted(c.column, c.type, c.from)
    return converting ? result.record : record
  }

  return {
    shape,
    stats: () => ({
      mode,
      records: count.records,
      changed: count.changed,
      converted: count.converted,
      droppedValues: count.droppedValues,
      unknownFields: count.unknownFields,
      unknownFieldNames: [...notices.undeclaredNames],
    }),
  }
}
