/**
 * `POST /dataCollectionRules/{ruleId}/streams/{stream}?api-version=2023-01-01`, checked in the order a request meets
 * the service: front door (size), api-version, token, DCR and stream, rate limits, headers, body.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import { checkAuxiliaryRules } from './auxiliary.ts'
import type { LoadedDcr, LoadedFlow } from './dcr-loader.ts'
import type { FaultDecision, FaultInjector } from './faults.ts'
import { type AzureError, isJsonContentType, readBody, sendAzureError } from './http.ts'
import { parseJsonLossless } from './json-lossless.ts'
import type { TypedColumn } from './kql/types.ts'
import { runPipeline } from './pipeline.ts'
import type { DcrLogError, RequestRecord, Store } from './store.ts'
import type { Throttle } from './throttle.ts'
import type { TokenService } from './token-service.ts'
import type { WorkspaceDirectory } from './workspaces.ts'

const gunzipAsync = promisify(gunzip)

/**
 * zlib's output chunk when inflating a body: about what the body inflates to (JSON logs compress 5–10×), within
 * bounds. With zlib's default of 16 KiB, a 1 MiB body comes back to the event loop in hundreds of chunks, which
 * costs three times the inflating itself, on the same cores as the client under test.
 */
const inflateChunkBytes = (compressedBytes: number): number =>
  Math.min(1024 * 1024, Math.max(16 * 1024, compressedBytes * 8))

/** api-versions the data plane knows (stable and the two previews). */
export const SUPPORTED_API_VERSIONS: readonly string[] = ['2021-11-01-preview', '2023-01-01', '2023-04-01-preview']

/** Path of an ingestion call. */
export const INGESTION_PATH = /^\/dataCollectionRules\/([^/]+)\/streams\/([^/]+)\/?$/

export interface IngestionLimits {
  /** Front-door limit on the body as sent. */
  maxRequestBytes: number
  /** Limit on the body after gzip decoding. */
  maxDecompressedBytes: number
}

export interface IngestionContext {
  rules: ReadonlyMap<string, LoadedDcr>
  tokens: TokenService
  audiences: readonly string[]
  throttle: Throttle | undefined
  faults: () => FaultInjector | undefined
  store: Store
  /** Where each flow's rows go, and the columns it writes. */
  workspaces: Pick<WorkspaceDirectory, 'idsOf'>
  columnsOf: (flow: LoadedFlow) => readonly TypedColumn[] | undefined
  limits: IngestionLimits
  now: () => number
  sleep: (ms: number, signal: AbortSignal) => Promise<void>
  authorityUri: string
  /** Answer 204 after the framing checks, without parsing the records. */
  discardRecords: boolean
}

/** Destroys the connection so the client sees a reset (RST where the socket allows it). */
const resetConnection = (req: IncomingMessage): void => {
  const socket = req.socket as IncomingMessage['socket'] & { resetAndDestroy?: () => void }
  try {
    socket.resetAndDestroy?.()
  } catch {
    // TLS sockets may refuse resetAndDestroy: a plain destroy still ends the connection without an answer.
  }
  if (!socket.destroyed) socket.destroy()
}

export const handleIngestion = async (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  match: RegExpExecArray,
  ctx: IngestionContext,
): Promise<void> => {
  const startedAt = ctx.now()
  const received = new Date(startedAt)
  const ruleId = decodeURIComponent(match[1]!)
  const streamName = decodeURIComponent(match[2]!)
  const requestId = randomUUID()
  const clientRequestId = req.headers['x-ms-client-request-id'] as string | undefined
  const contentEncoding = (req.headers['content-encoding'] as string | undefined)?.trim().toLowerCase()
  const declaredLength = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length'])
  const record: RequestRecord = {
    at: received,
    ruleId,
    stream: streamName,
    status: 0,
    sentBytes: 0,
    uncompressedBytes: 0,
    records: 0,
    durationMs: 0,
  }
  if (clientRequestId !== undefined) record.clientRequestId = clientRequestId
  if (req.headers['user-agent'] !== undefined) record.userAgent = req.headers['user-agent']
  if (contentEncoding !== undefined) record.contentEncoding = contentEncoding

  const aborted = new AbortController()
  // The response closes when it was sent or when the connection dropped; only the latter is an abort.
  // (Never listen on req.socket: keep-alive sockets serve many requests.)
  res.once('close', () => {
    if (!res.writableFinished) aborted.abort()
  })
  const finish = (status: number, errorCode?: string): void => {
    record.status = status
    if (errorCode !== undefined) record.errorCode = errorCode
    record.durationMs = ctx.now() - startedAt
    ctx.store.addRequest(record)
  }
  const fail = async (error: AzureError, drain = true): Promise<void> => {
    // Read what the client is still sending, so it sees the answer rather than a broken pipe.
    if (drain && !req.complete) {
      try {
        record.sentBytes = (await readBody(req, 0)).bytes
      } catch {
        // the client went away; nothing to answer
      }
    }
    if (!res.destroyed) sendAzureError(res, error, requestId)
    finish(error.status, error.code)
  }
  const dcrError = (inputStreamId: string, operationName: DcrLogError['operationName'], message: string): void => {
    const e: DcrLogError = { at: received, ruleId, correlationId: requestId, inputStreamId, operationName, message }
    if (clientRequestId !== undefined) e.clientRequestId = clientRequestId
    ctx.store.addError(e)
  }

  if (req.method !== 'POST') {
    return fail({
      status: 405,
      code: 'MethodNotAllowed',
      message: `The requested resource does not support http method '${req.method}'.`,
    })
  }

  // Faults come first: they stand for trouble anywhere between the client and the service.
  let fault: FaultDecision | undefined = ctx.faults()?.decide(ruleId, streamName)
  if (fault !== undefined) {
    record.fault = fault.label
    const f = fault.fault
    if (f.type === 'latency') {
      await ctx.sleep(f.ms, aborted.signal)
      if (aborted.signal.aborted) return finish(0, 'ClientDisconnected')
      fault = undefined
    } else if (f.type === 'reset' && f.when === 'before-body') {
      resetConnection(req)
      return finish(0)
    } else if (f.type === 'hang') {
      req.resume()
      await new Promise<void>((resolve) => res.once('close', resolve))
      return finish(0)
    } else if (f.type === 'status') {
      const headers: Record<string, string> = {}
      if (f.retryAfterSeconds !== undefined) headers['retry-after'] = String(f.retryAfterSeconds)
      const code =
        f.code ??
        (f.status === 429 ? 'TooManyRequests' : f.status === 503 ? 'ServiceUnavailable' : `InjectedFault${f.status}`)
      return fail({ status: f.status, code, message: f.message ?? `Injected fault: ${f.status}.`, headers })
    }
  }

  // Front door: the size as sent, from Content-Length.
  const { maxRequestBytes, maxDecompressedBytes } = ctx.limits
  const tooLarge = (bytes: number): AzureError => ({
    status: 413,
    code: 'ContentLengthLimitExceeded',
    message: `Maximum allowed content length: ${maxRequestBytes} bytes (1 MB). Provided content length: ${bytes} bytes.`,
  })
  if (declaredLength !== undefined && declaredLength > maxRequestBytes) return fail(tooLarge(declaredLength))

  const apiVersion = url.searchParams.get('api-version')
  if (apiVersion === null || apiVersion === '') {
    return fail({
      status: 400,
      code: 'MissingApiVersionParameter',
      message: 'The api-version query parameter (?api-version=) is required for all requests.',
    })
  }
  if (!SUPPORTED_API_VERSIONS.includes(apiVersion)) {
    return fail({
      status: 400,
      code: 'InvalidApiVersionParameter',
      message: `The api-version '${apiVersion}' is invalid. The supported versions are '${SUPPORTED_API_VERSIONS.join(',')}'.`,
    })
  }

  const auth = ctx.tokens.checkBearer(req.headers.authorization, ctx.audiences)
  if (!auth.ok) {
    const headers: Record<string, string> =
      auth.status === 401
        ? { 'www-authenticate': `Bearer authorization_uri="${ctx.authorityUri}", error="invalid_token"` }
        : {}
    return fail({ status: auth.status, code: auth.code, message: auth.message, headers })
  }
  if (fault?.fault.type === 'unauthorized') {
    if (fault.fault.revoke === true) ctx.tokens.revoke(auth.claims)
    return fail({
      status: 401,
      code: 'InvalidAuthenticationToken',
      message: 'The access token is invalid or has been revoked.',
      headers: { 'www-authenticate': `Bearer authorization_uri="${ctx.authorityUri}", error="invalid_token"` },
    })
  }

  const dcr = ctx.rules.get(ruleId)
  if (dcr === undefined) {
    return fail({
      status: 404,
      code: 'NotFound',
      message: `Data collection rule with immutable Id '${ruleId}' not found.`,
    })
  }
  const stream = dcr.streams.get(streamName)
  if (stream === undefined || !stream.ingestible) {
    const why = stream?.reason === undefined ? '' : ` (${stream.reason})`
    return fail({
      status: 404,
      code: 'NotFound',
      message: `Stream '${streamName}' not found in data collection rule with immutable Id '${ruleId}'${why}.`,
    })
  }

  if (ctx.throttle !== undefined) {
    const decision = ctx.throttle.admit(ruleId, ctx.now())
    if (!decision.ok) {
      const what = decision.limit === 'requests' ? `${decision.budget} requests` : `${decision.budget} bytes`
      return fail({
        status: 429,
        code: 'TooManyRequests',
        message: `The data collection rule with immutable Id '${ruleId}' is over its limit of ${what} per ${decision.windowMs / 1000} s. Retry after ${decision.retryAfterSeconds} seconds.`,
        headers: { 'retry-after': String(decision.retryAfterSeconds) },
      })
    }
  }

  if (!isJsonContentType(req.headers['content-type'])) {
    return fail({
      status: 415,
      code: 'UnsupportedMediaType',
      message: `Content-Type '${req.headers['content-type'] ?? ''}' is not supported: send application/json.`,
    })
  }
  const gzipped = contentEncoding === 'gzip'
  if (contentEncoding !== undefined && contentEncoding !== '' && !gzipped && contentEncoding !== 'identity') {
    return fail({
      status: 415,
      code: 'UnsupportedMediaType',
      message: `Content-Encoding '${contentEncoding}' is not supported: send gzip or no Content-Encoding.`,
    })
  }

  let body: Buffer
  try {
    const read = await readBody(req, maxRequestBytes)
    record.sentBytes = read.bytes
    if (read.truncated) return fail(tooLarge(read.bytes), false)
    body = read.body
  } catch {
    return finish(0, 'ClientDisconnected')
  }
  let text: Buffer = body
  if (gzipped) {
    try {
      text = await gunzipAsync(body, {
        maxOutputLength: maxDecompressedBytes,
        chunkSize: inflateChunkBytes(body.length),
      })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
        return fail(
          {
            status: 413,
            code: 'PayloadTooLarge',
            message: `The decompressed request body is larger than ${maxDecompressedBytes} bytes.`,
          },
          false,
        )
      }
      return fail(
        { status: 400, code: 'InvalidContentEncoding', message: 'The request body is not valid gzip data.' },
        false,
      )
    }
  }
  record.uncompressedBytes = text.length
  ctx.throttle?.addBytes(ruleId, text.length, ctx.now())
  if (ctx.discardRecords && fault?.fault.type !== 'reset') {
    res.writeHead(204, { 'x-ms-request-id': requestId })
    res.end()
    return finish(204)
  }

  let parsed: unknown
  try {
    const start = text.length >= 3 && text[0] === 0xef && text[1] === 0xbb && text[2] === 0xbf ? 3 : 0
    // Lossless: integers past 2^53 stay exact for long columns.
    parsed = parseJsonLossless(text.toString('utf8', start))
  } catch (e) {
    return fail(
      { status: 400, code: 'BadRequest', message: `The request body is malformed JSON: ${(e as Error).message}` },
      false,
    )
  }

  const auxiliary = checkAuxiliaryRules(parsed, stream)
  if (auxiliary !== undefined) return fail(auxiliary, false)

  const afterBodyReset = fault?.fault.type === 'reset' ? fault.fault : undefined
  if (afterBodyReset === undefined || afterBodyReset.ingest === true) {
    const result = runPipeline(parsed, stream, received)
    record.records = result.records
    for (const e of result.errors) dcrError(streamName, e.operationName, e.message)
    for (const { flow, rows } of result.outputs)
      ctx.store.addRows(flow.table, rows, ctx.workspaces.idsOf(flow), ctx.columnsOf(flow))
  } else if (Array.isArray(parsed)) record.records = parsed.length

  if (afterBodyReset !== undefined) {
    resetConnection(req)
    return finish(0)
  }
  res.writeHead(204, { 'x-ms-request-id': requestId })
  res.end()
  finish(204)
}
