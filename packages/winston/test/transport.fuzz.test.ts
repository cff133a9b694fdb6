/**
 * Fuzzing the winston mapping, which this package does not export, through its public surface: a real winston
 * logger with `AzureLogsTransport` shipping to the emulator over HTTPS. Any message and any metadata (cycles,
 * BigInt, symbols, `__proto__` keys, lone surrogates, huge strings, Errors with causes) at any level: logging never
 * throws, and every record lands or reaches `onDrop` with a reason. A fixed seed and budget; `pnpm fuzz`
 * multiplies the runs (`FUZZ_SCALE`).
 */
import fc from 'fast-check'
import { afterAll, beforeAll, expect, it } from 'vitest'
import winston from 'winston'
import { endLogger, TABLE, useEmulator } from './helpers/emulator.ts'

const budget = (runs: number) => ({
  seed: Number(process.env['FUZZ_SEED'] ?? 14),
  numRuns: Math.max(1, Math.round(runs * Number(process.env['FUZZ_SCALE'] ?? 1))),
})

const env = useEmulator()
beforeAll(() => env.start({ throttle: false }))
afterAll(() => env.stop())

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => `lone ${String.fromCharCode(c)}`),
  fc.nat(100_000).map((n) => 'w'.repeat(n)),
)
const metaValue = fc.oneof(
  fc.anything({ maxDepth: 2, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true }),
  text,
  fc.string().map((m) => new Error(m, { cause: new Error('inner') })),
)
const meta = fc
  .tuple(
    fc.dictionary(
      fc.oneof(fc.string(), fc.constantFrom('level', 'message', 'timestamp', 'stack', 'constructor')),
      metaValue,
      {
        maxKeys: 5,
      },
    ),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([m, cyclic, proto]) => {
    const o: Record<string, unknown> = proto ? { ...m, ...JSON.parse('{"__proto__":{"polluted":1}}') } : { ...m }
    if (cyclic) o['self'] = o
    return o
  })
const entry = fc.tuple(fc.constantFrom('error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'), text, meta)

let run = 0
it('fuzz: any message and metadata through a real logger: no throw, every record delivered or reported', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 12 }), async (entries) => {
      const tag = `fuzz${++run}-`
      env.reset()
      const transport = env.transportFor({ lingerMs: 5, level: 'silly' })
      const logger = winston.createLogger({ level: 'silly', transports: [transport] })
      for (const [i, [level, message, m]] of entries.entries()) logger.log(level, `${tag}${i} ${message}`, m)
      await endLogger(logger)
      const landed = env.emulator.rows<{ Body: string }>(TABLE).filter((r) => r.Body.startsWith(tag)).length
      const dropped = env.drops.reduce((n, d) => n + d.records.length, 0)
      expect(landed + dropped).toBe(entries.length)
      for (const d of env.drops) expect(d.reason).toMatch(/record-too-large|invalid-record/)
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    }),
    budget(25),
  )
})
