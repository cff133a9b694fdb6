/**
 * Pure parsing of `dcr-logs-pino` arguments into target options. Connection settings left out fall back to
 * `DCR_LOGS_*` and `AZURE_*` environment variables, which core reads (the only place that reads them).
 */
import { parseArgs } from 'node:util'
import type { CredentialConfig } from '@dcr-logs/core'
import type { PinoTransportOptions } from './options.ts'

/** What the CLI does besides shipping. */
export interface CliSettings {
  /** Copy stdin to stdout unchanged, so the pipeline can continue (`| pino-pretty`). */
  passthrough: boolean
  /** No summary on stderr. */
  quiet: boolean
  help: boolean
  version: boolean
  /** A JSON file of target options; flags override it. */
  configFile: string | undefined
}

export interface ParsedCli {
  options: PinoTransportOptions
  settings: CliSettings
}

/** A usage error: the CLI prints it with a pointer to `--help` and exits with code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError'
}

type Kind = 'string' | 'int' | 'boolean'

/** Flag → option and kind; kebab-case of the option name, as in `DCR_LOGS_<OPTION>`. */
const OPTION_FLAGS: Readonly<Record<string, readonly [option: keyof PinoTransportOptions, kind: Kind]>> = {
  endpoint: ['endpoint', 'string'],
  'rule-id': ['ruleId', 'string'],
  'stream-name': ['streamName', 'string'],
  audience: ['audience', 'string'],
  cloud: ['cloud', 'string'],
  scope: ['scope', 'string'],
  'service-name': ['serviceName', 'string'],
  'scope-name': ['scopeName', 'string'],
  'scope-version': ['scopeVersion', 'string'],
  'message-key': ['messageKey', 'string'],
  'error-key': ['errorKey', 'string'],
  overflow: ['overflow', 'string'],
  compression: ['compression', 'string'],
  'linger-ms': ['lingerMs', 'int'],
  concurrency: ['concurrency', 'int'],
  'max-buffer-bytes': ['maxBufferBytes', 'int'],
  'max-buffer-records': ['maxBufferRecords', 'int'],
  'max-retry-time-ms': ['maxRetryTimeMs', 'int'],
  'request-timeout-ms': ['requestTimeoutMs', 'int'],
  'close-timeout-ms': ['closeTimeoutMs', 'int'],
  'flush-timeout-ms': ['flushTimeoutMs', 'int'],
  'max-line-bytes': ['maxLineBytes', 'int'],
  'max-field-bytes': ['maxFieldBytes', 'int'],
  'mapper-module': ['mapperModule', 'string'],
  'user-agent-suffix': ['userAgentSuffix', 'string'],
}

const CREDENTIAL_TYPES = ['environment', 'managedIdentity', 'workloadIdentity', 'azureCli', 'default'] as const

export const USAGE = `Usage: node app.js | dcr-logs-pino [options]

Ships pino's NDJSON from stdin to Azure Monitor Logs (Logs Ingestion API). Options left out fall back to
environment variables: DCR_LOGS_ENDPOINT, DCR_LOGS_RULE_ID, DCR_LOGS_STREAM_NAME (and any DCR_LOGS_<OPTION>),
and AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET (or a managed identity) for the credential.

Connection
  --endpoint <url>              DCR logsIngestion endpoint or DCE (https)
  --rule-id <id>                DCR immutable id (dcr-…)
  --stream-name <name>          DCR input stream (default Custom-AppLogs)
  --cloud <public|usgov|china>  --audience <url>  --scope <scope>
Credential (default: AZURE_* variables, else DefaultAzureCredential)
  --credential <type>           ${CREDENTIAL_TYPES.join(' | ')}
  --tenant-id <id>  --client-id <id>   for managedIdentity, workloadIdentity, azureCli, default
  (client secrets only through AZURE_CLIENT_SECRET: flags show up in process lists)
Mapping
  --service-name <name>  --scope-name <name>  --scope-version <v>  --message-key <key>  --error-key <key>
  --custom-levels <label=number,…>     --severity <label=1..24,…>
  --resource <key=value>        repeatable
  --mapper-module <path>        module exporting (line, columns) => columns | null
Delivery
  --overflow <drop-oldest|drop-newest|wait>  --max-buffer-bytes <n>  --max-buffer-records <n>
  --linger-ms <n>  --concurrency <n>  --max-retry-time-ms <n>  --request-timeout-ms <n>
  --close-timeout-ms <n>        deadline of the final flush (default 8000)
  --max-line-bytes <n>  --max-field-bytes <n>  --compression <gzip|none>  --user-agent-suffix <s>
CLI
  -p, --passthrough             copy stdin to stdout unchanged (e.g. | pino-pretty)
  -c, --config <file.json>      target options as JSON; flags override them
  -q, --quiet                   no summary on stderr
  -h, --help  -v, --version

Exit codes: 0 all delivered, 1 records were dropped, 2 usage or configuration error.
On SIGINT/SIGTERM the rest of stdin is read for up to 1 s, then everything read is flushed before exit.`

/** Parses `process.argv.slice(2)`. Throws `CliUsageError` with what was wrong and what is valid. */
export function parseCliArgs(argv: readonly string[]): ParsedCli {
  const flagOptions = Object.fromEntries(Object.keys(OPTION_FLAGS).map((flag) => [flag, { type: 'string' as const }]))
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        ...flagOptions,
        credential: { type: 'string' },
        'tenant-id': { type: 'string' },
        'client-id': { type: 'string' },
        'custom-levels': { type: 'string' },
        severity: { type: 'string' },
        resource: { type: 'string', multiple: true },
        passthrough: { type: 'boolean', short: 'p' },
        config: { type: 'string', short: 'c' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }))
  } catch (error) {
    throw new CliUsageError((error as Error).message)
  }

  const options: Record<string, unknown> = {}
  for (const [flag, [option, kind]] of Object.entries(OPTION_FLAGS)) {
    const raw = values[flag]
    if (typeof raw !== 'string') continue
    if (kind === 'int') {
      if (!/^\d+$/.test(raw)) throw new CliUsageError(`--${flag} expects a whole number (got "${raw}")`)
      options[option as string] = Number(raw)
    } else options[option as string] = raw
  }

  const credential = credentialFrom(values)
  if (credential !== undefined) options['credential'] = credential
  const customLevels = pairs('custom-levels', values['custom-levels'], Number.MIN_SAFE_INTEGER)
  if (customLevels !== undefined) options['customLevels'] = customLevels
  const severity = pairs('severity', values['severity'], 1)
  if (severity !== undefined) options['severityNumbers'] = severity
  const resource = values['resource']
  if (Array.isArray(resource)) {
    const entries: Record<string, string> = {}
    for (const item of resource) {
      const text = String(item)
      const at = text.indexOf('=')
      if (at <= 0) throw new CliUsageError(`--resource expects key=value (got "${text}")`)
      entries[text.slice(0, at)] = text.slice(at + 1)
    }
    options['resource'] = entries
  }

  return {
    options: options as PinoTransportOptions,
    settings: {
      passthrough: values['passthrough'] === true,
      quiet: values['quiet'] === true,
      help: values['help'] === true,
      version: values['version'] === true,
      configFile: typeof values['config'] === 'string' ? values['config'] : undefined,
    },
  }
}

function credentialFrom(values: Record<string, unknown>): CredentialConfig | undefined {
  const type = values['credential']
  const tenantId = typeof values['tenant-id'] === 'string' ? values['tenant-id'] : undefined
  const clientId = typeof values['client-id'] === 'string' ? values['client-id'] : undefined
  if (type === undefined) {
    if (tenantId !== undefined || clientId !== undefined) {
      throw new CliUsageError(
        '--tenant-id and --client-id need --credential (for example --credential managedIdentity)',
      )
    }
    return undefined
  }
  const t = (id: string | undefined, key: string) => (id === undefined ? {} : { [key]: id })
  switch (type) {
    case 'environment':
      return { type: 'environment' }
    case 'managedIdentity':
      return { type: 'managedIdentity', ...t(clientId, 'clientId') }
    case 'workloadIdentity':
      return { type: 'workloadIdentity', ...t(tenantId, 'tenantId'), ...t(clientId, 'clientId') }
    case 'azureCli':
      return { type: 'azureCli', ...t(tenantId, 'tenantId') }
    case 'default':
      return { type: 'default', ...t(tenantId, 'tenantId'), ...t(clientId, 'managedIdentityClientId') }
    default:
      throw new CliUsageError(
        `--credential must be one of ${CREDENTIAL_TYPES.join(', ')} (got "${String(type)}"); ` +
          'for a client secret set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET',
      )
  }
}

/** `a=1,b=2` → `{ a: 1, b: 2 }`. */
function pairs(flag: string, raw: unknown, min: number): Record<string, number> | undefined {
  if (typeof raw !== 'string') return undefined
  const out: Record<string, number> = {}
  for (const part of raw.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*(-?\d+)\s*$/.exec(part)
    if (match === null || Number(match[2]) < min) {
      throw new CliUsageError(`--${flag} expects label=number pairs separated by commas (got "${part}")`)
    }
    out[match[1]!] = Number(match[2])
  }
  return out
}
