/**
 * The control endpoint, `/_emulator/…` on the emulator's own port: read rows, requests and DCR errors, set faults
 * and reset from another process (CLI users, examples, benchmarks). Loopback only, no authentication.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Emulator } from './emulator-api.ts'
import { isEmulatorError } from './errors.ts'
import { validateFaultPlan } from './faults.ts'
import { isJsonContentType, readJson, sendJson } from './http.ts'

export const CONTROL_PREFIX = '/_emulator/'

const bad = (res: ServerResponse, status: number, code: string, message: string): void =>
  sendJson(res, status, { error: { code, message } }, { 'x-ms-error-code': code })

const intParam = (url: URL, name: string, fallback: number): number => {
  const v = url.searchParams.get(name)
  if (v === null) return fallback
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be an integer ≥ 0 (got '${v}')`)
  return n
}

/** A resource under `/_emulator/` served by another module (the dashboard). */
export type ControlRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>

/** `?workspaceId=` narrows rows, counts and waits to one workspace. */
const workspaceOf = (url: URL): { workspaceId?: string } => {
  const id = url.searchParams.get('workspaceId')
  return id === null || id === '' ? {} : { workspaceId: id }
}

export const handleControl = async (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  emulator: Emulator,
  routes: Readonly<Record<string, ControlRoute>> = {},
): Promise<void> => {
  const [resource, ...rest] = url.pathname.slice(CONTROL_PREFIX.length).split('/').map(decodeURIComponent)
  const route = resource === undefined ? undefined : routes[resource]
  if (route !== undefined) return route(req, res, url)
  const arg = rest.join('/')
  const method = req.method ?? 'GET'
  // A web page may POST to any origin without asking (a "simple" request: no body, text/plain or a form), but not
  // with application/json, which needs a CORS preflight that this endpoint never grants: so no page the browser
  // shows can set faults or reset the emulator. (PUT and DELETE always need a preflight.)
  if ((method === 'POST' || method === 'PUT') && !isJsonContentType(req.headers['content-type'])) {
    req.resume()
    return bad(
      res,
      415,
      'UnsupportedMediaType',
      `${method} ${url.pathname} needs Content-Type: application/json (got '${req.headers['content-type'] ?? ''}'), even without a body: curl -X ${method} -H 'content-type: application/json' …`,
    )
  }
  try {
    switch (`${method} ${resource}`) {
      case 'GET info':
        return sendJson(res, 200, emulator.info())
      case 'GET rows': {
        if (arg === '') return bad(res, 400, 'BadRequest', 'Name the table: GET /_emulator/rows/{table}')
        const ws = workspaceOf(url)
        const all = emulator.rows(arg, ws)
        const offset = intParam(url, 'offset', 0)
        const limit = intParam(url, 'limit', all.length)
        return sendJson(res, 200, all.slice(offset, offset + limit), {
          'x-emulator-row-count': emulator.count(arg, ws),
        })
      }
      case 'GET counts':
        return sendJson(res, 200, emulator.counts(workspaceOf(url)))
      case 'GET requests':
        return sendJson(res, 200, emulator.requests())
      case 'GET dcr-errors':
        return sendJson(res, 200, emulator.dcrErrors())
      case 'GET wait': {
        if (arg === '')
          return bad(res, 400, 'BadRequest', 'Name the table: GET /_emulator/wait/{table}?count=N&timeoutMs=T')
        const count = intParam(url, 'count', 1)
        const timeoutMs = intParam(url, 'timeoutMs', 10_000)
        try {
          await emulator.waitForRows(arg, count, { timeoutMs, ...workspaceOf(url) })
          return sendJson(res, 200, { table: arg, count: emulator.count(arg, workspaceOf(url)) })
        } catch (e) {
          return bad(res, 408, 'Timeout', (e as Error).message)
        }
      }
      case 'GET faults':
        return sendJson(res, 200, emulator.faults() ?? { rules: [] })
      case 'PUT faults':
      case 'POST faults': {
        const plan = validateFaultPlan(await readJson(req))
        emulator.setFaults(plan)
        res.writeHead(204).end()
        return
      }
      case 'DELETE faults':
        emulator.setFaults(undefined)
        res.writeHead(204).end()
        return
      case 'POST reset':
        emulator.reset()
        res.writeHead(204).end()
        return
      default:
        return bad(
          res,
          404,
          'NotFound',
          `No control route ${method} ${url.pathname}. Routes: GET info, rows/{table}, counts, requests, dcr-errors, wait/{table}, faults; PUT/DELETE faults; POST reset.`,
        )
    }
  } catch (e) {
    if (isEmulatorError(e) || e instanceof RangeError || e instanceof SyntaxError) {
      return bad(res, 400, 'BadRequest', (e as Error).message)
    }
    throw e
  }
}
