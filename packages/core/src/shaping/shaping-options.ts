/**
 * The options that shape records before they are serialised: a built-in table preset, the stream declaration
 * records are checked against, and what to do with what does not fit it. Types and validation only; pure.
 */

import { invalid } from '../option-values.js'
import type { CommonSecurityLogPresetOptions } from '../presets/common-security-log.js'
import { type PresetName, TABLE_PRESETS } from '../presets/index.js'
import type { SyslogPresetOptions } from '../presets/syslog.js'
import type { ColumnDefinition } from '../schema.js'

/**
 * What the client does with a stream declaration:
 * - `'convert'`: sends only declared columns, each value converted to its declared type (values no conversion
 *   fits are left out), and reports what it changed;
 * - `'check'`: sends records unchanged, and reports what `'convert'` would have changed;
 * - `'off'`: ignores the declaration.
 */
export type ConformMode = 'convert' | 'check' | 'off'

export const CONFORM_MODES: readonly ConformMode[] = Object.freeze(['convert', 'check', 'off'])

/**
 * The stream declaration of the DCR stream the client sends to. Plain data, so it can cross into pino's worker:
 * - the columns: `[{ name, type }]`, or `{ columns: [...] }` (what `fetchStreamDeclaration()` returns);
 * - `{ file }`: a JSON file holding a DCR in any shape (creation body, GET response, ARM template), a
 *   `streamDeclarations` object (`{ "Custom-AppLogs": { columns } }`), or the columns. The client's `streamName`
 *   picks the stream when the file declares several.
 */
export type StreamDeclarationOption =
  | readonly ColumnDefinition[]
  | { readonly columns: readonly ColumnDefinition[] }
  | { readonly file: string }

/** Options of the presets (each reads its own). */
export interface PresetOptions extends SyslogPresetOptions, CommonSecurityLogPresetOptions {}

export interface ResolvedShaping {
  preset: PresetName | undefined
  presetOptions: Readonly<PresetOptions> | undefined
  streamDeclaration: StreamDeclarationOption | undefined
  conform: ConformMode
}

/** An option's value and where it came from, as `resolveOptions()` reads it. */
export type OptionReader = (key: 'preset' | 'streamDeclaration' | 'conform') => { value: unknown; from: string }

const PRESET_OPTION_KEYS = ['facility', 'deviceVendor', 'deviceProduct'] as const satisfies ReadonlyArray<
  keyof PresetOptions
>

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A preset name, case-insensitively (`commonsecuritylog` as the CLI spells it). */
export const presetNamed = (value: unknown, option = 'preset'): PresetName | undefined => {
  if (value === undefined || value === '') return undefined
  const names = Object.keys(TABLE_PRESETS) as PresetName[]
  const name = typeof value === 'string' ? names.find((n) => n.toLowerCase() === value.trim().toLowerCase()) : undefined
  if (name === undefined) throw invalid(option, value, `one of ${names.map((n) => `"${n}"`).join(', ')}`)
  return name
}

export const validatePresetOptions = (value: unknown, option = 'presetOptions'): PresetOptions | undefined => {
  if (value === undefined) return undefined
  if (!isObject(value)) throw invalid(option, value, `an object with ${PRESET_OPTION_KEYS.join(', ')}`)
  for (const [key, v] of Object.entries(value)) {
    if (!(PRESET_OPTION_KEYS as readonly string[]).includes(key))
      throw invalid(`${option}.${key}`, key, `one of ${PRESET_OPTION_KEYS.join(', ')}`)
    if (v !== undefined && (typeof v !== 'string' || v === ''))
      throw invalid(`${option}.${key}`, v, 'a non-empty string')
  }
  return value as PresetOptions
}

/**
 * Checks the shape of a `streamDeclaration` option (its columns are checked when the client reads them). From the
 * environment (`DCR_LOGS_STREAM_DECLARATION`) it is a file path, or the declaration as JSON text.
 */
export const validateStreamDeclaration = (
  value: unknown,
  from: string,
  option = 'streamDeclaration',
): StreamDeclarationOption | undefined => {
  if (value === undefined || value === '') return undefined
  const help =
    'the columns ([{ name, type }] or { columns }), or { file: "path/to/dcr.json" }' +
    (from === 'env' ? '; in DCR_LOGS_STREAM_DECLARATION, a file path or that JSON' : '')
  if (typeof value === 'string' && from === 'env') {
    const text = value.trim()
    if (!text.startsWith('[') && !text.startsWith('{')) return { file: text }
    try {
      return validateStreamDeclaration(JSON.parse(text), 'option', option)
    } catch {
      throw invalid(`${option}" (env DCR_LOGS_STREAM_DECLARATION`, value, help)
    }
  }
  if (Array.isArray(value)) return value as readonly ColumnDefinition[]
  if (isObject(value)) {
    if (Array.isArray(value['columns'])) return value as { columns: readonly ColumnDefinition[] }
    if (typeof value['file'] === 'string' && value['file'] !== '') return { file: value['file'] }
  }
  throw invalid(option, value, help)
}

export const validateConformMode = (value: unknown, option = 'conform'): ConformMode | undefined => {
  if (value === undefined || value === '') return undefined
  if (!CONFORM_MODES.includes(value as ConformMode))
    throw invalid(option, value, CONFORM_MODES.map((m) => `"${m}"`).join(', '))
  return value as ConformMode
}

/** The shaping options of the client (the default route), from options, then environment, then defaults. */
export const resolveShaping = (
  read: OptionReader,
  presetOptions: unknown,
  defaultConform: ConformMode,
): ResolvedShaping => {
  const declaration = read('streamDeclaration')
  return {
    preset: presetNamed(read('preset').value),
    presetOptions: validatePresetOptions(presetOptions),
    streamDeclaration: validateStreamDeclaration(declaration.value, declaration.from),
    conform: validateConformMode(read('conform').value) ?? defaultConform,
  }
}
