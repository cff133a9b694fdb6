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
