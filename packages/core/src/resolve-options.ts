/**
 * Merges user options, environment variables and `DEFAULTS` (options.ts) into `ResolvedOptions`. The only module
 * that reads the environment: `resolveOptions(user, env)` is given `process.env` by the client.
 */
import { credentialFromEnv, validateCredential } from './credential-options.js'
import { cloudForEndpoint, invalid, isLoopbackHost, isNoProxy, parseBool, Redacted, show } from './option-values.js'
import {
  AUDIENCES,
  DEFAULTS,
  type Env,
  envVarFor,
  type LogsIngestionClientOptions,
  NUMERIC_OPTIONS,
  type NumericOption,
  type ResolvedOptions,
} from './options.js'
import { TABLE_PRESETS } from './presets/index.js'
import { validateRoutes } from './routing/route-options.js'
import { resolveShaping } from './shaping/shaping-options.js'
import { resolveSpool } from './spool/spool-options.js'
import type { AzureCloud } from './types.js'

const pick = <K extends keyof LogsIngestionClientOptions>(user: LogsIngestionClientOptions, env: Env, key: K) =>
  user[key] !== undefined
    ? { value: user[key] as unknown, from: 'option' }
    : { value: env[envVarFor(key)], from: 'env' }

/**
 * Merges user options, environment variables and `DEFAULTS`, validates them and computes derived values
 * (scope, proxy). Throws `LogsIngestionError` `INVALID_OPTIONS` naming the option, the value (secrets
 * redacted) and what a valid one looks like.
 */
export const resolveOptions = (user: LogsIngestionClientOptions = {}, env: Env = {}): ResolvedOptions => {
  if (user === null || typeof user !== 'object') throw invalid('options', user, 'an options object')
  const warnings: string[] = []

  const bool = (key: 'allowInsecureHttp' | 'disableInstanceDiscovery' | 'strictOptions'): boolean | undefined => {
    const { value } = pick(user, env, key)
    if (value === undefined || value === '') return undefined
    if (typeof value === 'boolean') return value
    if (typeof value === 'string') return parseBool(key, value)
    throw invalid(key, value, 'true or false')
  }
  const allowInsecureHttp = bool('allowInsecureHttp') ?? DEFAULTS.allowInsecureHttp
  const strictOptions = bool('strictOptions') ?? DEFAULTS.strictOptions

  // endpoint
  const endpointRaw = pick(user, env, 'endpoint').value
  const endpointHelp =
    'the https URL of the DCR logsIngestion endpoint or of a DCE, e.g. "https://my-dcr-a1b2.eastus-1.ingest.monitor.azure.com" (option "endpoint" or env DCR_LOGS_ENDPOINT)'
  if (typeof endpointRaw !== 'string' || endpointRaw.trim() === '') throw invalid('endpoint', endpointRaw, endpointHelp)
  // a pasted URL may carry user:password or a signed query string
  const shownEndpoint = endpointRaw.replace(/\/\/[^@/?#]*@/, '//<redacted>@').replace(/\?.*$/s, '?<redacted>')
  let endpoint: URL
  try {
    endpoint = new URL(endpointRaw.trim())
  } catch {
    throw invalid('endpoint', shownEndpoint, endpointHelp)
  }
  if (endpoint.protocol === 'http:') {
    if (!allowInsecureHttp || !isLoopbackHost(endpoint.hostname)) {
      throw invalid(
        'endpoint',
        shownEndpoint,
        `${endpointHelp}; plain http is only allowed with allowInsecureHttp: true and a loopback host`,
      )
    }
  } else if (endpoint.protocol !== 'https:') {
    throw invalid('endpoint', shownEndpoint, endpointHelp)
  }
  if (endpoint.search !== '' || endpoint.hash !== '' || endpoint.username !== '' || endpoint.password !== '') {
    throw invalid('endpoint', shownEndpoint, `${endpointHelp}, without query, fragment or credentials`)
  }
  endpoint.pathname = endpoint.pathname.replace(/\/+$/, '')

  // ruleId
  const ruleId = pick(user, env, 'ruleId').value
  if (typeof ruleId !== 'string' || ruleId.trim() === '' || /[\s/?#]/.test(ruleId.trim())) {
    throw invalid(
      'ruleId',
      ruleId,
      'the DCR immutable id, "dcr-" + 32 hex characters, e.g. "dcr-00000000000000000000000000000000" (option "ruleId" or env DCR_LOGS_RULE_ID)',
    )
  }
  if (!/^dcr-[0-9a-f]{32}$/i.test(ruleId.trim())) {
    warnings.push(
      `ruleId ${show(ruleId)} is not shaped like "dcr-" + 32 hex characters; using it anyway (the format is not formally specified)`,
    )
  }

  // preset, stream declaration and conform (before streamName: a preset implies its stream)
  const shaping = resolveShaping((key) => pick(user, env, key), user.presetOptions, DEFAULTS.conform)
  const routes = validateRoutes(user.routes)

  // streamName
  const streamName =
    pick(user, env, 'streamName').value ??
    (shaping.preset === undefined ? DEFAULTS.streamName : TABLE_PRESETS[shaping.preset].streamName)
  if (typeof streamName !== 'string' || !/^(Custom|Microsoft)-[A-Za-z0-9_-]+$/.test(streamName)) {
    throw invalid(
      'streamName',
      streamName,
      'a DCR input stream name starting with "Custom-" or "Microsoft-", e.g. "Custom-AppLogs"',
    )
  }

  // audience and scope
  const cloudRaw = pick(user, env, 'cloud').value
  if (cloudRaw !== undefined && cloudRaw !== '' && !(typeof cloudRaw === 'string' && cloudRaw in AUDIENCES)) {
    throw invalid('cloud', cloudRaw, '"public", "usgov" or "china"')
  }
  const cloud = (cloudRaw || cloudForEndpoint(endpoint.hostname)) as AzureCloud
  const audienceRaw = pick(user, env, 'audience').value
  if (
    audienceRaw !== undefined &&
    audienceRaw !== '' &&
    (typeof audienceRaw !== 'string' || !/^https:\/\/[^/]+\/?$/.test(audienceRaw))
  ) {
    throw invalid(
      'audience',
      audienceRaw,
      'an https origin such as "https://monitor.azure.us" (without "/.default"; use "scope" for a full scope)',
    )
  }
  const audience = ((audienceRaw as string | undefined) || AUDIENCES[cloud]).replace(/\/$/, '')
  const scopeRaw = pick(user, env, 'scope').value
  if (scopeRaw !== undefined && scopeRaw !== '' && (typeof scopeRaw !== 'string' || !scopeRaw.endsWith('/.default'))) {
    throw invalid('scope', scopeRaw, 'a scope ending in "/.default", e.g. "https://monitor.azure.com/.default"')
  }
  const scope = (scopeRaw as string | undefined) || `${audience}/.default`

  // credential
  const credential = user.credential !== undefined ? validateCredential(user.credential) : credentialFromEnv(env)
  const disableInstanceDiscovery = bool('disableInstanceDiscovery')

  // numbers
  const numbers = {} as Record<NumericOption, number>
  for (const [key, min, max] of NUMERIC_OPTIONS) {
    const { value, from } = pick(user, env, key)
    const n =
      value === undefined || value === ''
        ? DEFAULTS[key]
        : typeof value === 'string' && from === 'env'
          ? Number(value)
          : value
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      const name = from === 'env' ? `${key}" (env ${envVarFor(key)}` : key
      throw invalid(from === 'env' ? `${name})` : name, value, `an integer from ${min} to ${max}`)
    }
    numbers[key] = n
  }
  const overflow = pick(user, env, 'overflow').value ?? DEFAULTS.overflow
  if (overflow !== 'drop-oldest' && overflow !== 'drop-newest' && overflow !== 'wait') {
    throw invalid('overflow', overflow, '"drop-oldest", "drop-newest" or "wait"')
  }
  const compression = pick(user, env, 'compression').value ?? DEFAULTS.compression
  if (compression !== 'gzip' && compression !== 'none') throw invalid('compression', compression, '"gzip" or "none"')
  const truncationMarker = pick(user, env, 'truncationMarker').value ?? DEFAULTS.truncationMarker
  if (typeof truncationMarker !== 'string' || Buffer.byteLength(truncationMarker) > numbers.maxFieldBytes / 2) {
    throw invalid('truncationMarker', truncationMarker, 'a string shorter than half of maxFieldBytes')
  }
  const userAgentSuffix = pick(user, env, 'userAgentSuffix').value
  if (userAgentSuffix !== undefined && (typeof userAgentSuffix !== 'string' || /[\r\n]/.test(userAgentSuffix))) {
    throw invalid('userAgentSuffix', userAgentSuffix, 'a single-line string such as "my-app/1.2"')
  }
  if (user.onDrop !== undefined && typeof user.onDrop !== 'function')
    throw invalid('onDrop', user.onDrop, 'a function (event) => void')

  // ca
  let ca: ReadonlyArray<string | Buffer> | undefined
  if (user.ca !== undefined) {
    const list = Array.isArray(user.ca) ? user.ca : [user.ca]
    for (const c of list) {
      if (!(typeof c === 'string' || Buffer.isBuffer(c)) || !String(c).includes('-----BEGIN CERTIFICATE-----')) {
        throw invalid(
          'ca',
          typeof c !== 'string'
            ? c
            : c.includes('PRIVATE KEY')
              ? new Redacted('a private key, not shown')
              : `${c.slice(0, 40)}…`,
          'PEM certificate text (-----BEGIN CERTIFICATE-----), or an array of them',
        )
      }
    }
    ca = list as ReadonlyArray<string | Buffer>
  }

  // proxy
  let proxy: URL | undefined
  const proxyRaw =
    user.proxy !== undefined ? user.proxy : env.DCR_LOGS_PROXY || env.HTTPS_PROXY || env.https_proxy || undefined
  if (proxyRaw !== undefined && proxyRaw !== false && proxyRaw !== '') {
    const help = 'an http(s) proxy URL such as "http://proxy.internal:3128", or false'
    if (typeof proxyRaw !== 'string') throw invalid('proxy', proxyRaw, help)
    // proxy URLs may carry user:password
    const shown = proxyRaw.replace(/\/\/[^@/]*@/, '//<redacted>@')
    try {
      proxy = new URL(proxyRaw.includes('://') ? proxyRaw : `http://${proxyRaw}`)
    } catch {
      throw invalid('proxy', shown, help)
    }
    if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') throw invalid('proxy', shown, help)
    // an explicit option is used as given; environment proxies honour NO_PROXY
    if (user.proxy === undefined && isNoProxy(endpoint, env.NO_PROXY ?? env.no_proxy)) proxy = undefined
  }

  return {
    endpoint,
    spool: resolveSpool(user.spool, env),
    ruleId: ruleId.trim(),
    streamName,
    credential,
    scope,
    audience,
    cloud,
    disableInstanceDiscovery,
    ca,
    extraCaFile: env.NODE_EXTRA_CA_CERTS || undefined,
    proxy,
    allowInsecureHttp,
    strictOptions,
    ...numbers,
    overflow,
    compression,
    truncationMarker,
    onDrop: user.onDrop,
    userAgentSuffix: userAgentSuffix as string | undefined,
    ...shaping,
    routes,
    warnings,
  }
}
