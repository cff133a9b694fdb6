import type { AttemptOutcome } from '../retry/retry-policy.js'

/** One POST of a request body. */
export interface SendRequest {
  readonly body: Buffer
  readonly headers: Readonly<Record<string, string>>
  readonly signal?: AbortSignal | undefined
}

/** The result of one POST: a response (any status) or a network failure. Never throws. */
export type SendOutcome = Extract<AttemptOutcome, { kind: 'response' } | { kind: 'network' }>

/** Sends request bodies to one URL. Interfaces no wider than the lifecycle. */
export interface IngestionTransport {
  send(request: SendRequest): Promise<SendOutcome>
  /** Releases sockets. */
  close(): void
}
