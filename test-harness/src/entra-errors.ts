/**
 * Entra's error answers: `{error, error_description: "AADSTS…: …", error_codes, timestamp, trace_id, correlation_id}`.
 * Checks return an `EntraFailure`; the HTTP edge turns it into the body.
 */
import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { sendJson } from './http.ts'

export interface EntraFailure {
  status: 400 | 401
  /** OAuth error: invalid_request, invalid_client, unauthorized_client, invalid_scope, … */
  error: string
  /** The AADSTS number. */
  code: number
  description: string
}

export const entraFailure = (
  status: EntraFailure['status'],
  error: string,
  code: number,
  description: string,
): EntraFailure => ({ status, error, code, description })

export const missingParameter = (parameter: string): EntraFailure =>
  entraFailure(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${parameter}'.`)

/** Entra's timestamp format: `2026-01-15 10:00:00Z`. */
const entraTimestamp = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')

export const entraErrorBody = (failure: EntraFailure, nowMs: number): Record<string, unknown> => {
  const traceId = randomUUID()
  const correlationId = randomUUID()
  const timestamp = entraTimestamp(nowMs)
  return {
    error: failure.error,
    error_description: `AADSTS${failure.code}: ${failure.description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [failure.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${failure.code}`,
  }
}

export const sendEntraError = (res: ServerResponse, failure: EntraFailure, nowMs: number): void =>
  sendJson(res, failure.status, entraErrorBody(failure, nowMs))
