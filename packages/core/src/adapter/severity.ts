/**
 * One convention for `SeverityNumber` across adapters, following OpenTelemetry's own instrumentations:
 *
 * - the standard level sets map as `@opentelemetry/winston-transport` maps them (npm, syslog, cli), and pino's six
 *   levels to the first number of their range, as `@opentelemetry/instrumentation-pino` does;
 * - any other level takes one of the in-between numbers (TRACE2 … FATAL4) by where it sits between the known
 *   levels, as instrumentation-pino scales custom pino levels: a level a fraction f of the way from a known level
 *   A up to the next known level gets A + 1 + ⌊3f⌋, never reaching the next range. pino `audit: 35` and a winston
 *   `audit` halfway between `info` and `warn` both get 11 (INFO3).
 *
 * Pure. OpenTelemetry ranges: TRACE 1–4, DEBUG 5–8, INFO 9–12, WARN 13–16, ERROR 17–20, FATAL 21–24; 0 is
 * UNSPECIFIED.
 */
import { severityNumberFor } from '../severity.js'

export const UNSPECIFIED_SEVERITY = 0

/** winston's `npm` levels as OpenTelemetry's winston transport maps them. */
export const NPM_SEVERITIES: Readonly<Record<string, number>> = Object.freeze({
  error: 17,
  warn: 13,
  info: 9,
  http: 7,
  verbose: 6,
  debug: 5,
  silly: 1,
})

/** winston's `syslog` levels. */
export const SYSLOG_SEVERITIES: Readonly<Record<string, number>> = Object.freeze({
  emerg: 23,
  alert: 22,
  crit: 21,
  error: 17,
  warning: 13,
  notice: 10,
  info: 9,
  debug: 5,
})

/** winston's `cli` levels: there `verbose` is less severe than `debug`. */
export const CLI_SEVERITIES: Readonly<Record<string, number>> = Object.freeze({
  error: 17,
  warn: 13,
  help: 11,
  data: 10,
  info: 9,
  debug: 5,
  prompt: 4,
  verbose: 3,
  input: 2,
  silly: 1,
})

/** pino's built-in level numbers and their severities. */
const PINO_LEVELS: ReadonlyArray<readonly [level: number, severity: number]> = [
  [10, 1],
  [20, 5],
  [30, 9],
  [40, 13],
  [50, 17],
  [60, 21],
]

/** Highest number of the OpenTelemetry range holding `severity` (4, 8, …, 24). */
const rangeTop = (severity: number): number => Math.min(24, Math.ceil(severity / 4) * 4)

/**
 * A level a fraction `f` (0 < f < 1) of the way from a known level of severity `from` towards the next more severe
 * known level (`to`, when there is one): `from + 1 + ⌊3f⌋` for a level at the start of its range, kept inside
 * `from`'s range and below `to`.
 */
export const severityBetween = (from: number, f: number, to?: number): number => {
  const top = rangeTop(from)
  let severity = Math.min(from + 1 + Math.floor(f * (top - from)), top)
  if (to !== undefined && to > from) severity = Math.min(severity, to - 1)
  return Math.max(severity, from)
}

/**
 * The severity of a pino level number, as `@opentelemetry/instrumentation-pino` computes it: the six built-in levels
 * map to their range's first number, any other level is scaled from 10–70 onto TRACE2 … FATAL4 (from 70: FATAL4).
 * One difference: a level below `trace` (10) is TRACE (1), not TRACE2, so severity never falls as the level rises.
 */
export const severityForPinoLevel = (level: number): number => {
  for (const [pinoLevel, severity] of PINO_LEVELS) if (level === pinoLevel) return severity
  if (Number.isNaN(level)) return UNSPECIFIED_SEVERITY
  if (level < 10) return 1
  // 18 in-between numbers (TRACE2, TRACE3, TRACE4, DEBUG2, …, FATAL4), three per range of ten pino levels
  const index = Math.min(17, Math.max(0, Math.floor(((level - 10) / 60) * 18)))
  return Math.floor(index / 3) * 4 + 2 + (index % 3)
}

const sameLevels = (levels: Readonly<Record<string, number>>, names: readonly string[], order: readonly string[]) =>
  names.length === order.length && order.every((name, i) => levels[name] === i)

/** The standard table for a level set that is exactly winston's npm, syslog or cli set, else undefined. */
const standardTable = (levels: Readonly<Record<string, number>>): Readonly<Record<string, number>> | undefined => {
  const names = Object.keys(levels)
  for (const table of [NPM_SEVERITIES, SYSLOG_SEVERITIES, CLI_SEVERITIES]) {
    // the tables list their levels from the most severe (priority 0) down
    if (sameLevels(levels, names, Object.keys(table))) return table
  }
  return undefined
}

/** A table's own entry (a level named `constructor` or `__proto__` finds nothing inherited). */
const own = (table: Readonly<Record<string, number>> | undefined, name: string): number | undefined =>
  table !== undefined && Object.hasOwn(table, name) ? table[name] : undefined

interface Level {
  name: string
  priority: number
  known: number | undefined
}

/**
 * The known levels that keep their number: the longest run, from the most severe level down, whose numbers fall
 * as the levels get less severe. A known name out of order (`verbose` above `debug`) is then placed by position.
 */
const consistentAnchors = (levels: readonly Level[]): Level[] => {
  const known = levels.filter((l) => l.known !== undefined)
  const best: Level[][] = []
  for (let i = 0; i < known.length; i++) {
    let chain: Level[] = [known[i]!]
    for (let j = 0; j < i; j++) {
      const before = best[j]!
      const k = known[j]!
      if (k.priority < known[i]!.priority && k.known! > known[i]!.known! && before.length + 1 > chain.length) {
        chain = [...before, known[i]!]
      }
    }
    best.push(chain)
  }
  return best.reduce<Level[]>((longest, chain) => (chain.length > longest.length ? chain : longest), [])
}

/**
 * Severity of every level of a winston-style level set (`{ name: priority }`, 0 the most severe), following the
 * convention above. Names are recognised with `known` (core's `severityNumberFor` by default: npm, syslog and
 * OpenTelemetry level names); `overrides` (level → 1–24) win over everything.
 */
export const severityTableForLevels = (
  levels: Readonly<Record<string, number>>,
  overrides: Readonly<Record<string, number>> = {},
  known: (name: string) => number | undefined = severityNumberFor,
): ReadonlyMap<string, number> => {
  const table = new Map<string, number>()
  const standard = standardTable(levels)
  const entries: Level[] = Object.entries(levels)
    .filter(([, priority]) => typeof priority === 'number' && Number.isFinite(priority))
    .map(([name, priority]) => ({ name, priority, known: own(standard, name) ?? own(overrides, name) ?? known(name) }))
    .sort((a, b) => a.priority - b.priority)
  const anchors = consistentAnchors(entries)
  const isAnchor = new Set(anchors)
  const span = entries.length > 1 ? entries[entries.length - 1]!.priority - entries[0]!.priority : 0
  for (const level of entries) {
    const override = own(overrides, level.name)
    if (override !== undefined) table.set(level.name, override)
    else if (isAnchor.has(level)) table.set(level.name, level.known!)
    else table.set(level.name, placed(level, anchors, entries, span))
  }
  return table
}

/** The number of a level that is not an anchor, from its neighbours among the anchors. */
const placed = (level: Level, anchors: readonly Level[], entries: readonly Level[], span: number): number => {
  // anchors run from the most severe (lowest priority) down
  const moreSevere = anchors.filter((a) => a.priority < level.priority).at(-1)
  const lessSevere = anchors.find((a) => a.priority > level.priority)
  if (lessSevere !== undefined && moreSevere !== undefined) {
    const f = (lessSevere.priority - level.priority) / (lessSevere.priority - moreSevere.priority)
    return severityBetween(lessSevere.known!, f, moreSevere.known)
  }
  if (lessSevere !== undefined) {
    // more severe than every anchor: one step up per level in between, inside the anchor's range
    const steps = entries.filter((e) => e.priority >= level.priority && e.priority < lessSevere.priority).length
    return Math.min(lessSevere.known! + steps, rangeTop(lessSevere.known!))
  }
  if (moreSevere !== undefined) {
    // less severe than every anchor: one step down per level in between
    const steps = entries.filter((e) => e.priority <= level.priority && e.priority > moreSevere.priority).length
    return Math.max(1, moreSevere.known! - steps)
  }
  // no level is known at all: spread the set from ERROR (most severe) to TRACE
  return span === 0 ? 9 : Math.round(17 - ((level.priority - entries[0]!.priority) * 16) / span)
}
