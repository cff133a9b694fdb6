/**
 * SeverityNumber of a winston level, in the order of the logger's actual level set (core's convention, shared
 * with the pino adapter). The table is built once per level set; `log()` only looks names up.
 */
import { severityNumberFor, severityTableForLevels, UNSPECIFIED_SEVERITY } from '@dcr-logs/core'

/** `(levelName, levels) → SeverityNumber`: 0 (UNSPECIFIED) for a name neither in the set nor well known. */
export const createSeverityLookup = (
  overrides: Readonly<Record<string, number>> | undefined,
): ((levelName: string, levels: Readonly<Record<string, number>> | undefined) => number) => {
  let forLevels: Readonly<Record<string, number>> | undefined
  let table: ReadonlyMap<string, number> = new Map()
  return (levelName, levels) => {
    if (levels !== forLevels) {
      forLevels = levels
      table = levels === undefined ? new Map() : severityTableForLevels(levels, overrides)
    }
    return table.get(levelName) ?? overrides?.[levelName] ?? severityNumberFor(levelName) ?? UNSPECIFIED_SEVERITY
  }
}
