import http from 'node:http'
import https from 'node:https'
import type { Duplex } from 'node:stream'
import tls from 'node:tls'

export interface TunnelingAgentOptions extends https.AgentOptions {
  proxy: URL
  connectTimeoutMs: number
  /** CA for an https proxy itself. */
  proxyCa?: ReadonlyArray<string | Buffer> | undefined
}

type ConnectOptions = tls.ConnectionOptions & { host?: string; port?: number; servername?: string }

/**
 * An https.Agent that reaches the target through an HTTP CONNECT tunnel and then speaks TLS to the target
 * inside it. Sockets are pooled and kept alive like any agent's.
 */
export class TunnelingAgent extends https.Agent {
  private readonly _proxy: URL
  private readonly _connectTimeoutMs: number
  private readonly _proxyCa: ReadonlyArray<string | Buffer> | undefined

  constructor(options: TunnelingAgentOptions) {
    const { proxy, connectTimeoutMs, proxyCa, ...agentOptions } = options
    super(agentOptions)
    this._proxy = proxy
    this._connectTimeoutMs = connectTimeoutMs
    this._proxyCa = proxyCa
  }

  // Node's Agent accepts a socket through the callback when createConnection returns nothing
  override createConnection(
    options: ConnectOptions,
    callback: (error: Error | null, socket?: Duplex) => void,
  ): undefined {
    const proxy = this._proxy
    const target = `${options.host}:${options.port ?? 443}`
    const headers: Record<string, string> = { host: target }
    if (proxy.username !== '') {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
      headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`
    }
    const secureProxy = proxy.protocol === 'https:'
    const request = (secureProxy ? https : http).request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || (secureProxy ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers,
      agent: false,
      timeout: this._connectTimeoutMs,
      ...(secureProxy && this._proxyCa ? { ca: this._proxyCa as (string | Buffer)[] } : {}),
    })
    let done = false
    const finish = (error: Error | null, socket?: Duplex) => {
      if (done) return
      done = true
      callback(error, socket)
    }
    request.once('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy()
        const error = new Error(`the proxy ${proxy.host} answered ${response.statusCode} to CONNECT ${target}`)
        ;(error as NodeJS.ErrnoException).code = response.statusCode === 407 ? 'ERR_PROXY_AUTH' : 'ECONNREFUSED'
        finish(error)
        return
      }
      const { host: _host, port: _port, ...tlsOptions } = options
      finish(null, tls.connect({ ...tlsOptions, socket, servername: options.servername ?? options.host ?? '' }))
    })
    request.once('timeout', () => {
      const error = new Error(`no CONNECT answer from the proxy ${proxy.host} within ${this._connectTimeoutMs} ms`)
      ;(error as NodeJS.ErrnoException).code = 'ETIMEDOUT'
      request.destroy(error)
    })
    request.once('error', (error) => finish(error))
    request.end()
    return undefined
  }
}
