/**
 * A token fetched while the application starts, not when its first batch (or its crash report) is sent: winston
 * gives a transport 3 s after an uncaught exception, and a cold token request to Entra can take a good part of it.
 *
 * The credential is built here, once, and handed to the client, so the token the prefetch obtained is in that
 * credential's own cache (`@azure/identity` credentials keep their tokens) when the client asks for it.
 */
import { credentialFromConfig } from '../auth/credential-config.js'
import { messageOf } from '../errors.js'
import type { Env, LogsIngestionClientOptions, ResolvedOptions } from '../options.js'
import { resolveOptions } from '../resolve-options.js'
import type { TokenCredential } from '../types.js'

export interface EarlyTokenSetup {
  /** The options to create the client with: the user's, with the credential replaced by the shared instance. */
  options: LogsIngestionClientOptions
  /** The options as the client will resolve them (validated; `DCR_LOGS_*` and `AZURE_*` applied). */
  resolved: ResolvedOptions
  /** Starts the token request; failures are left to the first send, which reports them. Never throws. */
  prefetch(onError?: (message: string) => void): void
}

const isTokenCredential = (value: unknown): value is TokenCredential =>
  typeof (value as TokenCredential | undefined)?.getToken === 'function'

/**
 * Resolves `options` (throwing `INVALID_OPTIONS` exactly as the client would) and prepares one credential for the
 * client and the prefetch.
 */
export const prepareEarlyToken = (options: LogsIngestionClientOptions, env: Env = process.env): EarlyTokenSetup => {
  const resolved = resolveOptions(options, env)
  const credential = isTokenCredential(resolved.credential)
    ? resolved.credential
    : credentialFromConfig(resolved.credential, { disableInstanceDiscovery: resolved.disableInstanceDiscovery })
  return {
    options: { ...options, credential },
    resolved,
    prefetch(onError) {
      try {
        credential.getToken(resolved.scope).then(undefined, (error: unknown) => onError?.(messageOf(error)))
      } catch (error) {
        onError?.(messageOf(error))
      }
    },
  }
}
