import type { AccessToken, TokenCredential } from '../types.js'

export interface TokenCacheOptions {
  /** Refresh this long before expiry (at most half of the token's lifetime). */
  refreshMarginMs: number
  now: () => number
  /** Told about refreshes (expiry only, never the token). */
  onRefresh?: (info: { expiresOnTimestamp: number; background: boolean }) => void
  onRefreshError?: (error: unknown) => void
}

interface Cached {
  token: string
  expiresOn: number
  refreshAt: number
}

/**
 * Caches one scope's token: refreshes ahead of expiry in the background while the current token still
 * works, runs at most one refresh at a time, and drops a token the service refused (401).
 */
export class TokenCache {
  private _cached: Cached | undefined
  private _refreshing: Promise<Cached> | undefined
  /** Claims to send with the next fetch, so a credential with its own cache (MSAL) fetches a new token. */
  private _claims: string | undefined

  constructor(
    private readonly _credential: TokenCredential,
    private readonly _scope: string,
    private readonly _options: TokenCacheOptions,
  ) {}

  /** A usable token; waits for a refresh only when there is no valid one. */
  async get(signal?: AbortSignal): Promise<string> {
    const now = this._options.now()
    const cached = this._cached
    if (cached !== undefined && now < cached.expiresOn) {
      if (now >= cached.refreshAt) this._refresh(true, signal).catch((error) => this._options.onRefreshError?.(error))
      return cached.token
    }
    return (await this._refresh(false, signal)).token
  }

  /**
   * Forgets `token` (the service answered 401 to it) so the next `get()` fetches a new one. `claims` (a JSON
   * claims challenge) bypasses the credential's own token cache: MSAL serves a cached token otherwise.
   */
  invalidate(token: string, claims?: string): void {
    if (this._cached?.token !== token) return
    this._cached = undefined
    this._claims = claims
  }

  private _refresh(background: boolean, signal?: AbortSignal): Promise<Cached> {
    this._refreshing ??= this._fetch(background, signal).finally(() => {
      this._refreshing = undefined
    })
    return this._refreshing
  }

  private async _fetch(background: boolean, signal?: AbortSignal): Promise<Cached> {
    const obtainedAt = this._options.now()
    const options: { abortSignal?: AbortSignal; claims?: string } = {}
    if (signal !== undefined && !background) options.abortSignal = signal
    const claims = this._claims
    if (claims !== undefined) options.claims = claims
    const token: AccessToken | null = await this._credential.getToken(this._scope, options)
    if (this._claims === claims) this._claims = undefined
    if (token === null || typeof token?.token !== 'string' || token.token === '') {
      throw new Error(`the credential returned no token for scope ${this._scope}`)
    }
    const expiresOn = Number.isFinite(token.expiresOnTimestamp) ? token.expiresOnTimestamp : obtainedAt + 300_000
    const lifetime = Math.max(0, expiresOn - obtainedAt)
    const refreshAt =
      token.refreshAfterTimestamp !== undefined && token.refreshAfterTimestamp < expiresOn
        ? token.refreshAfterTimestamp
        : Math.max(obtainedAt + lifetime / 2, expiresOn - this._options.refreshMarginMs)
    const cached = { token: token.token, expiresOn, refreshAt }
    this._cached = cached
    this._options.onRefresh?.({ expiresOnTimestamp: expiresOn, background })
    return cached
  }
}
