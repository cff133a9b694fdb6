/** Small HTTP helpers shared by the emulator's routes: Azure-shaped error bodies, JSON replies, body reading. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { stringifyJson } from './json-lossless.ts'

/** An Azure data-plane error, as the service sends it: `{"error":{"code","message"}}` plus `x-ms-error-code`. */
export interface AzureError {
  status: number
  code: string
  message: string
  headers?: Record<string, string>
}

/** Whether a `Content-Type` header names JSON (`application/json`, any parameters). */
export const isJsonContentType = (contentType: string | undefined): boolean =>
  contentType !== undefined && contentType.split(';')[0]!.trim().toLowerCase() === 'application/json'

export const sendJson = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | number> = {},
): void => {
  const text = stringifyJson(body) // rows may hold longs past 2^53 (bigint)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}

export const sendAzureError = (res: ServerResponse, error: AzureError, requestId: string): void => {
  sendJson(
    res,
    error.status,
    { error: { code: error.code, message: error.message } },
    { 'x-ms-error-code': error.code, 'x-ms-request-id': requestId, ...error.headers },
  )
}

/** Reads a whole request body. Stops collecting (but keeps draining) past `keepAtMost` bytes. */
export const readBody = (
  req: IncomingMessage,
  keepAtMost = Number.POSITIVE_INFINITY,
): Promise<{ body: Buffer; bytes: number; truncated: boolean }> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let bytes = 0
    let truncated = false
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length
      if (bytes <= keepAtMost) chunks.push(chunk)
      else truncated = true
    })
    req.once('end', () => resolve({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), bytes, truncated }))
    req.once('error', reject)
    req.once('close', () => {
      if (!req.complete) reject(new Error('request aborted by the client'))
    })
  })

/** Reads a small JSON body (control endpoint); undefined for an empty body. */
export const readJson = async (req: IncomingMessage, limit = 1_048_576): Promise<unknown> => {
  const { body, truncated } = await readBody(req, limit)
  if (truncated) throw new Error(`body over ${limit} bytes`)
  const text = body.toString('utf8').trim()
  return text === '' ? undefined : JSON.parse(text)
}
