/**
 * Azure Resource Manager's read of a data collection rule, `GET /subscriptions/{s}/resourceGroups/{rg}/providers/
 * Microsoft.Insights/dataCollectionRules/{name}?api-version=…`, for the DCRs the emulator serves: what a client
 * that reads its stream declaration from Azure (`fetchStreamDeclaration()` of `@dcr-logs/core`) talks to. A token
 * for `https://management.azure.com` is required; role assignments are not emulated (every caller may read).
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { LoadedDcr } from './dcr-loader.ts'
import { sendJson } from './http.ts'
import type { TokenService } from './token-service.ts'

export const ARM_DCR_PATH =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Insights\/dataCollectionRules\/([^/]+)\/?$/i

/** The DCR api-versions ARM knows; `endpoints` (and so `logsIngestion`) is returned from 2023-03-11 on. */
export const ARM_DCR_API_VERSIONS: readonly string[] = [
  '2021-04-01',
  '2021-09-01-preview',
  '2022-06-01',
  '2023-03-11',
  '2024-03-11',
]
const ENDPOINTS_SINCE = '2023-03-11'

/** The audience of ARM tokens. */
export const ARM_AUDIENCE = 'https://management.azure.com'

export interface ArmContext {
  rules: Iterable<LoadedDcr>
  tokens: TokenService
  /** The emulator's origin: each Direct DCR's `endpoints.logsIngestion`. */
  origin: string
  authorityUri: string
}

const armError = (res: ServerResponse, status: number, code: string, message: string, headers = {}): void =>
  sendJson(res, status, { error: { code, message } }, { 'x-ms-request-id': randomUUID(), ...headers })

/** Answers one ARM DCR read. `match` is `ARM_DCR_PATH` applied to the path. */
export const handleArmDcr = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  match: RegExpExecArray,
  ctx: ArmContext,
): void => {
  req.resume()
  const [, subscription, resourceGroup, name] = match.map((m) => decodeURIComponent(m)) as [
    string,
    string,
    string,
    string,
  ]
  if (req.method !== 'GET') {
    armError(res, 405, 'MethodNotAllowed', `The emulator only reads data collection rules (got ${req.method}).`)
    return
  }
  const apiVersion = url.searchParams.get('api-version')
  if (apiVersion === null || !ARM_DCR_API_VERSIONS.includes(apiVersion)) {
    armError(
      res,
      400,
      apiVersion === null ? 'MissingApiVersionParameter' : 'NoRegisteredProviderFound',
      `The api-version '${apiVersion ?? ''}' is not one of the supported versions of Microsoft.Insights/dataCollectionRules: '${ARM_DCR_API_VERSIONS.join(', ')}'.`,
    )
    return
  }
  const auth = ctx.tokens.checkBearer(req.headers.authorization, [ARM_AUDIENCE])
  if (!auth.ok) {
    const headers =
      auth.status === 401
        ? { 'www-authenticate': `Bearer authorization_uri="${ctx.authorityUri}", error="invalid_token"` }
        : {}
    armError(res, 401, auth.code, auth.message, headers)
    return
  }
  const id = `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/Microsoft.Insights/dataCollectionRules/${name}`
  const dcr = [...ctx.rules].find((r) => r.name.toLowerCase() === name.toLowerCase())
  if (dcr === undefined) {
    armError(
      res,
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.Insights/dataCollectionRules/${name}' under resource group '${resourceGroup}' was not found.`,
    )
    return
  }
  const properties: Record<string, unknown> = { ...dcr.properties, immutableId: dcr.ruleId }
  if (dcr.kind === 'Direct' && apiVersion >= ENDPOINTS_SINCE) properties['endpoints'] = { logsIngestion: ctx.origin }
  properties['provisioningState'] = 'Succeeded'
  const body: Record<string, unknown> = {
    id,
    name: dcr.name,
    type: 'Microsoft.Insights/dataCollectionRules',
    location: dcr.location ?? 'local',
  }
  if (dcr.kind !== undefined) body['kind'] = dcr.kind
  body['properties'] = properties
  sendJson(res, 200, body, { 'x-ms-request-id': randomUUID() })
}
