import { request } from 'node:https'
import { gzipSync } from 'node:zlib'
import { DEFAULT_DCR, type Emulator } from '../src/index.ts'

export interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json: () => unknown
}

/** One HTTPS request to the emulator, trusting its CA (never turning verification off). */
export const send = (
  emulator: Pick<Emulator, 'endpoint' | 'caCertificate'>,
  path: string,
  init: { method?: string; headers?: Record<string, string | number>; body?: Buffer | string; timeoutMs?: number } = {},
): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const url = new URL(path, emulator.endpoint)
    const req = request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, ca: emulator.caCertificate, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) })
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    if (init.timeoutMs !== undefined) req.setTimeout(init.timeoutMs, () => req.destroy(new Error('client timeout')))
    req.end(init.body)
  })

/** A token from the emulator's token endpoint (the client-credentials flow, as MSAL does it). */
export const fetchToken = async (emulator: Emulator, scope = 'https://monitor.azure.com/.default'): Promise<string> => {
  const reply = await send(emulator, `/${emulator.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
      scope,
    }).toString(),
  })
  if (reply.status !== 200) throw new Error(`token request failed: ${reply.status} ${reply.text}`)
  return (reply.json() as { access_token: string }).access_token
}

export const ingestPath = (ruleId: string, stream: string, apiVersion: string | null = '2023-01-01'): string =>
  `/dataCollectionRules/${ruleId}/streams/${stream}${apiVersion === null ? '' : `?api-version=${apiVersion}`}`

/** POSTs records (gzipped unless told otherwise) to a stream with a valid token. */
export const ingest = async (
  emulator: Emulator,
  body: unknown,
  opts: {
    ruleId?: string
    stream?: string
    token?: string
    gzip?: boolean
    headers?: Record<string, string>
    raw?: Buffer
  } = {},
): Promise<Reply> => {
  const token = opts.token ?? (await fetchToken(emulator))
  const json = opts.raw ?? Buffer.from(JSON.stringify(body))
  const gzip = opts.gzip ?? true
  return send(
    emulator,
    ingestPath(opts.ruleId ?? emulator.rules[0]!.ruleId, opts.stream ?? emulator.rules[0]!.streams[0]!),
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        ...opts.headers,
      },
      body: gzip ? gzipSync(json) : json,
    },
  )
}

export const recent = (offsetMs = 60_000): string => new Date(Date.now() - offsetMs).toISOString()

/** The claims of a JWT, unverified. */
export const claimsOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>

/**
 * Puts a credential environment into `process.env` (MSAL reads managed identity variables there), without any
 * `AZURE_*` or `IDENTITY_*` variable of the machine; returns the undo.
 */
export const useCredentialEnv = (env: Record<string, string>): (() => void) => {
  const saved = { ...process.env }
  for (const k of Object.keys(process.env))
    if (k.startsWith('AZURE_') || k.startsWith('IDENTITY_')) delete process.env[k]
  Object.assign(process.env, env)
  return () => {
    process.env = saved
  }
}

/** The default DCR aimed at another Log Analytics workspace (by name); give it its own immutable id. */
export const dcrForWorkspace = (workspace: string): Record<string, unknown> => {
  const dcr = structuredClone(DEFAULT_DCR) as unknown as {
    properties: { destinations: { logAnalytics: { workspaceResourceId: string }[] } }
  }
  dcr.properties.destinations.logAnalytics[0]!.workspaceResourceId =
    `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/${workspace}`
  return dcr
}
