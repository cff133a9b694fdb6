#!/usr/bin/env node
/**
 * `dcr-logs-emulator`: runs the emulator until Ctrl-C, printing how to connect (or one JSON line with `--json`).
 */
import { HELP, parseCliOptions } from './cli-options.ts'
import { startEmulator } from './emulator.ts'
import type { Emulator } from './emulator-api.ts'
import { isEmulatorError } from './errors.ts'

const shellQuote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`

const describe = (e: Emulator): string => {
  const lines = [
    `Logs Ingestion emulator listening on ${e.endpoint}`,
    '',
    'Paste into a shell to point dcr-logs (and @azure/identity) at it:',
    '',
    ...Object.entries(e.env).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    '',
    'DCRs (immutable id, name, streams):',
    ...e.rules.map((r) => `  ${r.ruleId}  ${r.name}  ${r.streams.join(', ') || '(no ingestible streams)'}`),
    '',
    'Workspaces (id for queryWorkspace, name, tables):',
    ...(e.workspaces.length === 0
      ? ['  (none: no DCR has a Log Analytics destination)']
      : e.workspaces.map((w) => `  ${w.workspaceId}  ${w.name}  ${w.tables.join(', ')}`)),
    '',
    'Connect:',
    `  ingestion:   POST ${e.endpoint}/dataCollectionRules/${e.rules[0]!.ruleId}/streams/${e.rules[0]!.streams[0] ?? '<stream>'}?api-version=2023-01-01`,
    `  token:       POST ${e.authorityHost}/${e.tenantId}/oauth2/v2.0/token (client_credentials, scope https://monitor.azure.com/.default)`,
    `  credential:  new ClientSecretCredential(tenantId, clientId, clientSecret, { authorityHost: '${e.authorityHost}', disableInstanceDiscovery: true })`,
    `  certificate: ${e.certificateFile} (AZURE_CLIENT_CERTIFICATE_PATH, ClientCertificateCredential)`,
    `  workload:    ${e.workloadIdentity.tokenFile} (AZURE_FEDERATED_TOKEN_FILE, WorkloadIdentityCredential)`,
    `  managed id:  IDENTITY_ENDPOINT=${e.managedIdentity.identityEndpoint} with IDENTITY_HEADER from --json or /_emulator/info`,
    `               (credentialEnv.managedIdentity), or AZURE_POD_IDENTITY_AUTHORITY_HOST=${e.managedIdentity.imdsEndpoint} (IMDS style)`,
    `  CA:          ${e.caFile} (NODE_EXTRA_CA_CERTS must be set before Node starts; curl --cacert)`,
    `  query:       new LogsQueryClient(credential, { endpoint: '${e.queryEndpoint}' }) (scope https://api.loganalytics.io/.default)`,
    `  dashboard:   ${e.dashboardUrl}`,
    `  control:     ${e.controlEndpoint}info, rows/AppLogs_CL, requests, dcr-errors, faults, reset`,
    '',
    'Press Ctrl-C to stop.',
  ]
  return lines.join('\n')
}

const main = async (): Promise<void> => {
  let parsed: Awaited<ReturnType<typeof parseCliOptions>>
  try {
    parsed = await parseCliOptions(process.argv.slice(2))
  } catch (e) {
    console.error(`dcr-logs-emulator: ${(e as Error).message}\n\n${HELP}`)
    process.exitCode = 2
    return
  }
  if (parsed.help) {
    console.log(HELP)
    return
  }
  let emulator: Emulator
  try {
    emulator = await startEmulator(parsed.options)
  } catch (e) {
    console.error(`dcr-logs-emulator: ${isEmulatorError(e) ? e.message : (e as Error).stack}`)
    process.exitCode = 1
    return
  }
  if (parsed.json) process.stdout.write(`${JSON.stringify(emulator.info())}\n`)
  else console.log(describe(emulator))
  const stop = (): void => {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    void emulator.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

void main()
