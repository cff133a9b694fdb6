import { randomBytes } from 'node:crypto'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it, vi } from 'vitest'
import {
  type ClientDeps,
  createLogsIngestionClient,
  DIAGNOSTIC_CHANNELS,
  type DropEvent,
  type IngestionTransport,
  type SendOutcome,
  type SendRequest,
} from '../src/index.ts'

type Rec = { Body?: unknown; [column: string]: unknown }

/** A transport whose answers a test scripts; records what was sent. */
const scripted = (answer: (records: Rec[], req: SendRequest, n: number) => SendOutcome | Promise<SendOutcome>) => {
  const sent: { records: Rec[]; req: SendRequest; bytes: number }[] = []
  let closed = false
  const transport: IngestionTransport = {
    async send(req) {
      const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(req.body) : req.body
      const records = JSON.parse(raw.toString('utf8')) as Rec[]
      sent.push({ records, req, bytes: req.body.length })
      return answer(records, req, sent.length)
    },
    close() {
      closed = true
    },
  }
  return { transport, sent, isClosed: () => closed }
}

const ok: SendOutcome = { kind: 'response', status: 204, headers: {}, body: '' }
const status = (s: number, headers: Record<string, string> = {}, body = ''): SendOutcome => ({
  kind: 'response',
  status: s,
  headers,
  body,
})

/** A client on a scripted transport; `deps` replaces the recorded sleeps, e.g. with a virtual clock. */
const setup = (
  answer: Parameters<typeof scripted>[0],
  options: Record<string, unknown> = {},
  deps: ClientDeps = {},
) => {
  const t = scripted(answer)
  const drops: DropEvent[] = []
  const sleeps: number[] = []
  let tokens = 0
  const client = createLogsIngestionClient(
    {
      endpoint: 'https://my-dcr-a1b2.eastus-1.ingest.monitor.azure.com',
      ruleId: 'dcr-00000000000000000000000000000000',
      credential: { getToken: async () => ({ token: `tok${++tokens}`, expiresOnTimestamp: Date.now() + 3600_000 }) },
      lingerMs: 10,
      onDrop: (e) => drops.push(e),
      ...options,
    },
    {
      env: {},
      transport: t.transport,
      sleep: async (ms) => {
        sleeps.push(ms)
      },
      ...deps,
    },
  )
  return { client, drops, sleeps, ...t, tokens: () => tokens }
}

const records = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ Body: `message ${from + i}`, SeverityNumber: 9 }))

describe('LogsIngestionClient', () => {
  it('delivers pushed records on flush with the right URL, headers and one request id per batch', async () => {
    const { client, sent } = setup(() => ok)
    for (const r of records(100)) expect(client.push(r)).toBe(true)
    expect(await client.flush()).toEqual({ settled: true, pending: 0 })
    expect(sent.flatMap((s) => s.records.map((r) => r.Body))).toEqual(records(100).map((r) => r.Body))
    const h = sent[0]!.req.headers
    expect(h['authorization']).toBe('Bearer tok1')
    expect(h['content-encoding']).toBe('gzip')
    expect(h['content-type']).toBe('application/json')
    expect(h['x-ms-client-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(h['user-agent']).toMatch(/^dcr-logs-core\/\S+ Node\.js\/\S+ \(/)
    const stats = client.stats()
    expect(stats.records).toMatchObject({ accepted: 100, delivered: 100, dropped: 0, queued: 0, inFlight: 0 })
    expect(stats.requests.byStatus['204']).toBe(sent.length)
    await client.close()
  })

  it('sends on linger without flush', async () => {
    const { client, sent } = setup(() => ok, { lingerMs: 5 })
    client.push({ Body: 'x' })
    await expect.poll(() => sent.length, { timeout: 5000 }).toBe(1)
    await client.close()
  })

  it('waits Retry-After on 429 and keeps the request id across retries, then delivers', async () => {
    const { client, sent, sleeps } = setup((_r, _q, n) => (n <= 2 ? status(429, { 'retry-after': '3' }) : ok))
    client.push({ Body: 'a' })
    await client.flush()
    expect(sleeps).toEqual([3000, 3000])
    expect(new Set(sent.map((s) => s.req.headers['x-ms-client-request-id'])).size).toBe(1)
    expect(client.stats().records).toMatchObject({ delivered: 1, retried: 2 })
    await client.close()
  })

  it('refreshes the token once on 401 and retries', async () => {
    const { client, sent, tokens } = setup((_r, req) =>
      req.headers['authorization'] === 'Bearer tok1' ? status(401) : ok,
    )
    client.push({ Body: 'a' })
    await client.flush()
    expect(sent.map((s) => s.req.headers['authorization'])).toEqual(['Bearer tok1', 'Bearer tok2'])
    expect(tokens()).toBe(2)
    expect(client.stats().records.delivered).toBe(1)
    await client.close()
  })

  it('reports 401 after a refresh as unauthorized with status and request id', async () => {
    const { client, drops } = setup(() => status(401))
    client.push({ Body: 'a' })
    await client.flush()
    expect(drops).toHaveLength(1)
    expect(drops[0]).toMatchObject({ reason: 'unauthorized', status: 401, retriable: false, records: ['{"Body":"a"}'] })
    expect(drops[0]!.clientRequestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(drops[0]!.error.message).toMatch(/401 after 2 attempt/)
    await client.close()
  })

  it('splits on 413 until the halves are accepted', async () => {
    const { client, sent, drops } = setup((r) =>
      r.length > 25 ? status(413, { 'x-ms-error-code': 'ContentLengthLimitExceeded' }) : ok,
    )
    for (const r of records(100)) client.push(r)
    await client.flush()
    expect(drops).toEqual([])
    const delivered = sent.filter((s) => s.records.length <= 25).flatMap((s) => s.records.map((r) => r.Body))
    expect(delivered).toEqual(records(100).map((r) => r.Body))
    await client.close()
  })

  it('isolates bad records on 400 by bisection; good records land', async () => {
    const bad = new Set(['message 17', 'message 63'])
    const { client, sent, drops } = setup((r) =>
      r.some((x) => bad.has(x.Body as string))
        ? status(400, {}, '{"error":{"code":"InvalidPayload","message":"bad record"}}')
        : ok,
    )
    for (const r of records(100)) client.push(r)
    await client.flush()
    expect(drops.map((d) => d.reason)).toEqual(['rejected', 'rejected'])
    expect(drops.flatMap((d) => d.records.map((j) => JSON.parse(j).Body))).toEqual(['message 17', 'message 63'])
    expect(drops[0]).toMatchObject({ status: 400, errorCode: 'InvalidPayload' })
    expect(drops[0]!.error.message).toContain('bad record')
    expect(client.stats().records).toMatchObject({ delivered: 98, dropped: 2 })
    expect(sent.filter((s) => s.records.length > 0).length).toBeLessThan(40)
    await client.close()
  })

  it('drops 404 at once, loudly, with the Azure error code', async () => {
    const { client, drops, sent } = setup(() =>
      status(
        404,
        {},
        '{"error":{"code":"NotFound","message":"Data collection rule with immutable Id \'dcr-0\' not found."}}',
      ),
    )
    for (const r of records(3)) client.push(r)
    await client.flush()
    expect(sent).toHaveLength(1)
    expect(drops).toHaveLength(1)
    expect(drops[0]).toMatchObject({ reason: 'not-found', status: 404, errorCode: 'NotFound', retriable: false })
    expect(drops[0]!.records).toHaveLength(3)
    expect(client.stats().lastError).toMatchObject({ status: 404, code: 'NOT_FOUND' })
    await client.close()
  })

  /** Sleeps advance a virtual clock, so retry windows pass without waiting. */
  const virtualClock = () => {
    const clock = { now: 0 }
    const deps: ClientDeps = {
      now: () => clock.now,
      sleep: async (ms) => {
        clock.now += ms
      },
    }
    return { clock, deps }
  }

  it('retries 403 within forbiddenRetryMs, then drops it as forbidden', async () => {
    const { clock, deps } = virtualClock()
    const { client, drops, sent } = setup(
      () => status(403, { 'x-ms-error-code': 'OperationFailed' }),
      { forbiddenRetryMs: 10_000 },
      deps,
    )
    client.push({ Body: 'a' })
    await client.flush()
    expect(sent.length).toBeGreaterThan(2)
    expect(clock.now).toBeGreaterThanOrEqual(10_000)
    expect(drops[0]).toMatchObject({ reason: 'forbidden', status: 403, errorCode: 'OperationFailed' })
    expect(drops[0]!.error.message).toMatch(/Monitoring Metrics Publisher/)
    await client.close()
  })

  it('gives up retriable failures at maxRetryTimeMs with reason retries-exhausted', async () => {
    const { deps } = virtualClock()
    const { client, drops, sent } = setup(
      () => ({ kind: 'network', code: 'ECONNRESET', message: 'socket hang up' }),
      { maxRetryTimeMs: 5_000 },
      { ...deps, random: () => 0.5 },
    )
    client.push({ Body: 'a' })
    await client.flush()
    expect(drops[0]).toMatchObject({ reason: 'retries-exhausted', errorCode: 'ECONNRESET', retriable: true })
    expect(sent.length).toBeGreaterThan(3)
    expect(client.stats().requests.byStatus['ECONNRESET']).toBe(sent.length)
    await client.close()
  })

  it('reports invalid records and records too large, and accepts the rest', async () => {
    const { client, drops, sent } = setup(() => ok, { maxUncompressedBytes: 2048 })
    expect(client.push('not a record' as never)).toBe(false)
    expect(client.push({ Body: 'x'.repeat(5000) })).toBe(false)
    expect(client.push({ Body: 'fine' })).toBe(true)
    await client.flush()
    expect(drops.map((d) => d.reason)).toEqual(['invalid-record', 'record-too-large'])
    expect(drops[0]!.records).toEqual(['"not a record"'])
    expect(sent.flatMap((s) => s.records)).toEqual([{ Body: 'fine' }])
    await client.close()
  })

  it('drop-oldest evicts the oldest queued records and reports them once', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const { client, drops, sent } = setup(
      async () => {
        await gate
        return ok
      },
      { maxBufferRecords: 10, overflow: 'drop-oldest' },
    )
    for (const r of records(25)) client.push(r)
    await new Promise((r) => setImmediate(r))
    release()
    await client.flush()
    const dropped = drops.flatMap((d) => d.records.map((j) => JSON.parse(j).Body as string))
    const delivered = sent.flatMap((s) => s.records.map((r) => r.Body as string))
    expect(drops.every((d) => d.reason === 'buffer-full')).toBe(true)
    expect(dropped).toEqual(records(15).map((r) => r.Body))
    expect([...dropped, ...delivered].sort()).toEqual(
      records(25)
        .map((r) => r.Body)
        .sort(),
    )
    expect(client.stats().droppedByReason['buffer-full']).toBe(15)
    await client.close()
  })

  it("overflow 'wait' refuses records when full; waitForSpace resolves once a batch leaves the buffer", async () => {
    const { client, drops } = setup(() => ok, { maxBufferRecords: 5, overflow: 'wait', lingerMs: 60_000 })
    for (const r of records(5)) expect(client.push(r)).toBe(true)
    expect(client.push({ Body: 'one too many' })).toBe(false)
    // nothing is due before the linger: the buffer stays full
    expect(await client.waitForSpace({ timeoutMs: 20 })).toBe(false)
    const space = client.waitForSpace({ timeoutMs: 5000 })
    const flushed = client.flush()
    expect(await space).toBe(true)
    await flushed
    expect(drops.flatMap((d) => d.records)).toEqual(['{"Body":"one too many"}'])
    expect(drops[0]).toMatchObject({ reason: 'buffer-full' })
    await client.close()
  })

  it('flush honours its deadline; close drops what is left as shutdown-timeout, is idempotent and closes the transport', async () => {
    const { client, drops, isClosed } = setup(() => new Promise<SendOutcome>(() => {}))
    for (const r of records(3)) client.push(r)
    const flushed = await client.flush({ timeoutMs: 50 })
    expect(flushed).toEqual({ settled: false, pending: 3 })
    const a = client.close({ timeoutMs: 50 })
    const b = client.close()
    expect(a).toBe(b)
    expect(client.closed).toBe(true)
    // the hanging request never resolves: close still returns once it aborts
    const result = await Promise.race([a, new Promise((r) => setTimeout(() => r('hung'), 3000))])
    expect(result).not.toBe('hung')
    expect(isClosed()).toBe(true)
    expect(drops.flatMap((d) => d.records)).toHaveLength(3)
    expect(client.push({ Body: 'late' })).toBe(false)
    expect(drops.at(-1)).toMatchObject({ reason: 'closed', records: ['{"Body":"late"}'] })
    expect(client.stats().records.accepted).toBe(3)
  })

  it('cuts batches so none spans more than maxTimeSpanMs of TimeGenerated', async () => {
    const { client, sent } = setup(() => ok, { maxTimeSpanMs: 30 * 60_000 })
    const start = Date.parse('2026-01-01T00:00:00Z')
    for (let i = 0; i < 120; i++) client.push({ TimeGenerated: new Date(start + i * 60_000), Body: `m${i}` })
    await client.flush()
    expect(sent.length).toBeGreaterThanOrEqual(4)
    for (const s of sent) {
      const times = s.records.map((r) => Date.parse(r['TimeGenerated'] as string))
      expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(30 * 60_000)
    }
    expect(sent.reduce((n, s) => n + s.records.length, 0)).toBe(120)
    await client.close()
  })

  it('drop-newest refuses the new record when full and keeps the queued ones', async () => {
    const { client, drops, sent } = setup(() => ok, { maxBufferRecords: 4, overflow: 'drop-newest', lingerMs: 60_000 })
    const pushed = records(6).map((r) => client.push(r))
    expect(pushed).toEqual([true, true, true, true, false, false])
    await client.flush()
    expect(sent.flatMap((s) => s.records.map((r) => r.Body))).toEqual(records(4).map((r) => r.Body))
    expect(drops.flatMap((d) => d.records.map((j) => JSON.parse(j).Body))).toEqual(['message 4', 'message 5'])
    expect(drops[0]).toMatchObject({ reason: 'buffer-full', retriable: true })
    expect(client.stats().records).toMatchObject({ accepted: 4, delivered: 4, dropped: 2 })
    await client.close()
  })

  it('sends a batch as soon as it reaches maxRecordsPerRequest, without waiting for linger or flush', async () => {
    const { client, sent } = setup(() => ok, { maxRecordsPerRequest: 10, lingerMs: 60_000 })
    for (const r of records(25)) client.push(r)
    await expect.poll(() => sent.length, { timeout: 5000 }).toBe(2)
    expect(sent.map((s) => s.records.length)).toEqual([10, 10])
    await client.flush()
    expect(sent.map((s) => s.records.length)).toEqual([10, 10, 5])
    await client.close()
  })

  it('sends a batch once it is full by size (as sent), without waiting for linger or flush', async () => {
    const { client, sent } = setup(() => ok, { maxRequestBytes: 4096, lingerMs: 60_000 })
    // random base64 barely compresses: a few dozen records fill 4 KiB of gzip
    for (let i = 0; i < 200; i++) client.push({ Body: randomBytes(90).toString('base64') })
    await expect.poll(() => sent.length, { timeout: 5000 }).toBeGreaterThan(3)
    for (const s of sent) expect(s.bytes).toBeLessThanOrEqual(4096)
    await client.close()
  })

  it('reports a record too large even alone and compressed, without sending it', async () => {
    const { client, sent, drops } = setup(() => ok)
    // 25 columns of random base64, each just under maxFieldBytes: 1.6 MB that gzip cannot bring under 1 MiB
    const huge: Record<string, string> = {}
    for (let i = 0; i < 25; i++) huge[`C${i}`] = randomBytes(48_000).toString('base64')
    expect(client.push(huge)).toBe(true)
    client.push({ Body: 'small' })
    await client.flush()
    expect(drops).toHaveLength(1)
    expect(drops[0]).toMatchObject({ reason: 'record-too-large', retriable: false })
    expect(drops[0]!.error.message).toMatch(/does not fit in 1048576 bytes even compressed/)
    expect(sent.flatMap((s) => s.records.map((r) => r.Body))).toEqual(['small'])
    expect(client.stats().records).toMatchObject({ accepted: 2, delivered: 1, dropped: 1 })
    await client.close()
  })

  it('flush() returns early when its AbortSignal aborts; the records stay queued and are sent later', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const { client, sent } = setup(async () => {
      await gate
      return ok
    })
    client.push({ Body: 'a' })
    const controller = new AbortController()
    const flushing = client.flush({ signal: controller.signal })
    controller.abort()
    expect(await flushing).toEqual({ settled: false, pending: 1 })
    const aborted = AbortSignal.abort()
    expect(await client.flush({ signal: aborted })).toEqual({ settled: false, pending: 1 })
    release()
    expect(await client.flush()).toEqual({ settled: true, pending: 0 })
    expect(sent).toHaveLength(1)
    await client.close()
  })

  it('never has more than `concurrency` requests in flight', async () => {
    let inFlight = 0
    let peak = 0
    const { client, sent } = setup(
      async () => {
        inFlight++
        peak = Math.max(peak, inFlight)
        await new Promise((r) => setTimeout(r, 5))
        inFlight--
        return ok
      },
      { concurrency: 3, maxRecordsPerRequest: 5 },
    )
    for (const r of records(100)) client.push(r)
    await client.flush()
    expect(sent).toHaveLength(20)
    expect(peak).toBe(3)
    await client.close()
  })

  it('keeps full requests full when the data stops compressing as it did (pieces sized ahead are cut again)', async () => {
    const { client, sent } = setup(() => ok, { maxRequestBytes: 4096, lingerMs: 60_000 })
    // compressible records teach the pipeline a high ratio...
    for (let i = 0; i < 2000; i++) client.push({ Body: `request ${i % 10} served in ${i % 7} ms`, Pad: 'x'.repeat(40) })
    await client.flush()
    const before = sent.length
    // ...and random ones, all cut ahead at that ratio, compress many times worse
    for (let i = 0; i < 600; i++) client.push({ Body: randomBytes(48).toString('base64'), i })
    await client.flush()
    const random = sent.slice(before)
    expect(random.flatMap((s) => s.records.map((r) => r['i']))).toEqual([...Array(600).keys()])
    const fills = random.slice(0, -1).map((s) => s.bytes / 4096)
    expect(fills.length).toBeGreaterThanOrEqual(6)
    expect(fills.filter((fill) => fill < 0.9)).toEqual([])
    expect(Math.max(...sent.map((s) => s.bytes))).toBeLessThanOrEqual(4096)
    await client.close()
  })

  it('counts raw and sent bytes, the average fill of full requests, queue depth and requests by status', async () => {
    const { client, sent } = setup((_r, _q, n) => (n === 1 ? status(503) : ok), {
      maxRequestBytes: 4096,
      lingerMs: 60_000,
      initialDelayMs: 1,
    })
    for (let i = 0; i < 400; i++) client.push({ Body: randomBytes(60).toString('base64'), i })
    const before = client.stats()
    expect(before.records.queued + before.records.inFlight).toBe(400)
    expect(before.queuedBytes).toBeGreaterThan(400 * 80)
    await client.flush()
    const stats = client.stats()
    const delivered = sent.slice(1)
    expect(stats.bytes.sent).toBe(delivered.reduce((n, s) => n + s.bytes, 0))
    expect(stats.bytes.raw).toBe(delivered.reduce((n, s) => n + gunzipSync(s.req.body).length, 0))
    // every body but the last (sealed by flush) was sealed because it was full
    const full = delivered.slice(0, -1).map((s) => s.bytes / 4096)
    expect(full.length).toBeGreaterThan(2)
    expect(stats.averageFill).toBeCloseTo(full.reduce((a, b) => a + b, 0) / full.length, 9)
    expect(stats.averageFill).toBeGreaterThan(0.9)
    expect(stats.requests).toEqual({ total: sent.length, byStatus: { '503': 1, '204': delivered.length } })
    expect(stats.records).toMatchObject({ accepted: 400, delivered: 400, queued: 0, inFlight: 0 })
    expect(stats.queuedBytes).toBe(0)
    await client.close()
  })

  it('push() only serialises and queues: packing and sending happen off the caller’s stack', async () => {
    const { client, sent } = setup(() => ok, { maxRecordsPerRequest: 10 })
    for (const r of records(1000)) client.push(r)
    expect(sent).toHaveLength(0)
    expect(client.stats().records).toMatchObject({ accepted: 1000, queued: 1000, inFlight: 0 })
    expect(client.stats().bytes.sent).toBe(0)
    await client.close()
    expect(sent).toHaveLength(100)
  })

  it('never writes to the console, even for drops and configuration warnings', async () => {
    const spies = [
      vi.spyOn(console, 'log'),
      vi.spyOn(console, 'warn'),
      vi.spyOn(console, 'error'),
      vi.spyOn(console, 'info'),
      vi.spyOn(console, 'debug'),
      vi.spyOn(process.stderr, 'write'),
      vi.spyOn(process.stdout, 'write'),
    ]
    try {
      const { client } = setup(() => status(404), { ruleId: 'not-a-dcr-id', onDrop: undefined })
      client.push({ Body: 'a' })
      client.push(null as never)
      await client.close()
      expect(client.stats().droppedByReason).toEqual({ 'not-found': 1, 'invalid-record': 1 })
      for (const spy of spies) expect(spy).not.toHaveBeenCalled()
    } finally {
      for (const spy of spies) spy.mockRestore()
    }
  })

  it('accepts an unusually shaped ruleId with a warning on the dcr-logs:warning channel', async () => {
    const warnings: string[] = []
    const listener = (m: unknown) => warnings.push((m as { message: string }).message)
    subscribe(DIAGNOSTIC_CHANNELS.warning, listener)
    try {
      const { client, sent } = setup(() => ok, { ruleId: 'dcr-custom-id' })
      expect(warnings).toEqual([expect.stringMatching(/ruleId "dcr-custom-id" is not shaped like "dcr-"/)])
      client.push({ Body: 'a' })
      await client.close()
      expect(sent[0]!.records).toEqual([{ Body: 'a' }])
    } finally {
      unsubscribe(DIAGNOSTIC_CHANNELS.warning, listener)
    }
  })

  it('never throws from push, even when onDrop throws', async () => {
    const { client } = setup(() => ok, {
      onDrop: () => {
        throw new Error('user bug')
      },
    })
    expect(() => client.push(null as never)).not.toThrow()
    await client.close()
  })
})

describe('adapter-facing API', () => {
  it('options exposes the resolved options, environment included', async () => {
    const { client } = setup(() => ok, {}, { env: { DCR_LOGS_OVERFLOW: 'drop-newest', DCR_LOGS_LINGER_MS: '1' } })
    expect(client.options.overflow).toBe('drop-newest')
    expect(client.options.lingerMs).toBe(10) // the option given wins over the environment
    expect(client.options.maxRequestBytes).toBe(1_048_576)
    await client.close()
  })

  it('reportDrop counts the records and hands them to onDrop as JSON text', async () => {
    const { client, drops } = setup(() => ok)
    client.reportDrop({ records: [{ a: 1 }, 'raw line'], detail: 'the log record could not be read' })
    expect(client.stats().droppedByReason).toEqual({ 'invalid-record': 2 })
    expect(client.stats().records.dropped).toBe(2)
    expect(drops).toHaveLength(1)
    expect(drops[0]!.records).toEqual(['{"a":1}', '"raw line"'])
    expect(drops[0]!.error.message).toContain('2 record(s) dropped (invalid-record): the log record could not be read')
    await client.close()
  })
})

describe('abandon() (process exit)', () => {
  it('reports queued and in-flight records at once, and a request that completes later is not counted again', async () => {
    let answer!: (o: SendOutcome) => void
    const { client, drops } = setup(() => new Promise<SendOutcome>((r) => (answer = r)), {
      maxRecordsPerRequest: 5,
      lingerMs: 60_000,
    })
    for (const r of records(5)) client.push(r)
    await client.flush({ timeoutMs: 50 }) // the first 5 are in a request that does not answer
    for (const r of records(3)) client.push(r)
    expect(client.abandon('lost at exit')).toBe(8)
    expect(drops.map((d) => [d.reason, d.records.length])).toEqual(
      expect.arrayContaining([
        ['shutdown-timeout', 5],
        ['shutdown-timeout', 3],
      ]),
    )
    expect(drops.every((d) => d.error.message.includes('lost at exit'))).toBe(true)
    answer(ok)
    await new Promise((r) => setTimeout(r, 20))
    expect(client.stats().records).toMatchObject({ accepted: 8, delivered: 0, dropped: 8, queued: 0, inFlight: 0 })
    expect(client.closed).toBe(true)
    expect(client.push({ Body: 'after' })).toBe(false)
  })
})
