/**
 * The `routes` option: records that match a route go to its stream (or DCR) instead of the default one. Routes
 * are plain data (they cross into pino's worker thread by structured clone). Types and validation; pure.
 */
import { invalid } from '../option-values.js'
import type { PresetName } from '../presets/index.js'
import { severityNumberFor } from '../severity.js'
import {
  type ConformMode,
  type PresetOptions,
  presetNamed,
  type StreamDeclarationOption,
  validateConformMode,
  validatePresetOptions,
  validateStreamDeclaration,
} from '../shaping/shaping-options.js'

/** A value a field is compared with (strict equality). */
export type FieldValue = string | number | boolean | null

/** A condition on one field of the record, as the adapter mapped it. */
export interface FieldMatch {
  /**
   * A dot path into the record: `'EventName'`, `'Attributes.audit'`, `'Attributes.http.route'` (a key holding
   * dots, as OpenTelemetry attributes have, is found too).
   */
  path: string
  /** The field equals this value. */
  equals?: FieldValue
  /** The field equals one of these values. */
  in?: readonly FieldValue[]
  /** The field is present and not null (`true`, the default without `equals`/`in`), or absent (`false`). */
  exists?: boolean
}

/** What a route takes. Every condition given must hold (an AND); give at least one. */
export interface RouteMatch {
  /** `SeverityNumber` at least this: an OpenTelemetry number 1–24 or a level name (`'warn'`, `'error'`). */
  minSeverity?: number | string
  /** `SeverityNumber` at most this. */
  maxSeverity?: number | string
  /** `SeverityText` is one of these (case-insensitive). */
  severityText?: string | readonly string[]
  /**
   * The logger's name is one of these: the record's `ScopeName` (an OpenTelemetry logger's name) or `ServiceName`
   * (pino's `name`, also of child loggers; winston's `serviceName`).
   */
  logger?: string | readonly string[]
  /** Conditions on fields. */
  field?: FieldMatch | readonly FieldMatch[]
}

/** One route: where matching records go, and how much of the buffer they may use. */
export interface RouteOptions {
  /** Names the route in `stats().routes`, drop events and messages. Not `'default'` (the top-level options). */
  name: string
  match: RouteMatch
  /** @defaultValue the preset's stream, else `DEFAULTS.streamName` (not inherited from the default route) */
  streamName?: string
  /** Another DCR. @defaultValue the default route's */
  ruleId?: string
  /** Another DCR's (or DCE's) endpoint. @defaultValue the default route's */
  endpoint?: string
  /** This stream's declaration (not inherited). */
  streamDeclaration?: StreamDeclarationOption
  /** A built-in table preset for this route (not inherited). */
  preset?: PresetName
  presetOptions?: PresetOptions
  /** @defaultValue the default route's */
  conform?: ConformMode
  /** @defaultValue the default route's */
  maxTimeSpanMs?: number
  /**
   * This route's share (0–1, exclusive) of `maxBufferBytes` and `maxBufferRecords`. Routes without one, and the
   * default route, split what is left evenly.
   */
  bufferShare?: number
}

/** The route name of the top-level options. */
export const DEFAULT_ROUTE = 'default'

const ROUTE_KEYS = [
  'name',
  'match',
  'streamName',
  'ruleId',
  'endpoint',
  'streamDeclaration',
  'preset',
  'presetOptions',
  'conform',
  'maxTimeSpanMs',
  'bufferShare',
] as const satisfies ReadonlyArray<keyof RouteOptions>
const MATCH_KEYS = ['minSeverity', 'maxSeverity', 'severityText', 'logger', 'field'] as const satisfies ReadonlyArray<
  keyof RouteMatch
>
const FIELD_KEYS = ['path', 'equals', 'in', 'exists'] as const satisfies ReadonlyArray<keyof FieldMatch>

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isFieldValue = (v: unknown): v is FieldValue =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))

const checkKeys = (value: Record<string, unknown>, known: readonly string[], where: string): void => {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw invalid(`${where}.${key}`, key, `one of ${known.join(', ')}`)
  }
}

/** A severity bound as a number 1–24, from a number or a level name. */
export const severityBound = (value: unknown, where: string): number | undefined => {
  if (value === undefined) return undefined
  const n = typeof value === 'string' ? severityNumberFor(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 24) {
    throw invalid(where, value, 'an OpenTelemetry severity number 1–24 or a level name such as "warn" or "error"')
  }
  return n
}

const names = (value: unknown, where: string): readonly string[] | undefined => {
  if (value === undefined) return undefined
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === 'string' && s !== '')) {
    throw invalid(where, value, 'a non-empty string or an array of them')
  }
  return list
}

const validateField = (value: unknown, where: string): void => {
  if (!isObject(value)) throw invalid(where, value, 'an object { path, equals? | in? | exists? }')
  checkKeys(value, FIELD_KEYS, where)
  const path = value['path']
  if (typeof path !== 'string' || path === '' || path.startsWith('.') || path.endsWith('.')) {
    throw invalid(`${where}.path`, path, 'a dot path into the record such as "Attributes.audit" or "EventName"')
  }
  const tests = (['equals', 'in', 'exists'] as const).filter((k) => value[k] !== undefined)
  if (tests.length > 1) throw invalid(where, value, `one of equals, in or exists (got ${tests.join(' and ')})`)
  if (value['equals'] !== undefined && !isFieldValue(value['equals'])) {
    throw invalid(`${where}.equals`, value['equals'], 'a string, number, boolean or null')
  }
  const list = value['in']
  if (list !== undefined && (!Array.isArray(list) || list.length === 0 || !list.every(isFieldValue))) {
    throw invalid(`${where}.in`, list, 'a non-empty array of strings, numbers, booleans or null')
  }
  if (value['exists'] !== undefined && typeof value['exists'] !== 'boolean') {
    throw invalid(`${where}.exists`, value['exists'], 'true or false')
  }
}

const validateMatch = (value: unknown, where: string): void => {
  if (!isObject(value)) throw invalid(where, value, `an object with one or more of ${MATCH_KEYS.join(', ')}`)
  checkKeys(value, MATCH_KEYS, where)
  if (MATCH_KEYS.every((k) => value[k] === undefined)) {
    throw invalid(
      where,
      value,
      `at least one of ${MATCH_KEYS.join(', ')} (a route that takes every record leaves the default route nothing)`,
    )
  }
  const min = severityBound(value['minSeverity'], `${where}.minSeverity`)
  const max = severityBound(value['maxSeverity'], `${where}.maxSeverity`)
  if (min !== undefined && max !== undefined && min > max) {
    throw invalid(`${where}.maxSeverity`, value['maxSeverity'], `a severity at least minSeverity (${min})`)
  }
  names(value['severityText'], `${where}.severityText`)
  names(value['logger'], `${where}.logger`)
  const field = value['field']
  if (field !== undefined) {
    const list = Array.isArray(field) ? field : [field]
    if (list.length === 0) throw invalid(`${where}.field`, field, 'a field condition or a non-empty array of them')
    list.forEach((f, i) => {
      validateField(f, Array.isArray(field) ? `${where}.field[${i}]` : `${where}.field`)
    })
  }
}

/**
 * Checks `routes` and returns them as given (with preset names spelled as `TABLE_PRESETS` does). Throws
 * `INVALID_OPTIONS` naming the route and the field, e.g. `routes[1] ("audit").match.minSeverity`. The values a
 * route shares with the top-level options (`streamName`, `ruleId`, `endpoint`, `maxTimeSpanMs`) are checked when
 * the route's client is created.
 */
export const validateRoutes = (value: unknown): readonly RouteOptions[] => {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw invalid('routes', value, 'an array of routes { name, match, streamName?, … }')
  const seen = new Set<string>()
  return value.map((route: unknown, i) => {
    const at = `routes[${i}]`
    if (!isObject(route)) throw invalid(at, route, 'a route { name, match, streamName?, ruleId?, endpoint?, … }')
    const name = route['name']
    if (typeof name !== 'string' || !/^[A-Za-z0-9][\w.-]{0,63}$/.test(name)) {
      throw invalid(`${at}.name`, name, 'a name of letters, digits, "_", "-" or "." (at most 64 characters)')
    }
    const where = `${at} ("${name}")`
    if (name === DEFAULT_ROUTE)
      throw invalid(`${where}.name`, name, `another name ("${DEFAULT_ROUTE}" is the top-level options)`)
    if (seen.has(name)) throw invalid(`${where}.name`, name, 'a name no other route has')
    seen.add(name)
    checkKeys(route, ROUTE_KEYS, where)
    validateMatch(route['match'], `${where}.match`)
    if (['streamName', 'ruleId', 'endpoint', 'preset'].every((k) => route[k] === undefined)) {
      throw invalid(
        where,
        route,
        'a destination: streamName, ruleId, endpoint or preset (without one, the route sends where the default route does)',
      )
    }
    for (const key of ['streamName', 'ruleId', 'endpoint'] as const) {
      const v = route[key]
      if (v !== undefined && (typeof v !== 'string' || v.trim() === ''))
        throw invalid(`${where}.${key}`, v, 'a non-empty string')
    }
    const preset = presetNamed(route['preset'], `${where}.preset`)
    validatePresetOptions(route['presetOptions'], `${where}.presetOptions`)
    validateStreamDeclaration(route['streamDeclaration'], 'option', `${where}.streamDeclaration`)
    validateConformMode(route['conform'], `${where}.conform`)
    const share = route['bufferShare']
    if (share !== undefined && (typeof share !== 'number' || !(share > 0 && share < 1))) {
      throw invalid(`${where}.bufferShare`, share, 'a fraction between 0 and 1 (exclusive), e.g. 0.25')
    }
    return (preset === undefined ? route : { ...route, preset }) as unknown as RouteOptions
  })
}
