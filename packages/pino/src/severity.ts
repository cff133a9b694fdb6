/**
 * pino level numbers → `SeverityText` / `SeverityNumber`, decided once per logger configuration so that mapping a
 * line is a lookup. The numbers follow core's convention, which is `@opentelemetry/instrumentation-pino`'s: the six
 * built-in levels take the first number of their range, custom levels an in-between number by their place
 * (`audit: 35` → 11, INFO3), the same number the winston adapter gives a level halfway between `info` and `warn`.
 */
import { severityForPinoLevel } from '@dcr-logs/core'

/** pino's level mappings as sent with `PINO_CONFIG` (`levels.labels` number → label, `levels.values` label → number). */
export interface PinoLevels {
  labels: Record<string, string>
  values: Record<string, number>
}

/** What a level maps to. `number` is undefined when the level is unknown and no rule applies. */
export interface Severity {
  text: string | undefined
  number: number | undefined
}

export interface SeverityTable {
  /** Severity of a record's `level` field: a number (pino's default) or a label (a custom `formatters.level`). */
  lookup(level: unknown): Severity
}

/** pino's default level labels, used when pino did not send its configuration (pino < 8.21). */
export const DEFAULT_PINO_LEVELS: PinoLevels = {
  labels: { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' },
  values: { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 },
}

/**
 * Builds the lookup table for one logger configuration.
 * @param levels pino's `levels` (custom levels included).
 * @param overrides label → SeverityNumber (1–24) for custom levels whose meaning the number does not tell.
 * @param severityForLabel fallback for a string level that is not in `levels` (core's `severityNumberFor`).
 */
export function buildSeverityTable(
  levels: PinoLevels,
  overrides: Readonly<Record<string, number>> = {},
  severityForLabel: (label: string) => number | undefined = () => undefined,
): SeverityTable {
  const byNumber = new Map<number, Severity>()
  const byLabel = new Map<string, Severity>()
  for (const [label, value] of Object.entries(levels.values)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue // `silent` is Infinity
    const severity: Severity = { text: label, number: overrides[label] ?? severityForPinoLevel(value) }
    byLabel.set(label, severity)
    // with duplicate numbers pino's `labels` decides which label a number shows as
    if (levels.labels[value] === label || !byNumber.has(value)) byNumber.set(value, severity)
  }

  const unknownNumbers = new Map<number, Severity>()
  return {
    lookup(level) {
      if (typeof level === 'number') {
        const known = byNumber.get(level)
        if (known) return known
        if (!Number.isFinite(level)) return { text: undefined, number: undefined }
        let computed = unknownNumbers.get(level)
        if (!computed) {
          computed = { text: String(level), number: severityForPinoLevel(level) }
          // bounded: a stream of random numbers must not grow this cache
          if (unknownNumbers.size < 256) unknownNumbers.set(level, computed)
        }
        return computed
      }
      if (typeof level === 'string') {
        const known = byLabel.get(level)
        if (known) return known
        // own keys only: a line's level text is data (`__proto__` must not find Object.prototype)
        return {
          text: level,
          number: (Object.hasOwn(overrides, level) ? overrides[level] : undefined) ?? severityForLabel(level),
        }
      }
      return { text: undefined, number: undefined }
    },
  }
}
