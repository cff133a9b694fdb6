/** `startEmulator()`: composes certificates, token service, DCRs, ingestion and control on one HTTPS server. */
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import {
  CA_CERT_FILE,
  type CertificateAuthority,
  createCertificateAuthority,
  issueServerCertificate,
  loadOrCreateCertificateAuthority,
} from './certs.ts'
import { CONTROL_PREFIX, handleControl } from './control.ts'
import { type DcrDefinition, type LoadedDcr, loadDcrs } from './dcr-loader.ts'
import { DEFAULT_DCR, DEFAULT_RULE_ID, DEFAULT_RULE_NAME } from './default-dcr.ts'
import { EmulatorError } from './errors.ts'
import { FaultInjector, type FaultPlan, type FaultRule, validateFaultPlan } from './faults.ts'
import { sendAzureError } from './http.ts'
import { handleIngestion, INGESTION_PATH } from './ingestion.ts'
import { createSigningKey } from './jwt.ts'
import { CA_DIR_ENV, type DcrInput, DEFAULTS, type EmulatorOptions } from './options.ts'
import type { Row } from './schema/convert.ts'
import type { TableSchema } from './schema/types.ts'
import { type DcrLogError, type RequestRecord, Store } from './store.ts'
import { BUILT_IN_TABLES, normaliseTableSchema } from './tables.ts'
import { Throttle, type ThrottleOptions } from './throttle.ts'
import { TokenService, WELL_KNOWN_RESOURCES } from './token-service.ts'

/** A DCR the emulator serves. */
export interface EmulatorRule {
  /** The DCR's immutable id (`dcr-…`), the `{ruleId}` of the ingestion URL. */
  ruleId: string
  name: string
  kind?: string
  /** Streams that accept ingestion calls. */
  streams: string[]
  /** Ingestion endpoint for this DCR (the emulator's). */
  endpoint: string
}

/** `CredentialConfig` of `@dcr-logs/core` for the emulator's app registration. */
export interface EmulatorCredentialConfig {
  type: 'clientSecret'
  tenantId: string
  clientId: string
  clientSecret: string
  authorityHost: string
  disableInstanceDiscovery: true
}

/** Everything a client needs to connect; JSON-safe (what the CLI prints with `--json`). */
export interface EmulatorInfo {
  endpoint: string
  authorityHost: string
  tenantId: string
  clientId: string
  clientSecret: string
  caCertificate: string
  caFile: string
  rules: EmulatorRule[]
  credentialConfig: EmulatorCredentialConfig
  env: Record<string, string>
  controlEndpoint: string
}

export interface WaitForRowsOptions {
  /** @defaultValue `DEFAULTS.waitTimeoutMs` */
  timeoutMs?: number
  signal?: AbortSignal
}

export interface Emulator extends Readonly<EmulatorInfo> {
  readonly port: number
  /** Stored rows of a table (a copy), values typed per the DCR: datetime → Date, int/long/real → number, … */
  rows<T = Row>(table: string): T[]
  /** How many rows a table received (also with `retainRows: false`). */
  count(table: string): number
  /** Row counts of every table. */
  counts(): Record<string, number>
  /** Resolves with the table's rows once it holds at least `count`; rejects with `EmulatorError('TIMEOUT')` and a summary. */
  waitForRows<T = Row>(table: string, count: number, options?: WaitForRowsOptions): Promise<T[]>
  /** Every ingestion request so far (bounded to the last 100,000). */
  requests(): RequestRecord[]
  /** What DCRLogErrors would hold. */
  dcrErrors(): DcrLogError[]
  /** Replaces the fault plan; `undefined` removes it. Throws `EmulatorError('INVALID_OPTIONS')` for a bad plan. */
  setFaults(plan: FaultPlan | FaultRule[] | undefined): void
  /**
   * Changes the per-DCR budgets while running (a budget cut mid-run); `false` turns throttling off. Windows in
   * progress keep their counts. Throws `EmulatorError('INVALID_OPTIONS')` for an invalid budget.
   */
  setThrottle(throttle: ThrottleOptions | false): void
  /** The active fault plan. */
  faults(): FaultPlan | undefined
  /** Mints an access token without the HTTP round trip (for curl, or tests of foreign and expired tokens). */
  createAccessToken(options?: {
    audience?: string
    lifetimeSeconds?: number
    tenantId?: string
    clientId?: string
  }): string
  /** Clears rows, logs, faults, throttle windows. DCRs, credentials and the CA stay. */
  reset(): void
  /** The connection details as JSON-safe data. */
  info(): EmulatorInfo
  /** Stops the server, drops open connections (hung requests too), removes temp files. Idempotent. */
  close(): Promise<void>
}

const toDefinition = async (input: DcrInput, index: number): Promise<DcrDefinition> => {
  if (typeof input === 'string') {
    let text: string
    try {
      text = await readFile(input, 'utf8')
    } catch (cause) {
      throw new EmulatorError(
        'INVALID_OPTIONS',
        `dcrs[${index}]: cannot read ${input} (${(cause as Error).message}).`,
        { cause },
      )
    }
    try {
      return { dcr: JSON.parse(text), source: input, name: basename(input).replace(/\.json$/i, '') }
    } catch (cause) {
      throw new EmulatorError(
        'INVALID_DCR',
        `dcrs[${index}]: ${input} is not valid JSON (${(cause as Error).message}).`,
        { cause },
      )
    }
  }
  if ('dcr' in input) {
    const def = input as DcrDefinition
    if (typeof def.dcr === 'string') {
      const loaded = await toDefinition(def.dcr, index)
      return { name: loaded.name!, ...def, dcr: loaded.dcr, source: def.source ?? loaded.source ?? `dcrs[${index}]` }
    }
    return { ...def, source: def.source ?? `dcrs[${index}]` }
  }
  return { dcr: input, source: `dcrs[${index}]` }
}

const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host)

const validateOptions = (o: EmulatorOptions): void => {
  const positive = (name: keyof EmulatorOptions): void => {
    const v = o[name]
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)) {
      throw new EmulatorError('INVALID_OPTIONS', `${name} must be a positive number (got ${String(v)}).`)
    }
  }
  positive('tokenLifetimeSeconds')
  positive('maxRequestBytes')
  positive('maxDecompressedBytes')
  positive('maxFieldBytes')
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65_535)) {
    throw new EmulatorError('INVALID_OPTIONS', `port must be an integer 0–65535 (got ${o.port}).`)
  }
  if (o.throttle !== undefined && o.throttle !== false) {
    for (const [k, v] of Object.entries(o.throttle)) {
      if (v !== undefined && (typeof v !== 'number' || !(v > 0))) {
        throw new EmulatorError('INVALID_OPTIONS', `throttle.${k} must be a positive number (got ${String(v)}).`)
      }
    }
  }
  if (o.dcrs !== undefined && (!Array.isArray(o.dcrs) || o.dcrs.length === 0)) {
    throw new EmulatorError('INVALID_OPTIONS', 'dcrs must be a non-empty array (leave it out for the default DCR).')
  }
}

/** Starts an emulator. Resolves once it listens. */
export const startEmulator = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  validateOptions(options)
  const now = options.now ?? Date.now
  const host = options.host ?? DEFAULTS.host

  // Tables first: built-in input streams and typed outputs need them while DCRs load.
  const tables = new Map<string, TableSchema>(BUILT_IN_TABLES.map((t) => [t.name, t]))
  for (const t of options.tables ?? []) tables.set(t.name, normaliseTableSchema(t, `tables['${t.name}']`))

  const definitions: DcrDefinition[] =
    options.dcrs === undefined
      ? [{ dcr: DEFAULT_DCR, immutableId: DEFAULT_RULE_ID, name: DEFAULT_RULE_NAME, source: 'default DCR' }]
      : await Promise.all(options.dcrs.map(toDefinition))
  const loadOptions = {
    tables,
    ...(options.parameters && { parameters: options.parameters }),
    maxFieldBytes: options.maxFieldBytes ?? DEFAULTS.maxFieldBytes,
  }
  const loaded: LoadedDcr[] = definitions.flatMap((d) => loadDcrs(d, loadOptions))
  const rulesById = new Map<string, LoadedDcr>()
  for (const dcr of loaded) {
    if (rulesById.has(dcr.ruleId)) {
      throw new EmulatorError(
        'INVALID_OPTIONS',
        `Two DCRs have the immutable id ${dcr.ruleId} (${rulesById.get(dcr.ruleId)!.source} and ${dcr.source}).`,
      )
    }
    rulesById.set(dcr.ruleId, dcr)
  }

  // TLS: a CA shared by the test run when one is configured, else a fresh one written to a temp dir.
  const caDir = options.caDir ?? process.env[CA_DIR_ENV]
  let ca: CertificateAuthority
  let tempDir: string | undefined
  if (caDir !== undefined && caDir !== '') ca = await loadOrCreateCertificateAuthority(caDir)
  else {
    const fresh = await createCertificateAuthority()
    tempDir = await mkdtemp(join(tmpdir(), 'dcr-logs-emulator-'))
    const file = join(tempDir, CA_CERT_FILE)
    await writeFile(file, `${fresh.certificate}\n`, { mode: 0o644 })
    ca = { ...fresh, certificateFile: file }
  }
  const serverCredentials = await issueServerCertificate(ca, now(), host === '0.0.0.0' || host === '::' ? [] : [host])

  const tenantId = options.tenantId ?? randomUUID()
  const clientId = options.clientId ?? randomUUID()
  const clientSecret = options.clientSecret ?? `emu~${randomBytes(24).toString('base64url')}`
  const audiences = options.audiences ?? [...DEFAULTS.audiences]
  const tokens = new TokenService({
    tenantId,
    clients: [{ clientId, clientSecret }, ...(options.clients ?? [])],
    knownResources: [...new Set([...WELL_KNOWN_RESOURCES, ...audiences])],
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? DEFAULTS.tokenLifetimeSeconds,
    key: await createSigningKey(),
    now,
  })
  const store = new Store(options.retainRows ?? DEFAULTS.retainRows)
  let throttle = options.throttle === false ? undefined : new Throttle(options.throttle ?? {})
  let plan: FaultPlan | undefined
  let injector: FaultInjector | undefined
  const setFaults = (p: FaultPlan | FaultRule[] | undefined): void => {
    plan = p === undefined ? undefined : validateFaultPlan(structuredClone(p))
    injector = plan === undefined ? undefined : new FaultInjector(plan)
  }
  if (options.faults !== undefined) setFaults(options.faults)

  let origin = ''
  let emulator: Emulator | undefined
  const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(done, ms)
      function done(): void {
        clearTimeout(t)
        signal.removeEventListener('abort', done)
        resolve()
      }
      signal.addEventListener('abort', done, { once: true })
    })

  const server: Server = createServer({
    key: serverCredentials.key,
    cert: serverCredentials.cert,
    keepAliveTimeout: 30_000,
  })
  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', origin)
    const handle = async (): Promise<void> => {
      const ingestion = INGESTION_PATH.exec(url.pathname)
      if (ingestion !== null) {
        return handleIngestion(req, res, url, ingestion, {
          rules: rulesById,
          tokens,
          audiences,
          throttle,
          faults: () => injector,
          store,
          limits: {
            maxRequestBytes: options.maxRequestBytes ?? DEFAULTS.maxRequestBytes,
            maxDecompressedBytes: options.maxDecompressedBytes ?? DEFAULTS.maxDecompressedBytes,
          },
          now,
          sleep,
          authorityUri: `${origin}/${tenantId}`,
          discardRecords: options.discardRecords ?? false,
        })
      }
      if (url.pathname.startsWith(CONTROL_PREFIX)) return handleControl(req, res, url, emulator!)
      if (tokens.handles(url.pathname)) return tokens.handle(req, res, url, origin)
      req.resume()
      sendAzureError(res, { status: 404, code: 'NotFound', message: `No resource at ${url.pathname}.` }, randomUUID())
    }
    handle().catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        sendAzureError(
          res,
          { status: 500, code: 'InternalServerError', message: `Emulator error: ${(e as Error).message}` },
          randomUUID(),
        )
      } else res.destroy()
    })
  })
  server.on('clientError', (_err, socket) => socket.destroy())

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) =>
      reject(
        new EmulatorError('INVALID_OPTIONS', `Cannot listen on ${host}:${options.port ?? 0} (${e.message}).`, {
          cause: e,
        }),
      ),
    )
    server.listen(options.port ?? DEFAULTS.port, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  origin = `https://${urlHost(host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host)}:${port}`

  const rules: EmulatorRule[] = loaded.map((d) => {
    const r: EmulatorRule = {
      ruleId: d.ruleId,
      name: d.name,
      streams: [...d.streams.values()].filter((s) => s.ingestible).map((s) => s.name),
      endpoint: origin,
    }
    if (d.kind !== undefined) r.kind = d.kind
    return r
  })
  const caFile = ca.certificateFile!
  const credentialConfig: EmulatorCredentialConfig = {
    type: 'clientSecret',
    tenantId,
    clientId,
    clientSecret,
    authorityHost: origin,
    disableInstanceDiscovery: true,
  }
  const env: Record<string, string> = {
    DCR_LOGS_ENDPOINT: origin,
    DCR_LOGS_RULE_ID: rules[0]!.ruleId,
    DCR_LOGS_STREAM_NAME: rules[0]!.streams[0] ?? '',
    AZURE_TENANT_ID: tenantId,
    AZURE_CLIENT_ID: clientId,
    AZURE_CLIENT_SECRET: clientSecret,
    AZURE_AUTHORITY_HOST: origin,
    NODE_EXTRA_CA_CERTS: caFile,
  }
  const info = (): EmulatorInfo => ({
    endpoint: origin,
    authorityHost: origin,
    tenantId,
    clientId,
    clientSecret,
    caCertificate: ca.certificate,
    caFile,
    rules: rules.map((r) => ({ ...r, streams: [...r.streams] })),
    credentialConfig: { ...credentialConfig },
    env: { ...env },
    controlEndpoint: `${origin}${CONTROL_PREFIX}`,
  })

  let closing: Promise<void> | undefined
  emulator = {
    ...info(),
    port,
    rows: <T>(table: string) => store.rows(table) as T[],
    count: (table) => store.count(table),
    counts: () => store.counts(),
    async waitForRows<T>(table: string, count: number, opts: WaitForRowsOptions = {}): Promise<T[]> {
      if (closing !== undefined) throw new EmulatorError('CLOSED', 'waitForRows() after close().')
      await store.waitFor(table, count, opts.timeoutMs ?? DEFAULTS.waitTimeoutMs, opts.signal)
      return store.rows(table) as T[]
    },
    requests: () => store.requests(),
    dcrErrors: () => store.errors(),
    setFaults,
    setThrottle(budget) {
      validateOptions({ throttle: budget })
      if (budget === false) throttle = undefined
      else if (throttle === undefined) throttle = new Throttle(budget)
      else throttle.configure(budget)
    },
    faults: () => (plan === undefined ? undefined : structuredClone(plan)),
    createAccessToken: (o = {}) => tokens.mintToken(o),
    reset() {
      store.reset()
      throttle?.reset()
      setFaults(undefined)
    },
    info,
    close() {
      closing ??= (async () => {
        store.cancelWaits('the emulator was closed')
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
        if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true })
      })()
      return closing
    },
  }
  return emulator
}
