/**
 * `fetchStreamDeclaration()`: reads a DCR from Azure Resource Manager with the credential the client uses and returns
 * what the client needs to send to it and check records against it: the DCR's ingestion endpoint, immutable id,
 * stream name and stream declaration. Awaited once before the client is created: `push()` is synchronous, so the
 * declaration must be known before the first record.
 */
import { credentialFromConfig } from '../auth/credential-config.js'
import { validateCredential } from '../credential-options.js'
import type { StreamDeclaration } from '../dcr/dcr-types.js'
import { resolveStreamDeclaration } from '../dcr/declaration.js'
import { readDcr } from '../dcr/read-dcr.js'
import { LogsIngestionError, type LogsIngestionErrorCode, messageOf } from '../errors.js'
import { httpsGet } from '../http/https-get.js'
import { invalid } from '../option-values.js'
import type { AzureCloud, CredentialConfig, TokenCredential } from '../types.js'

/** Azure Resource Manager per cloud (its URL is also its token audience). */
export const RESOURCE_MANAGER_ENDPOINTS: Readonly<Record<AzureCloud, string>> = Object.freeze({
  public: 'https://management.azure.com',
  usgov: 'https://management.usgovcloudapi.net',
  china: 'https://management.chinacloudapi.cn',
})

/** The first DCR api-version that returns `endpoints.logsIngestion`. */
export const DCR_API_VERSION = '2023-03-11'

export interface FetchStreamDeclarationOptions {
  /** `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Insights/dataCollectionRules/<name>` (the DCR's "Resource ID"). */
  dcrResourceId: string
  /** Any `TokenCredential`, or a credential config as the client takes. It needs read access to the DCR (e.g. Monitoring Reader). */
  credential: TokenCredential | CredentialConfig
  /** The stream to read; needed only when the DCR declares several. */
  streamName?: string
  /** @defaultValue `'public'` */
  cloud?: AzureCloud
  /** Resource Manager URL. @defaultValue `RESOURCE_MANAGER_ENDPOINTS[cloud]` */
  resourceManagerEndpoint?: string
  /** Token audience of Resource Manager. @defaultValue `RESOURCE_MANAGER_ENDPOINTS[cloud]` */
  resourceManagerAudience?: string
  /** Extra trusted CA certificate(s) in PEM. */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>
  /** An http(s) proxy URL for CONNECT tunnelling. */
  proxy?: string
  /** @defaultValue `30_000` */
  timeoutMs?: number
  signal?: AbortSignal
}

/** Client options for the DCR: spread them into `createLogsIngestionClient()` (or an adapter's options). */
export interface FetchedStreamDeclaration {
  /** `properties.endpoints.logsIngestion`; absent for a DCR that is not of kind Direct (use its DCE's endpoint). */
  endpoint?: string
  ruleId: string
  streamName: string
  streamDeclaration: { columns: StreamDeclaration['columns'] }
}

const RESOURCE_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Insights\/dataCollectionRules\/[^/]+$/i

const ADVICE: Partial<Record<number, [LogsIngestionErrorCode, string]>> = {
  401: ['UNAUTHORIZED', 'The token was refused: check the tenant, and that the audience is Resource Manager.'],
  403: [
    'FORBIDDEN',
    'Reading a DCR needs Microsoft.Insights/dataCollectionRules/read, e.g. the Monitoring Reader role on the DCR or its resource group (Monitoring Metrics Publisher only allows sending).',
  ],
  404: ['NOT_FOUND', 'Check dcrResourceId (the DCR\'s "Resource ID" on its JSON view) and the subscription.'],
}

const failure = (
  code: LogsIngestionErrorCode,
  message: string,
  info: ConstructorParameters<typeof LogsIngestionError>[2] = {},
) => new LogsIngestionError(code, `fetchStreamDeclaration(): ${message}`, info)

const errorOf = (body: string): { code?: string; message?: string } => {
  try {
    const e = (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }).error
    return {
      ...(typeof e?.code === 'string' ? { code: e.code } : {}),
      ...(typeof e?.message === 'string' ? { message: e.message } : {}),
    }
  } catch {
    return {}
  }
}

/**
 * Reads the DCR and picks its stream. Rejects with a `LogsIngestionError`: `INVALID_OPTIONS` for bad options or a
 * stream the DCR does not declare, `AUTH_FAILED` when no token could be had, `UNAUTHORIZED` / `FORBIDDEN` /
 * `NOT_FOUND` / `THROTTLED` / `SERVER_ERROR` / `HTTP_ERROR` for Resource Manager's answers, `NETWORK_ERROR`.
 *
 * @example
 * const dcr = await fetchStreamDeclaration({ dcrResourceId, credential, streamName: 'Custom-AppLogs' })
 * const client = createLogsIngestionClient({ ...dcr, credential })
 */
export const fetchStreamDeclaration = async (
  options: FetchStreamDeclarationOptions,
): Promise<FetchedStreamDeclaration> => {
  if (options === null || typeof options !== 'object') throw invalid('options', options, 'an options object')
  const id = typeof options.dcrResourceId === 'string' ? options.dcrResourceId.trim().replace(/\/+$/, '') : ''
  if (!RESOURCE_ID.test(id)) {
    throw invalid(
      'dcrResourceId',
      options.dcrResourceId,
      'a DCR resource id, "/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Insights/dataCollectionRules/<name>"',
    )
  }
  const cloud = options.cloud ?? 'public'
  if (!(cloud in RESOURCE_MANAGER_ENDPOINTS)) throw invalid('cloud', cloud, '"public", "usgov" or "china"')
  const base = (options.resourceManagerEndpoint ?? RESOURCE_MANAGER_ENDPOINTS[cloud]).replace(/\/+$/, '')
  const audience = (options.resourceManagerAudience ?? RESOURCE_MANAGER_ENDPOINTS[cloud]).replace(/\/+$/, '')
  let url: URL
  let proxy: URL | undefined
  try {
    url = new URL(`${base}${id}?api-version=${DCR_API_VERSION}`)
    proxy = options.proxy === undefined ? undefined : new URL(options.proxy)
  } catch {
    throw invalid(
      options.proxy !== undefined ? 'proxy' : 'resourceManagerEndpoint',
      options.proxy ?? base,
      'an https URL',
    )
  }
  if (url.protocol !== 'https:') throw invalid('resourceManagerEndpoint', base, 'an https URL')
  const given = validateCredential(options.credential)
  const credential =
    typeof (given as TokenCredential).getToken === 'function'
      ? (given as TokenCredential)
      : credentialFromConfig(given as CredentialConfig)

  let token: string
  try {
    const t = await credential.getToken(`${audience}/.default`, options.signal ? { abortSignal: options.signal } : {})
    if (t === null) throw new Error('the credential returned no token')
    token = t.token
  } catch (error) {
    if (error instanceof LogsIngestionError) throw error
    throw failure('AUTH_FAILED', `no token for ${audience}: ${messageOf(error)}`, { cause: error })
  }
  const ca =
    options.ca === undefined ? undefined : Array.isArray(options.ca) ? options.ca : [options.ca as string | Buffer]
  const outcome = await httpsGet(url, {
    headers: { authorization: `Bearer ${token}` },
    ca,
    proxy,
    timeoutMs: options.timeoutMs ?? 30_000,
    signal: options.signal,
  })
  if (outcome.kind === 'network') {
    throw failure('NETWORK_ERROR', `GET ${url.origin}${id} failed: ${outcome.message}`, { retriable: true })
  }
  if (outcome.status !== 200) {
    const { code: errorCode, message } = errorOf(outcome.body)
    const [code, advice] =
      ADVICE[outcome.status] ??
      (outcome.status === 429
        ? ['THROTTLED', 'Try again later.']
        : outcome.status >= 500
          ? ['SERVER_ERROR', 'Try again later.']
          : ['HTTP_ERROR', ''])
    throw failure(
      code,
      `GET ${id} answered ${outcome.status}${errorCode ? ` ${errorCode}` : ''}${message ? `: ${message}` : ''}. ${advice}`.trim(),
      { status: outcome.status, errorCode, retriable: outcome.status === 429 || outcome.status >= 500 },
    )
  }
  let body: unknown
  try {
    body = JSON.parse(outcome.body)
  } catch (error) {
    throw failure('HTTP_ERROR', `GET ${id} answered 200 with a body that is not JSON`, { status: 200, cause: error })
  }
  const read = readDcr(body)
  const summary = read.ok ? read.dcrs[0] : undefined
  const declared = resolveStreamDeclaration(
    body,
    options.streamName === undefined ? {} : { streamName: options.streamName },
  )
  if (summary === undefined || !declared.ok) {
    throw failure('INVALID_OPTIONS', `${id}: ${declared.ok ? 'not a DCR' : declared.message}`)
  }
  if (summary.immutableId === undefined) throw failure('HTTP_ERROR', `${id}: the answer has no properties.immutableId`)
  const result: FetchedStreamDeclaration = {
    ruleId: summary.immutableId,
    streamName: declared.declaration.streamName,
    streamDeclaration: { columns: declared.declaration.columns },
  }
  if (summary.logsIngestionEndpoint !== undefined) result.endpoint = summary.logsIngestionEndpoint
  return result
}
