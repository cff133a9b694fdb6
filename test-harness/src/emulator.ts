/** `startEmulator()`: composes certificates, token service, DCRs, ingestion and control on one HTTPS server. */
import { randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ARM_DCR_PATH, handleArmDcr } from './arm.ts'
import { CA_CERT_FILE, loadOrCreateCertificateAuthority } from './ca-store.ts'
import { type CertificateAuthority, createCertificateAuthority, LOOPBACK_NAMES } from './certs.ts'
import { CONTROL_PREFIX, handleControl } from './control.ts'
import { DASHBOARD_PATH, Dashboard } from './dashboard/dashboard-api.ts'
import { loadRules } from './dcr-input.ts'
import type { LoadedFlow } from './dcr-loader.ts'
import type { Emulator, EmulatorRule, WaitForRowsOptions, WorkspaceSelector } from './emulator-api.ts'
import { buildInfo } from './emulator-info.ts'
import { EmulatorError } from './errors.ts'
import { FaultInjector, type FaultPlan, type FaultRule, validateFaultPlan } from './faults.ts'
import { writeAtomically } from './files.ts'
import { sendAzureError } from './http.ts'
import { handleIngestion, INGESTION_PATH } from './ingestion.ts'
import type { TypedColumn } from './kql/types.ts'
import { APP_SERVICE_IDENTITY_PATH, completeManagedIdentity, ManagedIdentityEndpoint } from './managed-identity.ts'
import { addressing, controlRefusal, requestOrigin, urlHost } from './network.ts'
import { CA_DIR_ENV, DEFAULTS, type EmulatorOptions } from './options.ts'
import { StatePersistence } from './persistence.ts'
import { handleQueryApi, QUERY_API_PREFIX } from './query/query-api.ts'
import { queryWorkspaces } from './query/workspace-query.ts'
import { registerClient, TOKEN_EXCHANGE_AUDIENCE } from './registrations.ts'
import type { TableSchema } from './schema/types.ts'
import { ServerCertificate } from './server-tls.ts'
import { Store } from './store.ts'
import { BUILT_IN_TABLES, normaliseTableSchema, tableInputName } from './tables.ts'
import { createTenant, loadOrCreateTenant } from './tenant.ts'
import { Throttle } from './throttle.ts'
import { TokenService, WELL_KNOWN_RESOURCES } from './token-service.ts'
import { validateOptions } from './validate-options.ts'
import { flowColumns, WorkspaceDirectory } from './workspaces.ts'

/** `iss` of the federated tokens the emulator issues; register it in `federatedCredentials` to trust them. */
export const EMULATOR_FEDERATION_ISSUER = 'https://federation.dcr-logs-emulator.invalid/'
/** `sub` of the federated token in `workloadIdentity.tokenFile`, trusted by the emulator's app registration. */
export const DEFAULT_FEDERATED_SUBJECT = 'system:serviceaccount:default:dcr-logs'
const SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000000'
/** The federated token file is rewritten this often; each token lasts a day. */
const FEDERATED_TOKEN_REFRESH_MS = 3_600_000

/**
 * The CA: the `caDir` option, else the test run's (`DCR_LOGS_EMULATOR_CA_DIR`, which the process already trusts),
 * else the data dir's, else a fresh one.
 */
const certificateAuthority = async (options: EmulatorOptions, filesDir: string): Promise<CertificateAuthority> => {
  const fromEnv = process.env[CA_DIR_ENV] === '' ? undefined : process.env[CA_DIR_ENV]
  const dir = options.caDir ?? fromEnv ?? options.dataDir
  if (dir !== undefined) return loadOrCreateCertificateAuthority(dir)
  const fresh = await createCertificateAuthority()
  const file = join(filesDir, CA_CERT_FILE)
  await writeFile(file, `${fresh.certificate}\n`, { mode: 0o644 })
  return { ...fresh, certificateFile: file }
}

/** Starts an emulator. Resolves once it listens. */
export const startEmulator = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  validateOptions(options)
  const now = options.now ?? Date.now
  const host = options.host ?? DEFAULTS.host

  // Tables first: built-in input streams and typed outputs need them while DCRs load.
  const tables = new Map<string, TableSchema>(BUILT_IN_TABLES.map((t) => [t.name, t]))
  for (const t of options.tables ?? []) {
    const table = normaliseTableSchema(t, `tables['${tableInputName(t)}']`)
    tables.set(table.name, table)
  }
  const userClients = (options.clients ?? []).map((c, i) =>
    registerClient(c, `clients[${i}]`, EMULATOR_FEDERATION_ISSUER),
  )
  const { loaded, byId: rulesById } = await loadRules(options.dcrs, {
    tables,
    ...(options.parameters && { parameters: options.parameters }),
    ...(options.variables && { variables: options.variables }),
    maxFieldBytes: options.maxFieldBytes ?? DEFAULTS.maxFieldBytes,
  })
  const workspaces = new WorkspaceDirectory(loaded)
  const columnsByFlow = new Map<LoadedFlow, TypedColumn[] | undefined>()
  for (const dcr of loaded)
    for (const s of dcr.streams.values()) for (const f of s.flows) columnsByFlow.set(f, flowColumns(f))

  // Files handed to clients (CA, client certificate, federated token) live in the data dir, else a temp dir.
  const dataDir = options.dataDir
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true })
  const tempDir = dataDir === undefined ? await mkdtemp(join(tmpdir(), 'dcr-logs-emulator-')) : undefined
  const filesDir = dataDir ?? tempDir!
  const ca = await certificateAuthority(options, filesDir)
  const overrides = { tenantId: options.tenantId, clientId: options.clientId, clientSecret: options.clientSecret }
  const tenant = dataDir === undefined ? await createTenant(overrides) : await loadOrCreateTenant(dataDir, overrides)
  const { tenantId, clientId, clientSecret } = tenant
  const certificateFile = join(filesDir, 'app-certificate.pem')
  await writeAtomically(
    certificateFile,
    `${tenant.clientCertificate.privateKey}${tenant.clientCertificate.certificate}`,
    0o600,
  )

  const { certificateNames, advertisedHost } = addressing(host, options.publicHost)
  const knownNames = new Set([...LOOPBACK_NAMES, ...certificateNames].map((n) => n.toLowerCase()))
  const serverCertificate = await ServerCertificate.issue(ca, certificateNames)
  const audiences = options.audiences ?? [...DEFAULTS.audiences]
  const defaultApp = registerClient(
    {
      clientId,
      clientSecret,
      certificates: [tenant.clientCertificate.certificate],
      federatedCredentials: [{ issuer: EMULATOR_FEDERATION_ISSUER, subject: DEFAULT_FEDERATED_SUBJECT }],
    },
    'the default app',
    EMULATOR_FEDERATION_ISSUER,
  )
  const clients = [defaultApp, ...userClients]
  let origin = ''
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? DEFAULTS.tokenLifetimeSeconds
  const tokens = new TokenService({
    tenantId,
    clients,
    knownResources: [...new Set([...WELL_KNOWN_RESOURCES, ...audiences])],
    tokenLifetimeSeconds,
    key: tenant.signingKey,
    now,
    federationIssuer: EMULATOR_FEDERATION_ISSUER,
    origins: () => [origin],
  })
  const systemIdentity = completeManagedIdentity(
    {
      clientId: tenant.managedIdentityClientId,
      resourceId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/emulator/providers/Microsoft.Web/sites/emulator`,
    },
    SUBSCRIPTION_ID,
  )
  const managedIdentity = new ManagedIdentityEndpoint({
    systemAssigned: systemIdentity,
    userAssigned: (options.managedIdentities ?? []).map((m) => completeManagedIdentity(m, SUBSCRIPTION_ID)),
    identityHeader: tenant.identityHeader,
    tokens,
    tokenLifetimeSeconds,
    now,
  })

  // Background failures (a certificate renewal, a state write) must not crash the user's process: close() reports them.
  const backgroundErrors: Error[] = []
  const store = new Store(options.retainRows ?? DEFAULTS.retainRows)
  const persistence =
    dataDir === undefined ? undefined : new StatePersistence(dataDir, store, (e) => backgroundErrors.push(e))
  await persistence?.load()
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
    key: serverCertificate.current.key,
    cert: serverCertificate.current.cert,
    keepAliveTimeout: 30_000,
  })
  const allowRemoteControl = options.allowRemoteControl ?? DEFAULTS.allowRemoteControl
  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', origin)
    const handle = async (): Promise<void> => {
      const refusal = controlRefusal(url.pathname, req.socket.remoteAddress, allowRemoteControl)
      if (refusal !== undefined) {
        req.resume()
        return sendAzureError(res, { status: 403, code: 'Forbidden', message: refusal }, randomUUID())
      }
      const ingestion = INGESTION_PATH.exec(url.pathname)
      if (ingestion !== null) {
        await handleIngestion(req, res, url, ingestion, {
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
        return persistence?.markDirty()
      }
      if (url.pathname.startsWith(CONTROL_PREFIX)) {
        return handleControl(req, res, url, emulator!, { dashboard: (...a) => dashboard!.handle(...a) })
      }
      if (url.pathname.startsWith(QUERY_API_PREFIX)) {
        return handleQueryApi(req, res, url, { store, workspaces, tokens, now, authorityUri: `${origin}/${tenantId}` })
      }
      if (managedIdentity.handles(url.pathname)) return managedIdentity.handle(req, res, url)
      const arm = ARM_DCR_PATH.exec(url.pathname)
      if (arm !== null) {
        return handleArmDcr(req, res, url, arm, {
          rules: rulesById.values(),
          tokens,
          origin,
          authorityUri: `${origin}/${tenantId}`,
        })
      }
      if (tokens.handles(url.pathname)) {
        return tokens.handle(req, res, url, requestOrigin(req.headers.host, knownNames, origin))
      }
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
  // closeAllConnections() knows only connections that reached HTTP: one still in its TLS handshake would finish it
  // after close() and hold the server open (a hung request on it, forever)
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })

  try {
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
  } catch (error) {
    if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true })
    throw error
  }
  server.on('error', (e) => backgroundErrors.push(e))
  const port = (server.address() as AddressInfo).port
  origin = `https://${urlHost(advertisedHost)}:${port}`
  serverCertificate.watch(server, (e) => backgroundErrors.push(e))

  const federatedTokenFile = join(filesDir, 'federated-token.jwt')
  const writeFederatedToken = (): Promise<void> =>
    writeAtomically(federatedTokenFile, tokens.mintFederatedToken(DEFAULT_FEDERATED_SUBJECT), 0o600)
  await writeFederatedToken()
  const federatedTimer = setInterval(
    () => writeFederatedToken().catch((e: Error) => backgroundErrors.push(e)),
    FEDERATED_TOKEN_REFRESH_MS,
  )
  federatedTimer.unref()

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
  const info = () =>
    buildInfo({
      origin,
      controlPrefix: CONTROL_PREFIX,
      queryPath: QUERY_API_PREFIX.slice(0, -1),
      dashboardPath: `${DASHBOARD_PATH}/`,
      tenantId,
      clientId,
      clientSecret,
      certificateFile,
      caCertificate: ca.certificate,
      caFile: ca.certificateFile!,
      rules,
      workspaces: workspaces.list(),
      managedIdentity: { ...systemIdentity, identityHeader: tenant.identityHeader },
      identityPath: APP_SERVICE_IDENTITY_PATH,
      workloadIdentity: {
        tokenFile: federatedTokenFile,
        issuer: EMULATOR_FEDERATION_ISSUER,
        subject: DEFAULT_FEDERATED_SUBJECT,
        audience: TOKEN_EXCHANGE_AUDIENCE,
      },
    })
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
    rows: <T>(table: string, o?: WorkspaceSelector) => store.rows(table, workspaces.select(o?.workspaceId)) as T[],
    count: (table, o) => store.count(table, workspaces.select(o?.workspaceId)),
    counts: (o) => store.counts(workspaces.select(o?.workspaceId)),
    async waitForRows<T>(table: string, count: number, opts: WaitForRowsOptions = {}): Promise<T[]> {
      if (closing !== undefined) throw new EmulatorError('CLOSED', 'waitForRows() after close().')
      const workspaceId = workspaces.select(opts.workspaceId)
      await store.waitFor(table, count, opts.timeoutMs ?? DEFAULTS.waitTimeoutMs, opts.signal, workspaceId)
      return store.rows(table, workspaceId) as T[]
    },
    query(kql, { workspaceId, ...o } = {}) {
      const id = workspaceId === undefined ? info().workspaceId : workspaces.select(workspaceId)!
      if (id === '') throw new EmulatorError('INVALID_OPTIONS', 'No DCR has a Log Analytics destination to query.')
      return queryWorkspaces(store, id, kql, new Date(now()), {
        ...o,
        ...(o.additionalWorkspaces && {
          additionalWorkspaces: o.additionalWorkspaces.map((w) => workspaces.select(w)!),
        }),
      })
    },
    requests: () => store.requests(),
    dcrErrors: () => store.errors(),
    setFaults,
    setThrottle(budget) {
      validateOptions({ throttle: budget })
      if (throttle === undefined)
        throw new EmulatorError('INVALID_OPTIONS', 'setThrottle(): the emulator was started with throttle: false.')
      throttle.configure(budget)
    },
    faults: () => (plan === undefined ? undefined : structuredClone(plan)),
    createAccessToken: (o = {}) => tokens.mintToken(o),
    createFederatedToken: (o = {}) =>
      tokens.mintFederatedToken(o.subject ?? DEFAULT_FEDERATED_SUBJECT, o.audience, o.lifetimeSeconds),
    reset() {
      store.reset()
      throttle?.reset()
      setFaults(undefined)
      persistence?.markDirty()
    },
    info,
    close() {
      closing ??= (async () => {
        store.cancelWaits('the emulator was closed')
        dashboard?.close()
        serverCertificate.stop()
        clearInterval(federatedTimer)
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
          for (const socket of sockets) socket.destroy()
        })
        await persistence?.close()
        if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true })
        if (backgroundErrors.length > 0) {
          throw new EmulatorError(
            'BACKGROUND_FAILURE',
            `The emulator failed in the background: ${backgroundErrors.map((e) => e.message).join('; ')}`,
          )
        }
      })()
      return closing
    },
  }
  return emulator
}
