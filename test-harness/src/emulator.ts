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
import { DASHBOARD_PATH, Dashboard } from './dashboard/dashboard-api.ts'
import { type DcrDefinition, type LoadedDcr, type LoadedFlow, loadDcrs } from './dcr-loader.ts'
import { DEFAULT_DCR, DEFAULT_RULE_ID, DEFAULT_RULE_NAME } from './default-dcr.ts'
import type {
  Emulator,
  EmulatorCredentialConfig,
  EmulatorInfo,
  EmulatorRule,
  WaitForRowsOptions,
  WorkspaceSelector,
} from './emulator-api.ts'
import { EmulatorError } from './errors.ts'
import { FaultInjector, type FaultPlan, type FaultRule, validateFaultPlan } from './faults.ts'
import { sendAzureError } from './http.ts'
import { handleIngestion, INGESTION_PATH } from './ingestion.ts'
import { createSigningKey } from './jwt.ts'
import type { TypedColumn } from './kql/types.ts'
import { CA_DIR_ENV, type DcrInput, DEFAULTS, type EmulatorOptions } from './options.ts'
import { handleQueryApi, QUERY_API_PREFIX } from './query/query-api.ts'
import { queryWorkspaces } from './query/workspace-query.ts'
import type { TableSchema } from './schema/types.ts'
import { Store } from './store.ts'
import { BUILT_IN_TABLES, normaliseTableSchema } from './tables.ts'
import { Throttle } from './throttle.ts'
import { TokenService, WELL_KNOWN_RESOURCES } from './token-service.ts'
import { flowColumns, WorkspaceDirectory } from './workspaces.ts'

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
  const workspaces = new WorkspaceDirectory(loaded)
  const columnsByFlow = new Map<LoadedFlow, TypedColumn[] | undefined>()
  for (const dcr of loaded)
    for (const s of dcr.streams.values()) for (const f of s.flows) columnsByFlow.set(f, flowColumns(f))

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
  const throttle = options.throttle === false ? undefined : new Throttle(options.throttle ?? {})
  let plan: FaultPlan | undefined
  let injector: FaultInjector | undefined
  let dashboard: Dashboard | undefined
  const setFaults = (p: FaultPlan | FaultRule[] | undefined): void => {
    plan = p === undefined ? undefined : validateFaultPlan(structuredClone(p))
    injector = plan === undefined ? undefined : new FaultInjector(plan)
    dashboard?.faultsChanged(plan)
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
          workspaces,
          columnsOf: (flow) => columnsByFlow.get(flow),
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
      if (url.pathname.startsWith(QUERY_API_PREFIX)) {
        return handleQueryApi(req, res, url, { store, workspaces, tokens, now, authorityUri: `${origin}/${tenantId}` })
      }
      if (url.pathname.startsWith(CONTROL_PREFIX)) {
        return handleControl(req, res, url, emulator!, { dashboard: (...a) => dashboard!.handle(...a) })
      }
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
      workspaceIds: [...new Set([...d.streams.values()].flatMap((s) => s.flows.flatMap((f) => workspaces.idsOf(f))))],
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
    queryEndpoint: `${origin}${QUERY_API_PREFIX.slice(0, -1)}`,
    workspaceId: workspaces.list()[0]?.workspaceId ?? '',
    workspaces: workspaces.list(),
    dashboardUrl: `${origin}${DASHBOARD_PATH}/`,
  })
  /** The workspace a selector names (every workspace when it names none); an unknown one is an error. */
  const selected = (options: WorkspaceSelector = {}): WorkspaceSelector => {
    if (options.workspaceId === undefined) return {}
    const ws = workspaces.find(options.workspaceId)
    if (ws === undefined) {
      throw new EmulatorError(
        'INVALID_OPTIONS',
        `Unknown workspaceId '${options.workspaceId}'; the emulator's workspaces are ${
          workspaces
            .list()
            .map((w) => w.workspaceId)
            .join(', ') || 'none'
        }.`,
      )
    }
    return { workspaceId: ws.workspaceId }
  }
  dashboard = new Dashboard({
    store,
    throttle,
    faults: () => plan,
    workspaces: () => workspaces.list(),
    endpoints: () => {
      const i = info()
      return {
        endpoint: i.endpoint,
        queryEndpoint: i.queryEndpoint,
        controlEndpoint: i.controlEndpoint,
        rules: i.rules,
      }
    },
    now,
  })

  let closing: Promise<void> | undefined
  emulator = {
    ...info(),
    port,
    rows: <T>(table: string, o?: WorkspaceSelector) => store.rows(table, selected(o).workspaceId) as T[],
    count: (table, o) => store.count(table, selected(o).workspaceId),
    counts: (o) => store.counts(selected(o).workspaceId),
    async waitForRows<T>(table: string, count: number, opts: WaitForRowsOptions = {}): Promise<T[]> {
      if (closing !== undefined) throw new EmulatorError('CLOSED', 'waitForRows() after close().')
      const { workspaceId } = selected(opts)
      await store.waitFor(table, count, opts.timeoutMs ?? DEFAULTS.waitTimeoutMs, opts.signal, workspaceId)
      return store.rows(table, workspaceId) as T[]
    },
    query(kql, { workspaceId, ...o } = {}) {
      const id = workspaceId === undefined ? info().workspaceId : selected({ workspaceId }).workspaceId!
      if (id === '') throw new EmulatorError('INVALID_OPTIONS', 'No DCR has a Log Analytics destination to query.')
      return queryWorkspaces(store, id, kql, new Date(now()), {
        ...o,
        ...(o.additionalWorkspaces && {
          additionalWorkspaces: o.additionalWorkspaces.map((w) => selected({ workspaceId: w }).workspaceId!),
        }),
      })
    },
    requests: () => store.requests(),
    dcrErrors: () => store.errors(),
    setFaults,
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
        dashboard?.close()
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
