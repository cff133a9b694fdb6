/** A recording transport and a client factory for the spool's tests. */
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import {
  createLogsIngestionClient,
  DIAGNOSTIC_CHANNELS,
  type DropEvent,
  type IngestionTransport,
  type LogsIngestionClientOptions,
  type SendOutcome,
  type WarningEvent,
} from '../../src/index.ts'

export const ok: SendOutcome = { kind: 'response', status: 204, headers: {}, body: '' }

export const base = {
  endpoint: 'https://my-dcr-a1b2.eastus-1.ingest.monitor.azure.com',
  ruleId: 'dcr-00000000000000000000000000000000',
  credential: { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 3_600_000 }) },
  lingerMs: 20,
} satisfies LogsIngestionClientOptions

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'dcr-logs-spool-test-'))

/** Records each delivered body's `i` values; `answer` decides each request's fate. */
export const recording = (answer: (n: number) => SendOutcome | Promise<SendOutcome> = () => ok) => {
  const delivered: number[] = []
  let requests = 0
  const transport: IngestionTransport = {
    async send(req) {
      const outcome = await answer(++requests)
      if (outcome.kind === 'response' && outcome.status === 204) {
        const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(req.body) : req.body
        for (const r of JSON.parse(raw.toString('utf8')) as { i: number }[]) delivered.push(r.i)
      }
      return outcome
    },
    close() {},
  }
  return { transport, delivered, requests: () => requests }
}

/** A client on `dir` whose drops and warnings are collected. */
export const spooledClient = (dir: string, transport: IngestionTransport, options: LogsIngestionClientOptions = {}) => {
  const drops: DropEvent[] = []
  const client = createLogsIngestionClient(
    { ...base, spool: { dir, maxBytes: 8 * 1024 * 1024 }, onDrop: (e) => drops.push(e), ...options },
    { transport },
  )
  return { client, drops }
}

/** Collects `dcr-logs:warning` messages until `stop()`. */
export const collectWarnings = () => {
  const messages: string[] = []
  const listener = (m: unknown) => messages.push((m as WarningEvent).message)
  subscribe(DIAGNOSTIC_CHANNELS.warning, listener)
  return { messages, stop: () => unsubscribe(DIAGNOSTIC_CHANNELS.warning, listener) }
}

/** A transport that never answers until the client aborts it. */
export const hanging: IngestionTransport = {
  send: (req) =>
    new Promise((resolve) =>
      req.signal?.addEventListener('abort', () => resolve({ kind: 'network', code: 'ABORT_ERR', message: 'aborted' })),
    ),
  close() {},
}

export const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, k) => from + k)
