/**
 * One POST per call over HTTPS with keep-alive: connection reuse, an optional CONNECT proxy, extra CA
 * certificates, connect and request deadlines. Plain http only for a loopback host with allowInsecureHttp
 * (checked by options).
 */
import { readFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { Socket } from 'node:net'
import tls from 'node:tls'
import { networkOutcome } from './https-get.js'
import { TunnelingAgent } from './proxy-agent.js'
import type { IngestionTransport, SendOutcome, SendRequest } from './transport.js'

export interface HttpsTransportOptions {
  url: URL
  concurrency: number
  connectTimeoutMs: number
  requestTimeoutMs: number
  ca?: ReadonlyArray<string | Buffer> | undefined
  /** `NODE_EXTRA_CA_CERTS`, kept when `ca` replaces the default store. */
  extraCaFile?: string | undefined
  proxy?: URL | undefined
}

const MAX_RESPONSE_BODY = 16 * 1024

const trustStore = (options: HttpsTransportOptions): (string | Buffer)[] | undefined => {
  if (options.ca === undefined) return undefined
  // an explicit `ca` replaces Node's store: add the defaults back, so it extends rather than replaces
  const store: (string | Buffer)[] = [...tls.rootCertificates]
  if (options.extraCaFile) {
    try {
      store.push(readFileSync(options.extraCaFile))
    } catch {
      // unreadable NODE_EXTRA_CA_CERTS: Node itself only warns about it
    }
  }
  store.push(...options.ca)
  return store
}

class HttpsTransport implements IngestionTransport {
  private readonly _agent: http.Agent
  private readonly _secure: boolean
  private readonly _connected = new WeakSet<Socket>()

  constructor(private readonly _options: HttpsTransportOptions) {
    this._secure = _options.url.protocol === 'https:'
    const ca = trustStore(_options)
    const common = {
      keepAlive: true,
      maxSockets: _options.concurrency,
      maxFreeSockets: _options.concurrency,
      scheduling: 'lifo' as const,
    }
    if (!this._secure) this._agent = new http.Agent(common)
    else if (_options.proxy) {
      this._agent = new TunnelingAgent({
        ...common,
        ...(ca ? { ca } : {}),
        proxy: _options.proxy,
        connectTimeoutMs: _options.connectTimeoutMs,
        proxyCa: ca,
      })
    } else this._agent = new https.Agent({ ...common, ...(ca ? { ca } : {}) })
  }

  send(request: SendRequest): Promise<SendOutcome> {
    const { url, connectTimeoutMs, requestTimeoutMs } = this._options
    return new Promise<SendOutcome>((resolve) => {
      let settled = false
      const timers: NodeJS.Timeout[] = []
      const settle = (outcome: SendOutcome) => {
        if (settled) return
        settled = true
        for (const t of timers) clearTimeout(t)
        request.signal?.removeEventListener('abort', onAbort)
        resolve(outcome)
      }
      const fail = (error: unknown) => settle(networkOutcome(error))
      const timeout = (code: string, message: string) => {
        const error = new Error(message) as NodeJS.ErrnoException
        error.code = code
        req.destroy(error)
      }
      const req = (this._secure ? https : http).request(url, {
        method: 'POST',
        agent: this._agent,
        headers: { ...request.headers, 'content-length': String(request.body.length) },
      })
      const onAbort = () => timeout('ABORT_ERR', 'the request was aborted (client closing)')
      if (request.signal?.aborted) {
        onAbort()
      } else request.signal?.addEventListener('abort', onAbort, { once: true })

      const deadline = setTimeout(
        () => timeout('ETIMEDOUT', `no complete response within ${requestTimeoutMs} ms (requestTimeoutMs)`),
        requestTimeoutMs,
      )
      deadline.unref()
      timers.push(deadline)
      req.once('socket', (socket: Socket) => {
        // a pooled socket was connected before; a new one gets the connect deadline (TCP, CONNECT and TLS)
        if (this._connected.has(socket)) return
        const t = setTimeout(
          () =>
            timeout(
              'ECONNECT_TIMEOUT',
              `no connection to ${url.host} within ${connectTimeoutMs} ms (connectTimeoutMs)`,
            ),
          connectTimeoutMs,
        )
        t.unref()
        timers.push(t)
        socket.once(this._secure ? 'secureConnect' : 'connect', () => {
          this._connected.add(socket)
          clearTimeout(t)
        })
      })
      req.once('error', fail)
      req.once('response', (response) => {
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_RESPONSE_BODY) chunks.push(chunk)
          size += chunk.length
        })
        response.once('error', fail)
        response.once('aborted', () =>
          fail(Object.assign(new Error('the response was cut off'), { code: 'ECONNRESET' })),
        )
        response.once('end', () =>
          settle({
            kind: 'response',
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BODY).toString('utf8'),
          }),
        )
      })
      req.end(request.body)
    })
  }

  close(): void {
    this._agent.destroy()
  }
}

/** Creates the HTTPS transport for one ingestion URL. */
export const createHttpsTransport = (options: HttpsTransportOptions): IngestionTransport => new HttpsTransport(options)
