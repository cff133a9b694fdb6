/**
 * Misspelled options must not pass silently: `maxBuferBytes: 5` would otherwise leave the user running with
 * limits they did not choose. Pure except for `process.emitWarning`, the channel Node users already watch.
 */
import { LogsIngestionError } from './errors.js'

/** The warning code of an unknown option name, for `process.on('warning')` filters. */
export const UNKNOWN_OPTION_WARNING = 'DCR_LOGS_UNKNOWN_OPTION'

export interface CheckOptionNamesOptions {
  /** Who takes the options, as the user wrote it: `createLogsIngestionClient()`, `AzureLogsTransport`, … */
  component: string
  /** Throw `INVALID_OPTIONS` instead of warning. */
  strict: boolean
  /** Emits the warning; `process.emitWarning` by default (injectable for tests). */
  emitWarning?: (message: string, options: { code: string; type: string }) => void
}

/** Optimal string alignment distance (Damerau–Levenshtein with adjacent swaps), case-insensitive. */
export const editDistance = (a: string, b: string): number => {
  const s = a.toLowerCase()
  const t = b.toLowerCase()
  const rows: number[][] = []
  for (let i = 0; i <= s.length; i++) {
    const row = new Array<number>(t.length + 1).fill(0)
    row[0] = i
    rows.push(row)
  }
  for (let j = 0; j <= t.length; j++) rows[0]![j] = j
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1)
      rows[i]![j] = d
    }
  }
  return rows[s.length]![t.length]!
}

/** The known name closest to `name`, when it is close enough to be a likely typo. */
export const closestName = (name: string, known: Iterable<string>): string | undefined => {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of known) {
    const d = editDistance(name, candidate)
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  // a third of the name (at least 2 edits) catches typos and case slips without suggesting unrelated options
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined
}

/**
 * Checks the option names a user passed against the names a component knows. Each unknown name gets one
 * warning (code `DCR_LOGS_UNKNOWN_OPTION`) naming the closest known option, or, with `strict`, one
 * `INVALID_OPTIONS` error naming them all. Returns the unknown names.
 */
export const checkOptionNames = (
  options: object,
  known: ReadonlySet<string>,
  check: CheckOptionNamesOptions,
): string[] => {
  const unknown = Object.keys(options).filter((name) => !known.has(name))
  if (unknown.length === 0) return unknown
  const describe = (name: string): string => {
    const closest = closestName(name, known)
    return closest === undefined ? `"${name}"` : `"${name}" (did you mean "${closest}"?)`
  }
  if (check.strict) {
    throw new LogsIngestionError(
      'INVALID_OPTIONS',
      `${check.component}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map(describe).join(', ')}. Remove or correct ${unknown.length > 1 ? 'them' : 'it'}; strictOptions is on, so unknown names are errors.`,
    )
  }
  const emit = check.emitWarning ?? ((message, o) => process.emitWarning(message, o))
  for (const name of unknown) {
    emit(
      `${check.component}: unknown option ${describe(name)} is ignored. Set strictOptions: true to make this an error.`,
      { code: UNKNOWN_OPTION_WARNING, type: 'DcrLogsWarning' },
    )
  }
  return unknown
}
