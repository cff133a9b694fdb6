/**
 * The HTTPS server's certificate over time: issued at start, re-issued in place (`setSecureContext`) before it
 * expires, so an emulator left running for weeks keeps serving a valid certificate. New connections get the new one.
 */
import type { Server } from 'node:https'
import {
  type CertificateAuthority,
  issueServerCertificate,
  SERVER_RENEW_BEFORE_MS,
  type ServerCredentials,
} from './certs.ts'

/** How often the certificate's remaining lifetime is checked. */
const CHECK_INTERVAL_MS = 6 * 3_600_000

export class ServerCertificate {
  private _current: ServerCredentials
  private _timer: NodeJS.Timeout | undefined

  private constructor(
    private readonly _ca: CertificateAuthority,
    private readonly _names: readonly string[],
    initial: ServerCredentials,
  ) {
    this._current = initial
  }

  static async issue(ca: CertificateAuthority, names: readonly string[], now = Date.now()): Promise<ServerCertificate> {
    return new ServerCertificate(ca, names, await issueServerCertificate(ca, now, names))
  }

  get current(): ServerCredentials {
    return this._current
  }

  /**
   * Re-issues the certificate when less than `SERVER_RENEW_BEFORE_MS` remains at `asOf`; true when it did.
   * The new certificate always starts from the real clock, so clients accept it at once.
   */
  async renewIfDue(server: Server, asOf = Date.now()): Promise<boolean> {
    if (this._current.notAfter.getTime() - SERVER_RENEW_BEFORE_MS > asOf) return false
    const next = await issueServerCertificate(this._ca, Date.now(), this._names)
    server.setSecureContext({ key: next.key, cert: next.cert })
    this._current = next
    return true
  }

  /** Checks periodically until `stop()`; never keeps the process alive. */
  watch(server: Server, onError: (error: Error) => void): void {
    this._timer = setInterval(() => {
      this.renewIfDue(server).catch(onError)
    }, CHECK_INTERVAL_MS)
    this._timer.unref()
  }

  stop(): void {
    if (this._timer !== undefined) clearInterval(this._timer)
  }
}
