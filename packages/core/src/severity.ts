/**
 * OpenTelemetry severity numbers (1–24) for the level names of npm (winston, pino), syslog and
 * OpenTelemetry itself. https://opentelemetry.io/docs/specs/otel/logs/data-model/#field-severitynumber
 */
const SEVERITY_BY_NAME: ReadonlyMap<string, number> = new Map([
  // npm levels (winston defaults; pino uses trace/debug/info/warn/error/fatal)
  ['silly', 1],
  ['trace', 1],
  ['debug', 5],
  ['verbose', 6],
  ['http', 7],
  ['info', 9],
  ['notice', 10],
  ['warn', 13],
  ['warning', 13],
  ['error', 17],
  ['err', 17],
  ['crit', 21],
  ['critical', 21],
  ['fatal', 21],
  ['alert', 22],
  ['emerg', 23],
  ['emergency', 23],
])

/** The OpenTelemetry severity number for a level name (case-insensitive), or `undefined` for an unknown name. */
export const severityNumberFor = (levelName: string): number | undefined => {
  if (typeof levelName !== 'string') return undefined
  return SEVERITY_BY_NAME.get(levelName) ?? SEVERITY_BY_NAME.get(levelName.trim().toLowerCase())
}
