/**
 * Clone-safe credential settings → an `@azure/identity` credential, imported lazily on the first token
 * request so core has no hard dependency on it (it is an optional peer).
 */
import { LogsIngestionError } from '../errors.js'
import { isLoopbackHost } from '../option-values.js'
import type { CredentialConfig, TokenCredential } from '../types.js'

type Identity = typeof import('@azure/identity')

export interface CredentialFactoryOptions {
  /** Explicit setting (option or `DCR_LOGS_DISABLE_INSTANCE_DISCOVERY`); wins over the loopback rule. */
  disableInstanceDiscovery?: boolean | undefined
  /** Where the module comes from; tests may inject one. */
  importIdentity?: () => Promise<Identity>
}

const defaultImport = (): Promise<Identity> => import('@azure/identity')

/** Instance discovery asks login.microsoftonline.com about the authority; a local emulator is unknown there. */
const shouldDisableDiscovery = (
  authorityHost: string | undefined,
  fromConfig: boolean | undefined,
  explicit: boolean | undefined,
): boolean | undefined => {
  if (explicit !== undefined) return explicit
  if (fromConfig !== undefined) return fromConfig
  if (authorityHost === undefined) return undefined
  try {
    return isLoopbackHost(new URL(authorityHost).hostname) || undefined
  } catch {
    return undefined
  }
}

/** The `@azure/identity` credential for a config (exported for tests; not part of the package's API). */
export const buildCredential = (
  identity: Identity,
  config: CredentialConfig,
  options: CredentialFactoryOptions,
): TokenCredential => {
  const common = (authorityHost: string | undefined, disable: boolean | undefined) => {
    const o: { authorityHost?: string; disableInstanceDiscovery?: boolean } = {}
    if (authorityHost !== undefined) o.authorityHost = authorityHost
    const d = shouldDisableDiscovery(authorityHost, disable, options.disableInstanceDiscovery)
    if (d !== undefined) o.disableInstanceDiscovery = d
    return o
  }
  switch (config.type) {
    case 'clientSecret':
      return new identity.ClientSecretCredential(
        config.tenantId,
        config.clientId,
        config.clientSecret,
        common(config.authorityHost, config.disableInstanceDiscovery),
      )
    case 'clientCertificate': {
      const o = common(config.authorityHost, config.disableInstanceDiscovery)
      return config.certificate !== undefined
        ? new identity.ClientCertificateCredential(
            config.tenantId,
            config.clientId,
            { certificate: config.certificate },
            o,
          )
        : new identity.ClientCertificateCredential(
            config.tenantId,
            config.clientId,
            { certificatePath: config.certificatePath! },
            o,
          )
    }
    case 'managedIdentity':
      if (config.resourceId !== undefined)
        return new identity.ManagedIdentityCredential({ resourceId: config.resourceId })
      if (config.clientId !== undefined) return new identity.ManagedIdentityCredential({ clientId: config.clientId })
      return new identity.ManagedIdentityCredential()
    case 'workloadIdentity': {
      const o: ConstructorParameters<Identity['WorkloadIdentityCredential']>[0] = {
        ...common(config.authorityHost, undefined),
      }
      if (config.tenantId !== undefined) o.tenantId = config.tenantId
      if (config.clientId !== undefined) o.clientId = config.clientId
      if (config.tokenFilePath !== undefined) o.tokenFilePath = config.tokenFilePath
      return new identity.WorkloadIdentityCredential(o)
    }
    case 'azureCli':
      return new identity.AzureCliCredential(config.tenantId === undefined ? {} : { tenantId: config.tenantId })
    case 'environment':
      return new identity.EnvironmentCredential(common(config.authorityHost, config.disableInstanceDiscovery))
    case 'default': {
      const o: { managedIdentityClientId?: string; tenantId?: string } = {}
      if (config.managedIdentityClientId !== undefined) o.managedIdentityClientId = config.managedIdentityClientId
      if (config.tenantId !== undefined) o.tenantId = config.tenantId
      return new identity.DefaultAzureCredential(o as ConstructorParameters<Identity['DefaultAzureCredential']>[0])
    }
  }
}

/**
 * A `TokenCredential` that builds the `@azure/identity` credential for `config` on its first use.
 * Fails with `MISSING_DEPENDENCY` (not retried) when `@azure/identity` is not installed.
 */
export const credentialFromConfig = (
  config: CredentialConfig,
  options: CredentialFactoryOptions = {},
): TokenCredential => {
  let inner: Promise<TokenCredential> | undefined
  const load = (): Promise<TokenCredential> => {
    inner ??= (options.importIdentity ?? defaultImport)().then(
      (identity) => buildCredential(identity, config, options),
      (error: unknown) => {
        inner = undefined
        throw new LogsIngestionError(
          'MISSING_DEPENDENCY',
          `credential { type: "${config.type}" } needs the optional peer dependency @azure/identity, which could not be loaded. ` +
            'Install it (npm install @azure/identity), or pass any object with getToken() as "credential".',
          { cause: error },
        )
      },
    )
    return inner
  }
  return {
    getToken: async (scopes, getTokenOptions) => (await load()).getToken(scopes, getTokenOptions),
  }
}
