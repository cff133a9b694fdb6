/**
 * The Log Analytics query API (`api.loganalytics.io/v1`) as `LogsQueryClient` calls it: `POST` (or `GET`)
 * `/v1/workspaces/{workspaceId}/query`, `/v1/{workspaceResourceId}/query` and `/v1/$batch`, with bearer tokens for
 * the query audience. Answers in the service's shapes; the querying itself is `workspace-query.ts`.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readJson } from '../http.ts'
import type { Store } from '../store.ts'
import type { TokenService } from '../token-service.ts'
import type { WorkspaceDirectory } from '../workspaces.ts'
import { isKqlError, kqlErrorResponse, type QueryApiError, queryApiError, tableJson } from './response.ts'
import { queryWorkspaces } from './workspace-query.ts'

/** Paths the query API owns. */
export const QUERY_API_PREFIX = '/v1/'
/** The audience of query tokens (the scope `https://api.loganalytics.io/.default`). */
export const QUERY_AUDIENCES: readonly string[] = ['https://api.loganalytics.io']

export interface QueryApiContext {
  store: Store
  workspaces: WorkspaceDirectory
  tokens: TokenService
  now: () => number
  /** `{origin}/{tenantId}`, for `WWW-Authenticate`. */
  authorityUri: string
}

interface QueryBody {
  query?: unknown
  timespan?: unknown
  workspaces?: unknown
}

/** A query's outcome: the JSON text of a 200 body, or an error. */
type Outcome = { ok: true; json: string } | { ok: false; error: QueryApiError }

const WORKSPACE_PATH = /^\/v1\/workspaces\/([^/]+)\/query\/?$/
// The official client joins `/{+resourceId}` with a resource id that starts with '/': `/v1//subscriptions/…`.
const RESOURCE_PATH = /^\/v1\/+(subscriptions\/.+)\/query\/?$/i

const send = (res: ServerResponse, status: number, json: string, correlationId: string): void => {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'x-ms-correlation-request-id': correlationId,
    'x-ms-request-id': correlationId,
  })
  res.end(json)
}

const sendError = (res: ServerResponse, e: QueryApiError, correlationId: string): void =>
  send(res, e.status, JSON.stringify(e.body), correlationId)

/** Runs one query for one workspace (or resource id) and encodes the result. */
const execute = (ctx: QueryApiContext, target: string, body: QueryBody, correlationId: string): Outcome => {
  const workspace = ctx.workspaces.find(target)
  if (workspace === undefined) {
    const known = ctx.workspaces.list().map((w) => `${w.workspaceId} (${w.name})`)
    return {
      ok: false,
      error: queryApiError(
        404,
        'WorkspaceNotFoundError',
        `The workspace '${target}' could not be found. The emulator's workspaces are the Log Analytics destinations of its DCRs: ${known.join(', ') || 'none'}.`,
        correlationId,
      ),
    }
  }
  if (typeof body.query !== 'string' || body.query.trim() === '') {
    return {
      ok: false,
      error: queryApiError(
        400,
        'BadArgumentError',
        "The request had some invalid properties: 'query' is required.",
        correlationId,
      ),
    }
  }
  const additional = Array.isArray(body.workspaces) ? body.workspaces.map(String) : []
  const unknown = additional.filter((w) => ctx.workspaces.find(w) === undefined)
  if (unknown.length > 0) {
    return {
      ok: false,
      error: queryApiError(
        404,
        'WorkspaceNotFoundError',
        `The workspaces ${unknown.join(', ')} could not be found.`,
        correlationId,
      ),
    }
  }
  try {
    const result = queryWorkspaces(ctx.store, workspace.workspaceId, body.query, new Date(ctx.now()), {
      ...(typeof body.timespan === 'string' && body.timespan !== '' ? { timespan: body.timespan } : {}),
      additionalWorkspaces: additional.map((w) => ctx.workspaces.find(w)!.workspaceId),
    })
    return { ok: true, json: `{"tables":[${tableJson(result)}]}` }
  } catch (e) {
    if (isKqlError(e)) return { ok: false, error: kqlErrorResponse(e, correlationId) }
    if (e instanceof RangeError) {
      return { ok: false, error: queryApiError(400, 'BadArgumentError', (e as Error).message, correlationId) }
    }
    throw e
  }
}

/** The token check, in the query API's words (401 without valid authentication, 403 for another audience). */
const authenticate = (ctx: QueryApiContext, req: IncomingMessage, correlationId: string): QueryApiError | undefined => {
  const check = ctx.tokens.checkBearer(req.headers.authorization, QUERY_AUDIENCES)
  if (check.ok) return undefined
  if (check.code === 'AuthenticationFailed') {
    return queryApiError(401, 'AuthorizationRequiredError', 'Valid authentication was not provided', correlationId, {
      code: check.code,
      message: check.message,
    })
  }
  const audience = check.code === 'InvalidAuthenticationTokenAudience'
  return queryApiError(
    audience ? 403 : 401,
    'InvalidTokenError',
    'The provided authentication is not valid for this resource',
    correlationId,
    { code: check.code, message: check.message },
  )
}

const queryBody = async (req: IncomingMessage, url: URL): Promise<QueryBody> => {
  if (req.method === 'GET') {
    req.resume()
    return {
      query: url.searchParams.get('query') ?? undefined,
      timespan: url.searchParams.get('timespan') ?? undefined,
    }
  }
  const body = ((await readJson(req)) ?? {}) as QueryBody
  const timespan = url.searchParams.get('timespan')
  return timespan !== null && body.timespan === undefined ? { ...body, timespan } : body
}

interface BatchRequest {
  id?: unknown
  body?: QueryBody
  workspace?: unknown
  path?: unknown
}

const batch = (ctx: QueryApiContext, body: unknown, correlationId: string): Outcome => {
  const requests = (body as { requests?: unknown })?.requests
  if (!Array.isArray(requests)) {
    return {
      ok: false,
      error: queryApiError(
        400,
        'BadArgumentError',
        "The request had some invalid properties: 'requests' must be an array.",
        correlationId,
      ),
    }
  }
  const responses = (requests as BatchRequest[]).map((r) => {
    const outcome = execute(ctx, String(r.workspace ?? ''), r.body ?? {}, correlationId)
    const status = outcome.ok ? 200 : outcome.error.status
    return `{"id":${JSON.stringify(String(r.id ?? ''))},"status":${status},"body":${outcome.ok ? outcome.json : JSON.stringify(outcome.error.body)}}`
  })
  return { ok: true, json: `{"responses":[${responses.join(',')}]}` }
}

export const handleQueryApi = async (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: QueryApiContext,
): Promise<void> => {
  const correlationId = randomUUID()
  const isBatch = url.pathname === '/v1/$batch'
  const workspacePath = WORKSPACE_PATH.exec(url.pathname)
  const resourcePath = workspacePath === null ? RESOURCE_PATH.exec(url.pathname) : null
  if (!isBatch && workspacePath === null && resourcePath === null) {
    req.resume()
    return sendError(
      res,
      queryApiError(
        404,
        'PathNotFoundError',
        `The requested path does not exist: ${url.pathname}. The emulator serves /v1/workspaces/{workspaceId}/query, /v1/{workspaceResourceId}/query and /v1/$batch.`,
        correlationId,
      ),
      correlationId,
    )
  }
  const allowed = isBatch ? ['POST'] : ['GET', 'POST']
  if (!allowed.includes(req.method ?? '')) {
    req.resume()
    return sendError(
      res,
      queryApiError(405, 'MethodNotAllowed', `Use ${allowed.join(' or ')} for ${url.pathname}.`, correlationId),
      correlationId,
    )
  }
  const authError = authenticate(ctx, req, correlationId)
  if (authError !== undefined) {
    req.resume()
    res.setHeader('www-authenticate', `Bearer authorization_uri="${ctx.authorityUri}", error="invalid_token"`)
    return sendError(res, authError, correlationId)
  }
  let outcome: Outcome
  try {
    if (isBatch) outcome = batch(ctx, await readJson(req), correlationId)
    else {
      const target =
        workspacePath !== null ? decodeURIComponent(workspacePath[1]!) : decodeURIComponent(resourcePath![1]!)
      outcome = execute(ctx, target, await queryBody(req, url), correlationId)
    }
  } catch (e) {
    // readJson: SyntaxError for malformed JSON, a plain Error past its size limit; anything else is ours.
    if (!(e instanceof SyntaxError) && !/^body over/.test((e as Error).message)) throw e
    const what = e instanceof SyntaxError ? `is not valid JSON: ${e.message}` : `is too large (${(e as Error).message})`
    outcome = { ok: false, error: queryApiError(400, 'BadArgumentError', `The request body ${what}`, correlationId) }
  }
  if (outcome.ok) send(res, 200, outcome.json, correlationId)
  else sendError(res, outcome.error, correlationId)
}
