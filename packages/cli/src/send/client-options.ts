/**
 * `send`'s flags as `createLogsIngestionClient` options. Flags left out fall back to `DCR_LOGS_*` and `AZURE_*`,
 * which core reads (the only place that reads them). Pure.
 */
import type { CredentialConfig, DcrSummary, LogsIngestionClientOptions } from '@dcr-logs/core'
import { choice, integer, type Parsed, text } from '../args.ts'

export const CREDENTIAL_TYPES = ['azureCli', 'managedIdentity', 'workloadIdentity', 'environment', 'default'] as const

/** The CLI waits longer than a service would at exit: a backfill's last batches are worth the wait. */
export const SEND_DEFAULTS = Object.freeze({ closeTimeoutMs: 60_000 })

const credential = (parsed: Parsed): CredentialConfig | undefined => {
  if (parsed.values['credential'] === undefined) return undefined
  const type = choice('send', parsed, 'credential', CREDENTIAL_TYPES, 'default')
  const tenantId = text(parsed, 'tenant-id')
  const clientId = text(parsed, 'client-id')
  const t = tenantId === undefined ? {} : { tenantId }
  switch (type) {
    case 'azureCli':
      return { type, ...t }
    case 'managedIdentity':
      return { type, ...(clientId === undefined ? {} : { clientId }) }
    case 'workloadIdentity':
      return { type, ...t, ...(clientId === undefined ? {} : { clientId }) }
    case 'environment':
      return { type }
    default:
      return { type, ...t, ...(clientId === undefined ? {} : { managedIdentityClientId: clientId }) }
  }
}

/**
 * Client options from the flags, completed from a DCR GET response (`az rest --method get …`) when `--dcr` is
 * one: its endpoint, immutable id and, with a single declared stream, the stream name.
 */
export const clientOptions = (
  parsed: Parsed,
  dcr: DcrSummary | undefined,
  streamName: string | undefined,
): LogsIngestionClientOptions => {
  const endpoint = text(parsed, 'endpoint') ?? dcr?.logsIngestionEndpoint
  const ruleId = text(parsed, 'rule-id') ?? dcr?.immutableId
  const cred = credential(parsed)
  return {
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(ruleId === undefined ? {} : { ruleId }),
    ...(streamName === undefined ? {} : { streamName }),
    ...(cred === undefined ? {} : { credential: cred }),
    closeTimeoutMs: integer('send', parsed, 'close-timeout-ms') ?? SEND_DEFAULTS.closeTimeoutMs,
  }
}
