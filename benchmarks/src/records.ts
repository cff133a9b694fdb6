/**
 * A realistic, deterministic log shape (an HTTP service's request log, about 250 bytes of JSON), generated on the
 * fly so no contender pays for holding a million objects, and every contender pays the same to make them.
 */

/** mulberry32: a small seeded PRNG, so every contender sees the same records. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const ROUTES = ['/api/orders/:id', '/api/cart', '/api/users/:id/profile', '/health', '/api/search', '/api/checkout']
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE']
const STATUSES = [200, 200, 200, 200, 201, 204, 304, 400, 404, 500]
const LEVELS = [
  { text: 'info', number: 9 },
  { text: 'info', number: 9 },
  { text: 'info', number: 9 },
  { text: 'warn', number: 13 },
  { text: 'error', number: 17 },
  { text: 'debug', number: 5 },
]
const HEX = '0123456789abcdef'

/** The fields an app would log for one request, before any framework adds its own. */
export interface RequestFields {
  level: { text: string; number: number }
  message: string
  attributes: {
    'http.route': string
    'http.status_code': number
    'duration.ms': number
  }
  traceId: string
}

export interface RecordSource {
  /** The app's fields for record `i` (cheap: a few random draws and string concatenations). */
  fields(i: number): RequestFields
  /** Columns of the default schema for record `i`, as an app using core or the SDK would build them. */
  columns(i: number, now?: number): Record<string, unknown>
}

export const createRecordSource = (seed = 42): RecordSource => {
  const random = seededRandom(seed)
  const hex = (n: number): string => {
    let s = ''
    for (let k = 0; k < n; k++) s += HEX[(random() * 16) | 0]
    return s
  }
  const pick = <T>(list: readonly T[]): T => list[(random() * list.length) | 0]!
  const fields = (i: number): RequestFields => {
    const route = pick(ROUTES)
    const method = pick(METHODS)
    const status = pick(STATUSES)
    const durationMs = Math.round(random() * 250_000) / 1000
    return {
      level: pick(LEVELS),
      message: `${method} ${route.replace(':id', String(i % 9973))} ${status} in ${durationMs} ms`,
      attributes: {
        'http.route': route,
        'http.status_code': status,
        'duration.ms': durationMs,
      },
      traceId: hex(32),
    }
  }
  return {
    fields,
    columns(i, now = Date.now()) {
      const f = fields(i)
      return {
        TimeGenerated: new Date(now).toISOString(),
        SeverityText: f.level.text,
        SeverityNumber: f.level.number,
        Body: f.message,
        Attributes: f.attributes,
        TraceId: f.traceId,
      }
    },
  }
}

/**
 * Scenario 1's records, built up front (before any timing) so every contender is handed the same objects:
 * the default schema with ISO `TimeGenerated` text, severity, `Body`, an `Attributes` object of 7 keys and a
 * `Seq` long, about 300 bytes of JSON each.
 */
export const buildRecords = (n: number, seed = 7, startEpochMs = Date.now()): Record<string, unknown>[] => {
  const random = seededRandom(seed)
  const pick = <T>(list: readonly T[]): T => list[(random() * list.length) | 0]!
  const hex = (k: number): string => {
    let s = ''
    for (let j = 0; j < k; j++) s += HEX[(random() * 16) | 0]
    return s
  }
  const records = new Array<Record<string, unknown>>(n)
  for (let i = 0; i < n; i++) {
    const route = pick(ROUTES)
    const method = pick(METHODS)
    const status = pick(STATUSES)
    const level = pick(LEVELS)
    const durationMs = Math.round(random() * 250_000) / 1000
    records[i] = {
      TimeGenerated: new Date(startEpochMs + i).toISOString(),
      SeverityText: level.text,
      SeverityNumber: level.number,
      Body: `${method} ${route.replace(':id', String(i % 9973))} ${status} in ${durationMs} ms`,
      Attributes: {
        'http.route': route,
        'http.request.method': method,
        'http.response.status_code': status,
        'duration.ms': durationMs,
        'user.id': `u${(random() * 50_000) | 0}`,
        'trace.id': hex(32),
        'cloud.region': pick(['westeurope', 'eastus', 'southeastasia']),
      },
      Seq: i,
    }
  }
  return records
}
