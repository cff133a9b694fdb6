/**
 * winston level names → OpenTelemetry SeverityNumber (1–24). Pure: the lookup of well-known names (core's
 * `severityNumberFor`, which covers winston's npm and syslog sets) is injected.
 *
 * OTel ranges: TRACE 1–4, DEBUG 5–8, INFO 9–12, WARN 13–16, ERROR 17–20, FATAL 21–24.
 */

/** OpenTelemetry SEVERITY_NUMBER_UNSPECIFIED: a level that is neither known by name nor in the logger's set. */
export const UNSPECIFIED_SEVERITY = 0

/** Severity of a level by its name alone (case-insensitive); `undefined` when the name is not recognised. */
export type KnownSeverity = (levelName: string) => number | undefined

/** A name → SeverityNumber table built once per level set; `log()` only looks names up. */
export type SeverityTable = ReadonlyMap<string, number>

/** Highest value of the OTel range that holds `severity` (4, 8, 12, …). */
const rangeTop = (severity: number): number => Math.ceil(severity / 4) * 4

interface Entry {
  name: string
  priority: number
  known: number | undefined
}

/**
 * Builds the table for one winston level set (`{ name: priority }`, 0 = most severe).
 *
 * - A recognised name keeps its own severity, wherever it sits in the set.
 * - An unrecognised name between recognised ones takes the nearest less severe recognised level's number plus one
 *   per priority step, without leaving that OTel range or reaching the next more severe level (between `info` 9
 *   and `warn` 13: 10, 11, 12).
 * - Below every recognised level: the nearest more severe recognised number minus one per step, at least 1.
 * - A set without any recognised name is spread evenly from ERROR (17, most severe) to TRACE (1, least severe).
 */
export const buildSeverityTable = (levels: Readonly<Record<string, number>>, known: KnownSeverity): SeverityTable => {
  const entries: Entry[] = Object.entries(levels)
    .filter(([, priority]) => typeof priority === 'number' && Number.isFinite(priority))
    .map(([name, priority]) => ({ name, priority, known: known(name) }))
  const priorities = [...new Set(entries.map((e) => e.priority))].sort((a, b) => a - b)
  const rank = (priority: number): number => priorities.indexOf(priority)
  const anchors = entries.filter((e) => e.known !== undefined)
  const table = new Map<string, number>()

  for (const entry of entries) {
    if (entry.known !== undefined) {
      table.set(entry.name, entry.known)
      continue
    }
    if (anchors.length === 0) {
      const span = priorities.length - 1
      table.set(entry.name, span === 0 ? 9 : Math.round(17 - (rank(entry.priority) * 16) / span))
      continue
    }
    const less = nearest(
      anchors,
      (a) => a.priority > entry.priority,
      (a, b) => a.priority < b.priority,
    )
    const more = nearest(
      anchors,
      (a) => a.priority < entry.priority,
      (a, b) => a.priority > b.priority,
    )
    table.set(entry.name, between(entry, less, more, rank))
  }
  return table
}

const nearest = (
  anchors: readonly Entry[],
  accept: (a: Entry) => boolean,
  closer: (a: Entry, b: Entry) => boolean,
): Entry | undefined => {
  let best: Entry | undefined
  for (const a of anchors) if (accept(a) && (best === undefined || closer(a, best))) best = a
  return best
}

const between = (
  entry: Entry,
  less: Entry | undefined,
  more: Entry | undefined,
  rank: (priority: number) => number,
): number => {
  if (less?.known !== undefined) {
    const base = less.known
    let severity = Math.min(base + (rank(less.priority) - rank(entry.priority)), rangeTop(base))
    if (more?.known !== undefined && more.known > base) severity = Math.min(severity, more.known - 1)
    return Math.max(severity, base)
  }
  // only more severe levels are recognised: step down from the nearest one
  const base = more?.known ?? 9
  const steps = more ? rank(entry.priority) - rank(more.priority) : 0
  return Math.max(1, base - steps)
}

/** Severity of `levelName` in `table`; a level missing from the set falls back to its name, else UNSPECIFIED. */
export const severityOf = (table: SeverityTable, levelName: string, known: KnownSeverity): number =>
  table.get(levelName) ?? known(levelName) ?? UNSPECIFIED_SEVERITY
