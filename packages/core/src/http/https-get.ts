/**
 * One HTTPS GET with a JSON answer, for reading a resource at start-up (a DCR from Azure Resource Manager): extra CA
 * certificates, an optional CONNECT proxy, a deadline and an abort signal. Never throws; failures are outcomes.
 */
import https from 'node:https'
import tls from 'node:tls'
import { TunnelingAgent } from './proxy-agent.js'

export interface HttpsGetOptions {
  headers: Readonly<Record<string, string>>
  /** Extra trusted CA certificates (added to Node's roots). */
  ca?: ReadonlyArray<string | Buffer> | undefined
  proxy?: URL | undefined
  timeoutMs: number
  signal?: AbortSignal | undefined
}

export type HttpsGetOutcome =
  | { kind: 'response'; status: number; headers: Readonly<Record<string, string | string[] | undefined>>; body: string }
  | { kind: 'network'; code: string; message: string }

const MAX_BODY = 4 * 1024 * 1024

/** A failed request as an outcome: the error's code (`ECONNRESET` when it has none) and message. */
export const networkOutcome = (error: unknown): { kind: 'network'; code: string; message: string } => {
  const e = error as NodeJS.ErrnoException
  return {
    kind: 'network',
    code: typeof e?.code === 'string' ? e.code : 'ECONNRESET',
    message: e?.message ?? String(error),
  }
}

export const httpsGet = (url: URL, options: HttpsGetOptions): Promise<HttpsGetOutcome> =>
  new Promise((resolve) => {
    const ca = options.ca === undefined ? undefined : [...tls.rootCertificates, ...options.ca]
    const agent = options.proxy
      ? new TunnelingAgent({
          proxy: options.proxy,
          connectTimeoutMs: options.timeoutMs,
          ...(ca ? { ca, proxyCa: ca } : {}),
        })
      : new https.Agent({ keepAlive: false, ...(ca ? { ca } : {}) })
    let settled = false
    const settle = (outcome: HttpsGetOutcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      agent.destroy()
      resolve(outcome)
    }
    const fail = (error: unknown) => settle(networkOutcome(error))
    const abortWith = (code: string, message: string) => req.destroy(Object.assign(new Error(message), { code }))
    const onAbort = () => abortWith('ABORT_ERR', 'the request was aborted')
    const timer = setTimeout(
      () => abortWith('ETIMEDOUT', `no answer within ${options.timeoutMs} ms`),
      options.timeoutMs,
    )
    const req = https.request(url, {
      method: 'GET',
      agent,
      headers: { accept: 'application/json', ...options.headers },
    })
    if (options.signal?.aborted) onAbort()
    else options.signal?.addEventListener('abort', onAbort, { once: true })
    req.once('error', fail)
    req.once('response', (response) => {
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size <= MAX_BODY) chunks.push(chunk)
      })
      response.once('error', fail)
      response.once('end', () =>
        settle({
          kind: 'response',
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      )
    })
    req.end()
  })
